// The downloads list, kept current from the events stream: a snapshot, then diffs.

import type { Download, DownloadsDiff, Hold, Origin, PanelState, Transfer } from "./types";

export interface DownloadsState {
  byHash: Map<string, Download>;
  transfer: Transfer | null;
  /** How many there are; more than `byHash` holds while only the list's head has arrived. */
  total: number;
}

export function fromSnapshot(snapshot: PanelState): DownloadsState {
  const byHash = new Map(snapshot.downloads.map((d) => [d.hash, d]));
  return { byHash, transfer: snapshot.transfer, total: Math.max(snapshot.total, byHash.size) };
}

export function applyDiff(state: DownloadsState, diff: DownloadsDiff): DownloadsState {
  const byHash = new Map(state.byHash);
  for (const download of diff.changed) byHash.set(download.hash, download);
  for (const hash of diff.removed) byHash.delete(hash);
  return { byHash, transfer: diff.transfer, total: byHash.size };
}

/** Only the head of the list is here so far (the whole follows on the events stream). */
export function isHead(snapshot: { downloads: unknown[]; total?: unknown }): boolean {
  return typeof snapshot.total === "number" && snapshot.downloads.length < snapshot.total;
}

// The server sends the list's head in this order too (STATUS_ORDER in hub/panel/state.py; a
// test compares the two).
const ORDER: Record<string, number> = {
  downloading: 0,
  metadata: 1,
  stalled: 2,
  checking: 3,
  queued: 4,
  errored: 5,
  stopped: 6,
  seeding: 7,
};

/** Active first, then by most recently added. */
export function ordered(state: DownloadsState): Download[] {
  return [...state.byHash.values()].sort(
    (a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) || b.added_on - a.added_on,
  );
}

export function isPaused(download: Download): boolean {
  return download.status === "stopped";
}

export function isComplete(download: Download): boolean {
  return download.progress >= 1;
}

/** The downloads tab's badge: what is still coming in (a paused download is not). */
export function activeCount(downloads: Iterable<Download>): number {
  let count = 0;
  for (const download of downloads) if (!isComplete(download) && !isPaused(download)) count += 1;
  return count;
}

export function statusLabel(download: Download): string {
  if (isComplete(download)) {
    if (download.stage === "available") return "in Plex, ready to watch";
    if (download.stage === "not_in_plex") return "sent to Plex, not listed";
    if (download.stage === "scan_sent") return "sent to Plex";
    if (download.stage === "no_library") return "complete, no Plex library";
    return download.status === "stopped" ? "complete, paused" : "complete";
  }
  return download.status;
}

const ORIGINS: Record<Origin, string> = {
  panel: "via panel",
  action: "via Home Assistant",
  automation: "via automation",
  voice: "via voice",
};

/** Who grabbed a download, for its card; null for downloads MediaHub did not grab. */
export function originLabel(download: Download): string | null {
  return download.grabbed_by === undefined ? null : ORIGINS[download.grabbed_by];
}

const HELD: Record<Hold, string> = {
  vpn: "held: VPN not confirmed",
  disk: "held: disk nearly full",
};

/** Why a guard holds a download back, for its card; null when none does. */
export function heldLabel(download: Download): string | null {
  return download.held ? HELD[download.held] : null;
}

const clock = (epochSeconds: number) =>
  new Date(epochSeconds * 1000).toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" });

/** The VPN audit in words: verified, or when it was not. */
export function auditLabel(download: Download): { text: string; ok: boolean } | null {
  const audit = download.vpn;
  if (!audit) return null;
  if (audit.state === "verified") return { text: "VPN verified", ok: true };
  if (audit.state === "unprotected") {
    return { text: `Transferred without a confirmed VPN${audit.since ? ` at ${clock(audit.since)}` : ""}`, ok: false };
  }
  const span = audit.since && audit.until ? ` (${clock(audit.since)} – ${clock(audit.until)})` : "";
  return { text: `VPN not verified: MediaHub was not watching${span}`, ok: false };
}
