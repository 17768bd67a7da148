// The sidecar at :3000: its JSON API (fetch) and its event streams (SSE).

import { getJson, send, sendTorrent } from "./api";
import { openEvents, takeEarly } from "./eventStream";
import type { Transport } from "./transport";
import type { Bandwidth, GrabResult, IndexerStatus, Library, ProfilesResponse, QualityProfile } from "./types";

const SEARCH_EVENTS = ["indexer", "results", "assessed", "done"] as const;

export const sidecarTransport: Transport = {
  features: { control: true, libraries: true, settings: true },
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
    send<GrabResult>("POST", "/api/downloads", { release_id: releaseId, category: category ?? undefined }),
  add: (source, category) =>
    "file" in source
      ? sendTorrent<GrabResult>(source.file, category ?? "")
      : send<GrabResult>("POST", "/api/downloads", { ...source, category }),
  act: (hash, action) => send("POST", `/api/downloads/${hash}/${action}`),
  actOnAll: (action) => send("POST", `/api/downloads/${action}`),
  remove: (hash, deleteFiles) => send("DELETE", `/api/downloads/${hash}?delete_files=${deleteFiles ? "true" : "false"}`),
  slowMode: (enabled) => send("POST", "/api/bandwidth", { alt_speed: enabled }),
  bandwidth: async () => (await getJson<{ bandwidth: Bandwidth }>("/api/bandwidth")).bandwidth,
  saveBandwidth: async (changes) => (await send<{ bandwidth: Bandwidth }>("POST", "/api/bandwidth", changes)).bandwidth,
  libraries: async () => (await getJson<{ libraries: Library[] }>("/api/libraries")).libraries,
  scan: (key) => send("POST", `/api/libraries/${key}/scan`),
  image: (path) => Promise.resolve(path),
  profiles: () => getJson<ProfilesResponse>("/api/profiles"),
  saveProfile: async (category, profile) =>
    (await send<{ profile: QualityProfile }>(profile ? "POST" : "DELETE", `/api/profiles/${category}`, profile ?? {})).profile,
};

