// The downloads list, kept current from the events stream: a snapshot, then diffs.

import { formatClock } from "./format";
import { t, type MessageKey } from "./i18n";
import en from "./i18n/en";
import type { Download, DownloadsDiff, PanelState, Transfer } from "./types";

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

// The server sends the list's head in this order too (STATUS_ORDER in sidecar/state.py; a
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

const STAGE_LABELS: Partial<Record<string, MessageKey>> = {
  available: "status.available",
  not_in_plex: "status.not_in_plex",
  scan_sent: "status.scan_sent",
  no_library: "status.no_library",
};

export function statusLabel(download: Download): string {
  if (isComplete(download)) {
    const stage = download.stage ? STAGE_LABELS[download.stage] : undefined;
    if (stage) return t(stage);
    return t(download.status === "stopped" ? "status.complete_paused" : "status.complete");
  }
  const key = `status.${download.status}`;
  return key in en ? t(key as MessageKey) : download.status;
}

/** Who grabbed a download, for its card; null for downloads MediaHub did not grab. */
export function originLabel(download: Download): string | null {
  return download.grabbed_by === undefined ? null : t(`origin.${download.grabbed_by}`);
}

/** Why a guard holds a download back, for its card; null when none does. */
export function heldLabel(download: Download): string | null {
  return download.held ? t(`held.${download.held}`) : null;
}

/** The VPN audit in words: verified, or when it was not. */
export function auditLabel(download: Download): { text: string; ok: boolean } | null {
  const audit = download.vpn;
  if (!audit) return null;
  if (audit.state === "verified") return { text: t("audit.verified"), ok: true };
  if (audit.state === "unprotected") {
    const text = audit.since ? t("audit.unprotected_at", { when: formatClock(audit.since) }) : t("audit.unprotected");
    return { text, ok: false };
  }
  const text =
    audit.since && audit.until
      ? t("audit.not_watched_between", { from: formatClock(audit.since), to: formatClock(audit.until) })
      : t("audit.not_watched");
  return { text, ok: false };
}
