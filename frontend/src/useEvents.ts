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

export function useEvents(): LiveState {
  const [state, setState] = useState<LiveState>(initial);
  useEffect(() => {
    const source = new EventSource("/api/events");
    const on = <T,>(name: string, apply: (data: T, prev: LiveState) => LiveState) =>
      source.addEventListener(name, (event) => {
        const data = JSON.parse((event as MessageEvent<string>).data) as T;
        setState((prev) => apply(data, prev));
      });
    on<PanelState>("snapshot", (snapshot, prev) => ({
      ...prev,
      downloads: fromSnapshot(snapshot),
      connected: true,
      qbittorrent: snapshot.qbittorrent.available,
      qbittorrentProblem: snapshot.qbittorrent.problem,
      vpn: snapshot.vpn,
      outbox: snapshot.outbox,
      categories: snapshot.categories,
    }));
    on<DownloadsDiff>("downloads", (diff, prev) => ({
      ...prev,
      downloads: applyDiff(prev.downloads, diff),
      qbittorrent: true,
      qbittorrentProblem: null,
    }));
    on<{ available: boolean; problem: LiveState["qbittorrentProblem"] }>("service", (data, prev) => ({
      ...prev,
      qbittorrent: data.available,
      qbittorrentProblem: data.problem,
    }));
    on<Vpn | null>("vpn", (vpn, prev) => ({ ...prev, vpn }));
    on<unknown>("scan", (_data, prev) => ({ ...prev, scanned: prev.scanned + 1 }));
    source.onerror = () => setState((prev) => ({ ...prev, connected: false }));
    return () => source.close();
  }, []);
  return state;
}
