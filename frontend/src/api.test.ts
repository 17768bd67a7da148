// The sidecar's errors read as Home Assistant's do: the panel's own words for the error's code,
// in the user's language, with the server's values filled in; the server's English only for a
// code this build does not know.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, describe as describeError, send } from "./api";
import { LANGUAGES, known, loadLanguage } from "./i18n";
import { sidecarTransport } from "./sidecar";

const answer = (status: number, error: unknown) =>
  vi.fn(() => Promise.resolve(new Response(JSON.stringify({ error }), { status, headers: { "Content-Type": "application/json" } })));

async function refusal(status: number, error: unknown): Promise<ApiError> {
  vi.stubGlobal("fetch", answer(status, error));
  try {
    await send("POST", "/api/downloads", { release_id: "x" });
  } catch (caught) {
    return caught as ApiError;
  }
  throw new Error("the request was not refused");
}

afterEach(async () => {
  vi.unstubAllGlobals();
  await loadLanguage("en");
});

describe("an error the sidecar answers", () => {
  it("is shown in the user's language, its placeholders filled in", async () => {
    await loadLanguage("de");
    const error = await refusal(503, {
      code: "service_unavailable",
      message: "qBittorrent is not reachable right now.",
      placeholders: { service: "qBittorrent", reason: "timed out" },
    });
    expect(describeError(error)).toBe("qBittorrent ist nicht erreichbar: timed out.");
    expect(error.code).toBe("service_unavailable");
    expect(error.status).toBe(503);
  });

  it("names what the message names from the error's values", async () => {
    await loadLanguage("fr");
    const error = await refusal(400, {
      code: "already_added",
      message: "Dune is already in qBittorrent",
      values: { hash: "a".repeat(40), name: "Dune" },
    });
    expect(describeError(error)).toContain("Dune");
    expect(describeError(error)).not.toContain("already");
    expect(error.values).toEqual({ hash: "a".repeat(40), name: "Dune" });
  });

  it("falls back to the server's words for a code the panel does not know", async () => {
    await loadLanguage("nl");
    const error = await refusal(400, { code: "brand_new_rule", message: "A rule this build has never seen." });
    expect(describeError(error)).toBe("A rule this build has never seen.");
  });

  it("says the status when the answer is not the panel's error shape", async () => {
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response("<html>", { status: 502 }))));
    await expect(send("POST", "/api/downloads")).rejects.toMatchObject({ code: "http_error", message: "The panel answered 502." });
  });
});

describe("the catalogs", () => {
  const exceptions = (language: string) =>
    Object.keys((JSON.parse(readFileSync(new URL(`../../custom_components/mediahub/translations/${language}.json`, import.meta.url), "utf8")) as { exceptions: object }).exceptions);

  for (const language of LANGUAGES) {
    it(`${language} has a text for every error code Home Assistant translates`, async () => {
      await loadLanguage(language);
      expect(exceptions(language).filter((code) => !known(`error.${code}`))).toEqual([]);
    });
  }
});

describe("the sidecar's requests", () => {
  it("approves, declines (with why), and reads and saves the rules on their routes", async () => {
    const sent: { url: string; method: string; body: unknown }[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn((url: string, init?: RequestInit) => {
        sent.push({ url, method: init?.method ?? "GET", body: init?.body ? JSON.parse(String(init.body)) : null });
        return Promise.resolve(new Response(JSON.stringify({}), { status: 200, headers: { "Content-Type": "application/json" } }));
      }),
    );
    const rules = { weekly_quota: 3, quotas: {}, auto_approve: [{ user: "Bob", category: null }] };
    await sidecarTransport.approve(4);
    await sidecarTransport.decline(4, "already on Netflix");
    await sidecarTransport.decline(5, null);
    await sidecarTransport.requestRules();
    await sidecarTransport.saveRequestRules(rules);
    expect(sent).toEqual([
      { url: "/api/wishes/4/approve", method: "POST", body: {} },
      { url: "/api/wishes/4/decline", method: "POST", body: { reason: "already on Netflix" } },
      { url: "/api/wishes/5/decline", method: "POST", body: {} },
      { url: "/api/requests/rules", method: "GET", body: null },
      { url: "/api/requests/rules", method: "PUT", body: rules },
    ]);
  });
});
