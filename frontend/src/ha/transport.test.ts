// The Home Assistant transport's mapping onto MediaHub's websocket commands, against a
// stand-in for HA's connection (the real one is driven in the lab's browser check).
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api";
import type { Message } from "../eventStream";
import { homeAssistantTransport, type Hass } from "./transport";

type Listener = (event: Record<string, unknown>) => void;

function fakeHass(answers: Record<string, unknown> = {}) {
  const subscriptions: { message: Record<string, unknown>; send: Listener; closed: boolean }[] = [];
  const calls: Record<string, unknown>[] = [];
  const hass: Hass = {
    language: "en",
    connection: {
      subscribeMessage: <T>(callback: (message: T) => void, message: Record<string, unknown>) => {
        const subscription = { message, send: callback as unknown as Listener, closed: false };
        subscriptions.push(subscription);
        return Promise.resolve(() => {
          subscription.closed = true;
          return Promise.resolve();
        });
      },
    },
    callWS: <T>(message: Record<string, unknown>) => {
      calls.push(message);
      const answer = answers[String(message.type)];
      return answer instanceof Error || (answer && typeof answer === "object" && "code" in answer)
        ? Promise.reject(answer as Error)
        : Promise.resolve(answer as T);
    },
  };
  return { hass, subscriptions, calls };
}

const stack = { entry_id: "e1", title: "Home", admin: false };

describe("the Home Assistant transport", () => {
  it("follows the downloads feed: what came before listening, then each message", async () => {
    const { hass, subscriptions } = fakeHass();
    const feed = homeAssistantTransport(hass, stack).feed();
    expect(subscriptions[0]?.message).toEqual({ type: "mediahub/subscribe_downloads", entry_id: "e1" });
    subscriptions[0]?.send({ snapshot: { downloads: [], total: 0 } });
    const received: Message[] = [];
    feed.listen((m) => received.push(m), () => undefined);
    subscriptions[0]?.send({ downloads: { changed: [], removed: ["a"] } });
    expect(received.map((m) => m.name)).toEqual(["snapshot", "downloads"]);
    feed.close();
    await vi.waitFor(() => expect(subscriptions[0]?.closed).toBe(true));
  });

  it("streams a search and says why one failed", () => {
    const { hass, subscriptions } = fakeHass();
    const seen: string[] = [];
    homeAssistantTransport(hass, stack).search("dune", "movies", {
      indexer: () => seen.push("indexer"),
      results: (releases) => seen.push(`results ${releases.length}`),
      assessed: () => seen.push("assessed"),
      done: () => seen.push("done"),
      failed: (message) => seen.push(`failed ${message}`),
    });
    expect(subscriptions[0]?.message).toEqual({
      type: "mediahub/subscribe_search",
      entry_id: "e1",
      query: "dune",
      category: "movies",
    });
    const send = subscriptions[0]?.send ?? (() => undefined);
    send({ indexer: { id: 1 } });
    send({ results: { releases: [{}, {}] } });
    send({ error: { code: "service_unavailable", message: "Prowlarr is not reachable" } });
    expect(seen).toEqual(["indexer", "results 2", "failed Prowlarr is not reachable"]);
  });

  it("runs actions through mediahub/action, with Home Assistant's refusal in the user's language", async () => {
    const { hass, calls } = fakeHass({
      "mediahub/action": {
        code: "home_assistant_error",
        message: "Dune is already in qBittorrent",
        translation_domain: "mediahub",
        translation_key: "already_added",
        translation_placeholders: { hash: "h", name: "Dune" },
      },
    });
    // Home Assistant's frontend translations, as `hass.localize` gives them.
    hass.localize = (key, values) =>
      key === "component.mediahub.exceptions.already_added.message" ? `${values?.name ?? ""} est déjà dans qBittorrent.` : "";
    const transport = homeAssistantTransport(hass, stack);
    const refusal = await transport.grab("r1", null).catch((e: unknown) => e);
    expect(calls[0]).toEqual({ type: "mediahub/action", entry_id: "e1", action: "grab", data: { release_id: "r1" } });
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({
      code: "already_added",
      message: "Dune est déjà dans qBittorrent.",
      values: { hash: "h", name: "Dune" },
    });
    await transport.act("h", "top").catch(() => undefined);
    expect(calls[1]).toMatchObject({ action: "queue", data: { hash: "h", position: "top" } });
    await transport.remove("h", true).catch(() => undefined);
    expect(calls[2]).toMatchObject({ action: "remove", data: { hash: "h", delete_files: true } });
  });

  it("signs a poster's path, which an <img> cannot otherwise load from Home Assistant", async () => {
    const { hass, calls } = fakeHass({ "auth/sign_path": { path: "/api/mediahub/posters/e1/7?authSig=x" } });
    expect(await homeAssistantTransport(hass, stack).image("/api/mediahub/posters/e1/7")).toBe("/api/mediahub/posters/e1/7?authSig=x");
    expect(calls[0]).toEqual({ type: "auth/sign_path", path: "/api/mediahub/posters/e1/7" });
  });
});
