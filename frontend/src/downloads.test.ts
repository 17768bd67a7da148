import { describe, expect, it } from "vitest";
import { activeCount, applyDiff, auditLabel, fromSnapshot, heldLabel, isHead, ordered, originLabel, statusLabel } from "./downloads";
import type { Download, Origin, PanelState, Stage } from "./types";
import type { Status } from "./wire.generated";

const download = (hash: string, status: Status, progress: number, added: number, stage?: Stage, grabbed_by?: Origin): Download => ({
  hash,
  name: hash,
  status,
  progress,
  size: 100,
  download_speed: 0,
  eta: null,
  category: "movies",
  added_on: added,
  ...(stage && { stage }),
  ...(grabbed_by && { grabbed_by }),
});

const transfer = {
  download_speed: 5,
  upload_speed: 1,
  alltime_download: 0,
  alltime_upload: 0,
  free_space: 10,
  connection_status: "connected",
  external_ipv4: null,
  dht_nodes: 0,
  alt_speed: false,
  download_limit: 0,
  upload_limit: 0,
  queueing: false,
};
const guards = { holds: { held: [] }, ready: [], bandwidth: null };

describe("downloads state", () => {
  it("applies a snapshot, then diffs", () => {
    const snapshot: PanelState = {
      downloads: [download("a", "downloading", 0.2, 1), download("b", "seeding", 1, 2)],
      transfer,
      outbox: 0,
      qbittorrent: { available: true, problem: null, version: "v5.3.0" },
      vpn: null,
      ...guards,
      categories: ["movies"],
      total: 2,
    };
    let state = fromSnapshot(snapshot);
    state = applyDiff(state, { changed: [download("a", "downloading", 0.6, 1)], removed: ["b"], transfer: { ...transfer, download_speed: 9 } });
    expect([...state.byHash.keys()]).toEqual(["a"]);
    expect(state.byHash.get("a")?.progress).toBe(0.6);
    expect(state.transfer?.download_speed).toBe(9);
  });

  it("lists active downloads first, newest first", () => {
    const state = fromSnapshot({
      downloads: [download("old", "seeding", 1, 1), download("new", "seeding", 1, 5), download("active", "downloading", 0.1, 0)],
      transfer: null,
      outbox: 0,
      qbittorrent: { available: true, problem: null, version: null },
      vpn: null,
      ...guards,
      categories: [],
      total: 3,
    });
    expect(ordered(state).map((d) => d.hash)).toEqual(["active", "new", "old"]);
  });

  it("knows a head of the list from the whole, and counts the whole", () => {
    const head = { downloads: [download("a", "downloading", 0.1, 0)], total: 2000 };
    expect(isHead(head)).toBe(true);
    expect(isHead({ ...head, total: 1 })).toBe(false);
    expect(isHead({ downloads: [] })).toBe(false); // a server without the head: the whole list
    const state = fromSnapshot({ ...head, transfer: null, outbox: 0, qbittorrent: { available: true, problem: null, version: null }, vpn: null, ...guards, categories: [] });
    expect(state.total).toBe(2000);
    expect(applyDiff(state, { changed: [], removed: [], transfer }).total).toBe(1); // diffs follow the whole list
  });

  it("says when a completed download was sent to Plex", () => {
    expect(statusLabel(download("x", "seeding", 1, 0, "scan_sent"))).toBe("sent to Plex");
    expect(statusLabel(download("x", "seeding", 1, 0, "no_library"))).toBe("complete, no Plex library");
    expect(statusLabel(download("x", "seeding", 1, 0))).toBe("complete");
    expect(statusLabel(download("x", "stalled", 0.5, 0))).toBe("stalled");
  });

  it("names who grabbed a download, and nobody for one MediaHub did not grab", () => {
    expect(originLabel(download("x", "seeding", 1, 0, "scan_sent", "action"))).toBe("via Home Assistant");
    expect(originLabel(download("x", "seeding", 1, 0, "scan_sent", "panel"))).toBe("via panel");
    expect(originLabel(download("x", "seeding", 1, 0, "completed"))).toBeNull();
  });

  it("badges only what is still coming in: not paused, not complete", () => {
    const list = [download("a", "downloading", 0.5, 0), download("b", "stopped", 0.5, 0), download("c", "seeding", 1, 0), download("d", "stalled", 0.1, 0)];
    expect(activeCount(list)).toBe(2);
  });
});

describe("guards and the VPN audit on a card", () => {
  const base = download("h", "stopped", 0.5, 1);
  it("says which guard holds a download", () => {
    expect(heldLabel(base)).toBeNull();
    expect(heldLabel({ ...base, held: "vpn" })).toBe("held: VPN not confirmed");
    expect(heldLabel({ ...base, held: "disk" })).toBe("held: disk nearly full");
  });
  it("says verified only when the audit did, and when it was not", () => {
    expect(auditLabel(base)).toBeNull();
    expect(auditLabel({ ...base, vpn: { state: "verified" } })).toEqual({ text: "VPN verified", ok: true });
    const unprotected = auditLabel({ ...base, vpn: { state: "unprotected", since: 1_764_000_000 } });
    expect(unprotected?.ok).toBe(false);
    expect(unprotected?.text).toMatch(/^Transferred without a confirmed VPN at /);
    const gap = auditLabel({ ...base, vpn: { state: "gap", since: 1_764_000_000, until: 1_764_003_600 } });
    expect(gap?.ok).toBe(false);
    expect(gap?.text).toMatch(/^VPN not verified: MediaHub was not watching \(/);
  });
});
