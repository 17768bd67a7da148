// Calls to the sidecar. Changes carry the headers its CSRF checks want.

import { errorText, t } from "./i18n";
import type { ErrorAnswer } from "./wire.generated";

export class ApiError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status: number,
    /** What the message names (a duplicate's existing download: its hash and name). */
    public readonly values: Record<string, string> = {},
  ) {
    super(message);
  }
}

async function parse<T>(response: Response): Promise<T> {
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    // The panel's own words for the code, as Home Assistant translates it; the server's English
    // only for a code this build does not know.
    const error = (body as Partial<ErrorAnswer> | null)?.error;
    if (!error?.code) throw new ApiError("http_error", t("error.http", { status: response.status }), response.status);
    const values = { ...error.values, ...error.placeholders };
    throw new ApiError(error.code, errorText(error.code, values, error.message), response.status, error.values);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { headers: { Accept: "application/json" } }));
}

export async function send<T>(method: "POST" | "PUT" | "DELETE", path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { "Content-Type": "application/json", "X-MediaHub": "1", Accept: "application/json" },
    body: method === "DELETE" ? null : JSON.stringify(body),
  });
  return parse<T>(response);
}

/** Add a .torrent file: sent as itself, not as JSON. */
export async function sendTorrent<T>(file: Blob, category: string): Promise<T> {
  const query = category ? `?category=${encodeURIComponent(category)}` : "";
  const response = await fetch(`/api/downloads/torrent${query}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-bittorrent", "X-MediaHub": "1", Accept: "application/json" },
    body: file,
  });
  return parse<T>(response);
}

export function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return t("error.unreachable");
}
