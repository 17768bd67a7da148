// Who is using the panel: with the sidecar's sign-in on (MEDIAHUB_HOME_ASSISTANT_URL), a
// Home Assistant user, known to the server by an HttpOnly cookie the page never reads;
// without it, nobody in particular (everyone who reaches the panel acts as an administrator).

import { createContext, useContext } from "react";

export interface SessionUser {
  name: string;
  admin: boolean;
}

export interface SessionInfo {
  /** Whether the panel signs people in with their Home Assistant account. */
  sign_in: boolean;
  /** Who this browser is signed in as (null: nobody yet, or no sign-in). */
  user: SessionUser | null;
}

export const NO_SIGN_IN: SessionInfo = { sign_in: false, user: null };

/** GET /api/session; a panel that cannot say (an older sidecar, a failure) is as before. */
export async function fetchSession(): Promise<SessionInfo> {
  try {
    const response = await fetch("/api/session", { headers: { Accept: "application/json" } });
    if (!response.ok) return NO_SIGN_IN;
    const body = (await response.json()) as Partial<SessionInfo>;
    return { sign_in: body.sign_in === true, user: body.user ?? null };
  } catch {
    return NO_SIGN_IN;
  }
}

/** Why the last sign-in did not work, from the address Home Assistant sent us back to. */
export function signInProblem(search: string): "expired" | "refused" | "unreachable" | "failed" | null {
  const code = new URLSearchParams(search).get("sign_in");
  return code === "expired" || code === "refused" || code === "unreachable" || code === "failed" ? code : null;
}

/** Sign out (the server revokes the Home Assistant token), then start over. */
export async function signOut(): Promise<void> {
  await fetch("/api/session/sign-out", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-MediaHub": "1", Accept: "application/json" },
    body: "{}",
  }).catch(() => undefined);
  window.location.assign("/");
}

export const SessionContext = createContext<SessionInfo>(NO_SIGN_IN);

export function useSession(): SessionInfo {
  return useContext(SessionContext);
}
