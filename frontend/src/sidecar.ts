// The sidecar at :3000: its JSON API (fetch) and its event streams (SSE).

import { getJson, send, sendTorrent } from "./api";
import { openEvents, takeEarly } from "./eventStream";
import type { Transport } from "./transport";
import { routeOf } from "./operations";
import type { GrabResult, IndexerStatus, ProfilesResponse } from "./types";
import type { BandwidthAnswer, LibrariesAnswer, ProfileAnswer, RequestRules, WatchReport, WishAnswer, WishList } from "./wire.generated";

const SEARCH_EVENTS = ["indexer", "results", "assessed", "done"] as const;

export const sidecarTransport: Transport = {
  features: { control: true, libraries: true, settings: true },
  // Without sign-in, everyone who reaches the panel acts as an administrator (mount.tsx says
  // who is signed in otherwise).
  viewer: { admin: true, name: null },
  feed: () => takeEarly() ?? openEvents(),
  search(query, category, listener) {
    const params = new URLSearchParams({ q: query });
    if (category) params.set("category", category);
    const source = new EventSource(`/api/search?${params.toString()}`);
    for (const name of SEARCH_EVENTS) {
      source.addEventListener(name, (event) => {
        const data = JSON.parse((event as MessageEvent<string>).data) as { releases: never[] } & IndexerStatus;
        if (name === "indexer") listener.indexer(data);
        else if (name === "results") listener.results(data.releases);
        else if (name === "assessed") listener.assessed(data.releases);
        else {
          source.close();
          listener.done();
        }
      });
    }
    source.onerror = () => {
      source.close();
      listener.failed(null);
    };
    return () => source.close();
  },
  grab: (releaseId, category) =>
    send<GrabResult>("POST", routeOf("grab", "POST"), { release_id: releaseId, category: category ?? undefined }),
  add: (source, category) =>
    "file" in source
      ? sendTorrent<GrabResult>(source.file, category ?? "")
      : send<GrabResult>("POST", routeOf("magnet" in source ? "add_magnet" : "add_torrent_url", "POST"), { ...source, category }),
  act: (hash, action) =>
    send("POST", action === "top" || action === "bottom" ? routeOf("queue", "POST", { hash, position: action }) : routeOf(action, "POST", { hash })),
  actOnAll: (action) => send("POST", routeOf("all_downloads", "POST", { action })),
  remove: (hash, deleteFiles) => send("DELETE", `${routeOf("remove", "DELETE", { hash })}?delete_files=${deleteFiles ? "true" : "false"}`),
  slowMode: (enabled) => send("POST", routeOf("bandwidth", "POST"), { alt_speed: enabled }),
  bandwidth: async () => (await getJson<BandwidthAnswer>(routeOf("bandwidth", "GET"))).bandwidth,
  saveBandwidth: async (changes) => (await send<BandwidthAnswer>("POST", routeOf("bandwidth", "POST"), changes)).bandwidth,
  libraries: async () => (await getJson<LibrariesAnswer>(routeOf("libraries", "GET"))).libraries,
  scan: (key) => send("POST", routeOf("scan_library", "POST", { library: key })),
  image: (path) => Promise.resolve(path),
  profiles: () => getJson<ProfilesResponse>(routeOf("profiles", "GET")),
  saveProfile: async (category, profile) =>
    (await send<ProfileAnswer>(profile ? "POST" : "DELETE", routeOf("save_profile", profile ? "POST" : "DELETE", { category }), profile ?? {})).profile,
  wishes: async () => (await getJson<WishList>(routeOf("wishes", "GET"))).wishes,
  wish: (request) => send<WishAnswer>("POST", routeOf("wish", "POST"), request),
  unwish: (wishId, forget) =>
    send<WishAnswer>("DELETE", `${routeOf("unwish", "DELETE", { wish_id: String(wishId) })}${forget ? "?forget=true" : ""}`),
  approve: (wishId) => send<WishAnswer>("POST", routeOf("approve", "POST", { wish_id: String(wishId) })),
  decline: (wishId, reason) =>
    send<WishAnswer>("POST", routeOf("decline", "POST", { wish_id: String(wishId) }), reason ? { reason } : {}),
  requestRules: () => getJson<RequestRules>(routeOf("request_rules", "GET")),
  saveRequestRules: (rules) => send<RequestRules>("PUT", routeOf("set_request_rules", "PUT"), rules),
  watchWishes: () => send<WatchReport>("POST", routeOf("watch_wishes", "POST")),
};
