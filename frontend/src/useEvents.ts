// One EventSource for the whole panel: downloads (snapshot + diffs), VPN and service changes.

import { useEffect, useState } from "react";
import { applyDiff, fromSnapshot, type DownloadsState } from "./downloads";
import { EVENT_NAMES, earlyStream, type Message } from "./eventStream";
import { errorText, t } from "./i18n";
import { useTransport } from "./transport";
import type { Bandwidth, DownloadsDiff, Hold, PanelState, ReadyItem, Vpn } from "./types";
import type { Refused, WishList } from "./wire.generated";
import { withWishesEvent, type LiveWishes } from "./wishes";

export interface LiveState {
  downloads: DownloadsState;
  connected: boolean;
  qbittorrent: boolean | null;
  qbittorrentProblem: "unreachable" | "auth_failed" | null;
  vpn: Vpn | null;
  /** What MediaHub's guards hold back now. */
  holds: Hold[];
  /** What Plex lists of MediaHub's downloads, newest first. */
  ready: ReadyItem[];
  bandwidth: Bandwidth | null;
  outbox: number;
  categories: string[];
  scanned: number; // bumps when Plex was asked to scan, so libraries refresh
  /** What MediaHub did on its own: refused a release after its file check, replaced a dead one. */
  notices: string[];
  /** The wish list as the feed last sent it (null until it has: the Wishes tab reads it). */
  wishes: LiveWishes | null;
}

const initial: LiveState = {
  downloads: { byHash: new Map(), transfer: null, total: 0 },
  connected: false,
  qbittorrent: null,
  qbittorrentProblem: null,
  vpn: null,
  holds: [],
  ready: [],
  bandwidth: null,
  outbox: 0,
  categories: [], // the server's, from the first snapshot (MEDIAHUB_CATEGORIES)
  scanned: 0,
  notices: [],
  wishes: null,
};

const NOTICES_KEPT = 3;
const notice = (prev: LiveState, text: string): LiveState => ({
  ...prev,
  notices: [text, ...prev.notices].slice(0, NOTICES_KEPT),
});

/** A release the file check refused, said in the user's language: its code's message naming
 * the release and the file (the grab's own error), else, from a sidecar that sends no code or a
 * code this build does not know, the engine's English reason. */
export function refusedNotice(refused: Partial<Refused> & Pick<Refused, "name" | "reason">): string {
  const fallback = t("notice.refused", { name: refused.name, reason: refused.reason });
  if (!refused.code) return fallback;
  return errorText(refused.code, { name: refused.name, file: refused.file || refused.name }, fallback);
}

type Reducer = (data: unknown, prev: LiveState) => LiveState;

const REDUCERS: Record<(typeof EVENT_NAMES)[number], Reducer> = {
  snapshot: (data, prev) => {
    const snapshot = data as PanelState;
    return {
      ...prev,
      downloads: fromSnapshot(snapshot),
      connected: true,
      qbittorrent: snapshot.qbittorrent.available,
      qbittorrentProblem: snapshot.qbittorrent.problem,
      vpn: snapshot.vpn,
      holds: snapshot.holds?.held ?? [], // a sidecar older than the guards sends none
      ready: snapshot.ready ?? [],
      bandwidth: snapshot.bandwidth ?? null,
      outbox: snapshot.outbox,
      categories: snapshot.categories,
    };
  },
  current: (_data, prev) => ({ ...prev, connected: true }),
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
  holds: (data, prev) => ({ ...prev, holds: (data as { held: Hold[] }).held }),
  ready: (data, prev) => ({ ...prev, ready: (data as { items: ReadyItem[] }).items }),
  bandwidth: (data, prev) => ({ ...prev, bandwidth: data as Bandwidth }),
  scan: (_data, prev) => ({ ...prev, scanned: prev.scanned + 1 }),
  refused: (data, prev) => notice(prev, refusedNotice(data as Refused)),
  replaced: (data, prev) => {
    const replaced = data as { name: string; reason: string; replacement: string };
    return notice(prev, t("notice.replaced", { name: replaced.name, reason: replaced.reason, replacement: replaced.replacement }));
  },
  wishes: (data, prev) => ({ ...prev, wishes: withWishesEvent(prev.wishes, (data as WishList).wishes) }),
};

function apply(prev: LiveState, { name, data }: Message): LiveState {
  const reduce = REDUCERS[name as (typeof EVENT_NAMES)[number]] as Reducer | undefined;
  return reduce ? reduce(data, prev) : prev;
}

export function useEvents(): LiveState {
  // What the early stream already carried (usually the snapshot) is the first render's state:
  // the list is drawn in the first frame React paints, with no empty frame before it.
  const [start] = useState(() => {
    const backlog = earlyStream()?.backlog ?? [];
    return { state: backlog.reduce(apply, initial), applied: backlog.length };
  });
  const [state, setState] = useState<LiveState>(start.state);
  const transport = useTransport();
  useEffect(() => {
    const early = earlyStream() !== null;
    const events = transport.feed();
    events.listen(
      (message) => setState((prev) => apply(prev, message)),
      () => setState((prev) => ({ ...prev, connected: false })),
      early ? start.applied : 0,
    );
    return () => events.close();
  }, [start, transport]);
  return state;
}
