// One EventSource for the whole panel: downloads (snapshot + diffs), VPN and service changes.

import { useEffect, useState } from "react";
import { applyDiff, fromSnapshot, type DownloadsState } from "./downloads";
import type { DownloadsDiff, PanelState, Vpn } from "./types";

export interface LiveState {
  downloads: DownloadsState;
  connected: boolean;
  qbittorrent: boolean | null;
  qbittorrentProblem: "unreachable" | "auth_failed" | null;
  vpn: Vpn | null;
  outbox: number;
  categories: string[];
  scanned: number; // bumps when Plex was asked to scan, so libraries refresh
}

const initial: LiveState = {
  downloads: { byHash: new Map(), transfer: null },
  connected: false,
  qbittorrent: null,
  qbittorrentProblem: null,
  vpn: null,
  outbox: 0,
  categories: [], // the server's, from the first snapshot (MEDIAHUB_CATEGORIES)
  scanned: 0,
};

type Reducer = (data: unknown, prev: LiveState) => LiveState;

const REDUCERS: Record<string, Reducer> = {
  snapshot: (data, prev) => {
    const snapshot = data as PanelState;
    return {
      ...prev,
      downloads: fromSnapshot(snapshot),
      connected: true,
      qbittorrent: snapshot.qbittorrent.available,
      qbittorrentProblem: snapshot.qbittorrent.problem,
      vpn: snapshot.vpn,
      outbox: snapshot.outbox,
      categories: snapshot.categories,
    };
  },
  downloads: (data, prev) => ({
    ...prev,
    downloads: applyDiff(prev.downloads, data as DownloadsDiff),
    qbittorrent: true,
    qbittorrentProblem: null,
  }),
  service: (data, prev) => {
    const service = data as { available: boolean; problem: LiveState["qbittorrentProblem"] };
    return { ...prev, qbittorrent: service.available, qbittorrentProblem: service.problem };
  },
  vpn: (data, prev) => ({ ...prev, vpn: data as Vpn | null }),
  scan: (_data, prev) => ({ ...prev, scanned: prev.scanned + 1 }),
};

interface Message {
  name: string;
  data: unknown;
}

/** The events stream, with what arrived before anyone listened kept for the first listener. */
function openEvents() {
  const source = new EventSource("/api/events");
  const backlog: Message[] = [];
  let deliver: ((message: Message) => void) | null = null;
  for (const name of Object.keys(REDUCERS)) {
    source.addEventListener(name, (event) => {
      const message = { name, data: JSON.parse((event as MessageEvent<string>).data) as unknown };
      if (deliver) deliver(message);
      else backlog.push(message);
    });
  }
  return {
    source,
    listen(callback: (message: Message) => void) {
      deliver = callback;
      for (const message of backlog.splice(0)) callback(message);
    },
  };
}

// Opened while the script loads, before React's first render: the first snapshot (a big one
// with thousands of downloads) is on its way while the page is being built.
let early: ReturnType<typeof openEvents> | null = typeof EventSource === "undefined" ? null : openEvents();

export function useEvents(): LiveState {
  const [state, setState] = useState<LiveState>(initial);
  useEffect(() => {
    const events = early ?? openEvents();
    early = null;
    events.listen(({ name, data }) => {
      const reduce = REDUCERS[name];
      if (reduce) setState((prev) => reduce(data, prev));
    });
    events.source.onerror = () => setState((prev) => ({ ...prev, connected: false }));
    return () => events.source.close();
  }, []);
  return state;
}
