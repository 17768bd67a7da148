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

  it("makes, lists and ends wishes with their own commands, and says a refusal in the panel's words", async () => {
    const wish = { id: 7, label: "Severance", kind: "follow" };
    const { hass, calls } = fakeHass({
      "mediahub/wishes": { wishes: [wish] },
      "mediahub/wish": { wish, joined: true },
      "mediahub/unwish": {
        code: "home_assistant_error",
        message: "there is no wish 8",
        translation_domain: "mediahub",
        translation_key: "unknown_wish",
        translation_placeholders: { wish: "8" },
      },
    });
    hass.localize = () => ""; // this Home Assistant has no translation for it yet
    const transport = homeAssistantTransport(hass, stack);
    expect(await transport.wishes()).toEqual([wish]);
    expect(calls.at(-1)).toEqual({ type: "mediahub/wishes", entry_id: "e1" });
    expect(await transport.wish({ title: "Severance", kind: "follow", category: "tv" })).toEqual({ wish, joined: true });
    expect(calls.at(-1)).toEqual({ type: "mediahub/wish", entry_id: "e1", title: "Severance", kind: "follow", category: "tv" });
    const refusal = await transport.unwish(8, true).catch((e: unknown) => e);
    expect(calls.at(-1)).toEqual({ type: "mediahub/unwish", entry_id: "e1", wish_id: 8, forget: true });
    expect(refusal).toMatchObject({ code: "unknown_wish", message: "There is no wish 8." });
  });

  it("signs a poster's path, which an <img> cannot otherwise load from Home Assistant", async () => {
    const { hass, calls } = fakeHass({ "auth/sign_path": { path: "/api/mediahub/posters/e1/7?authSig=x" } });
    expect(await homeAssistantTransport(hass, stack).image("/api/mediahub/posters/e1/7")).toBe("/api/mediahub/posters/e1/7?authSig=x");
    expect(calls[0]).toEqual({ type: "auth/sign_path", path: "/api/mediahub/posters/e1/7" });
  });

  it("gives an administrator the settings, Plex's libraries and the upload, through Home Assistant only", async () => {
    const bandwidth = { alt_speed: false, download_limit: 0 };
    const { hass, calls } = fakeHass({
      "mediahub/bandwidth": { bandwidth },
      "mediahub/libraries": { libraries: [{ key: "1", title: "Movies" }] },
      "mediahub/profiles": { profiles: {}, resolutions: ["1080p"], sources: ["CAM"] },
      "mediahub/save_profile": { profile: { max_size_gb: 5 } },
      "mediahub/add_torrent_file": { hash: "h", name: "Dune", queued: false },
    });
    const posted: { path: string; file: FormDataEntryValue | null }[] = [];
    hass.fetchWithAuth = (path, init) => {
      posted.push({ path, file: (init?.body as FormData).get("file") });
      return Promise.resolve(new Response(JSON.stringify({ file_id: "f1" })));
    };
    expect(homeAssistantTransport(hass, stack).features).toEqual({ control: false, libraries: false, settings: false });
    const transport = homeAssistantTransport(hass, { ...stack, admin: true });
    expect(transport.features).toEqual({ control: true, libraries: true, settings: true });

    expect(await transport.saveBandwidth({ download_limit: 1024 })).toEqual(bandwidth);
    expect(calls.at(-1)).toEqual({ type: "mediahub/bandwidth", entry_id: "e1", changes: { download_limit: 1024 } });
    expect(await transport.libraries()).toEqual([{ key: "1", title: "Movies" }]);
    await transport.scan("1").catch(() => undefined);
    expect(calls.at(-1)).toMatchObject({ type: "mediahub/action", action: "scan_library", data: { library: "1" } });
    expect((await transport.profiles()).resolutions).toEqual(["1080p"]);
    await transport.saveProfile("movies", null);
    expect(calls.at(-1)).toEqual({ type: "mediahub/save_profile", entry_id: "e1", category: "movies", profile: null });
    await transport.actOnAll("pause_all").catch(() => undefined);
    expect(calls.at(-1)).toEqual({ type: "mediahub/all_downloads", entry_id: "e1", action: "pause_all" });

    const file = new File(["d8:announce"], "dune.torrent", { type: "application/x-bittorrent" });
    expect(await transport.add({ file }, "movies")).toMatchObject({ hash: "h" });
    expect(posted[0]?.path).toBe("/api/file_upload");
    expect((posted[0]?.file as File).name).toBe("dune.torrent");
    expect(calls.at(-1)).toEqual({ type: "mediahub/add_torrent_file", entry_id: "e1", file_id: "f1", category: "movies" });
  });

  it("knows who is using it, and decides on requests through MediaHub's own commands", async () => {
    const answer = { wish: { id: 4, state: "wanted" }, joined: false };
    const rules = { weekly_quota: 3, quotas: { Bob: 1 }, auto_approve: [{ user: null, category: "tv" }] };
    const { hass, calls } = fakeHass({
      "mediahub/approve": answer,
      "mediahub/decline": { ...answer, wish: { id: 4, state: "declined" } },
      "mediahub/request_rules": rules,
      "mediahub/set_request_rules": rules,
    });
    expect(homeAssistantTransport(hass, stack).viewer).toEqual({ admin: false, name: null });
    hass.user = { name: "Alice", is_admin: true };
    const transport = homeAssistantTransport(hass, { ...stack, admin: true });
    expect(transport.viewer).toEqual({ admin: true, name: "Alice" });

    expect(await transport.approve(4)).toEqual(answer);
    expect(calls.at(-1)).toEqual({ type: "mediahub/approve", entry_id: "e1", wish_id: 4 });
    await transport.decline(4, "already on Netflix");
    expect(calls.at(-1)).toEqual({ type: "mediahub/decline", entry_id: "e1", wish_id: 4, reason: "already on Netflix" });
    await transport.decline(4, null);
    expect(calls.at(-1)).toEqual({ type: "mediahub/decline", entry_id: "e1", wish_id: 4 });
    expect(await transport.requestRules()).toEqual(rules);
    expect(calls.at(-1)).toEqual({ type: "mediahub/request_rules", entry_id: "e1" });
    await transport.saveRequestRules(rules);
    expect(calls.at(-1)).toEqual({ type: "mediahub/set_request_rules", entry_id: "e1", ...rules });
  });
});
