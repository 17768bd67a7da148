import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchSession, NO_SIGN_IN, signInProblem } from "./session";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the session", () => {
  it("says who is signed in, as the sidecar answers", async () => {
    const answer = { sign_in: true, user: { name: "Alice", admin: false } };
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response(JSON.stringify(answer)))));
    expect(await fetchSession()).toEqual(answer);
  });

  it("is as before (no sign-in) when the sidecar cannot say", async () => {
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response("", { status: 404 }))));
    expect(await fetchSession()).toEqual(NO_SIGN_IN);
    vi.stubGlobal("fetch", vi.fn(() => Promise.reject(new TypeError("offline"))));
    expect(await fetchSession()).toEqual(NO_SIGN_IN);
  });

  it("reads why a sign-in did not work only from the codes it knows", () => {
    expect(signInProblem("?sign_in=refused")).toBe("refused");
    expect(signInProblem("?sign_in=<script>")).toBeNull();
    expect(signInProblem("")).toBeNull();
  });
});
