import { useMemo, useState } from "react";
import { AddSheet, type Added } from "./AddSheet";
import { describe } from "./api";
import { auditLabel, heldLabel, isComplete, isPaused, ordered, originLabel, statusLabel } from "./downloads";
import { formatBytes, formatEta, formatPercent, formatSpeed } from "./format";
import { ReadyToWatch } from "./ReadyToWatch";
import type { Bandwidth, Download, GrabResult } from "./types";
import { useTransport } from "./transport";
import type { LiveState } from "./useEvents";
import { WindowedList } from "./WindowedList";

const downloadKey = (download: Download) => download.hash;

export function DownloadsView({ live }: { live: LiveState }) {
  const transport = useTransport();
  const [confirming, setConfirming] = useState<Download | null>(null);
  const [deleteFiles, setDeleteFiles] = useState(false);
  const [notice, setNotice] = useState<{ text: string; hash?: string; error?: boolean } | null>(null);
  const [adding, setAdding] = useState(false);
  // One download shown alone (the one a duplicate add named); null shows them all.
  const [focus, setFocus] = useState<string | null>(null);
  // Sorted once per change of the list, not on every render (2,000 downloads, a diff a second).
  const sorted = useMemo(() => ordered(live.downloads), [live.downloads]);
  const list = focus ? sorted.filter((d) => d.hash === focus) : sorted;
  const transfer = live.downloads.transfer;
  // Slow mode as just switched here, until the stream brings qBittorrent's word on it (a
  // newer `bandwidth` than the one it was switched against).
  const [altSwitched, setAltSwitched] = useState<{ enabled: boolean; against: Bandwidth | null } | null>(null);
  const altSpeedOn =
    altSwitched && altSwitched.against === live.bandwidth
      ? altSwitched.enabled
      : (live.bandwidth?.alt_speed ?? transfer?.alt_speed ?? false);

  async function act(download: Download, action: "pause" | "resume" | "force_start" | "top" | "bottom") {
    try {
      await transport.act(download.hash, action);
    } catch (error) {
      setNotice({ text: describe(error), error: true });
    }
  }

  async function all(action: "pause_all" | "resume_all") {
    try {
      await transport.actOnAll(action);
      setNotice({ text: action === "pause_all" ? "Paused every download." : "Resumed every paused download." });
    } catch (error) {
      setNotice({ text: describe(error), error: true });
    }
  }

  async function altSpeed(enabled: boolean) {
    setAltSwitched({ enabled, against: live.bandwidth });
    try {
      await transport.slowMode(enabled);
    } catch (error) {
      setAltSwitched(null);
      setNotice({ text: describe(error), error: true });
    }
  }

  function added(outcome: Added) {
    setAdding(false);
    if ("existing" in outcome) {
      setNotice({ text: `${outcome.existing.name} is already here.`, error: true });
      setFocus(outcome.existing.hash);
    } else {
      setFocus(null);
      setNotice({ text: outcome.result.message ?? `Added ${outcome.result.name}.` });
    }
  }

  async function remove() {
    if (!confirming) return;
    const target = confirming;
    setConfirming(null);
    try {
      await transport.remove(target.hash, deleteFiles);
      setNotice({ text: `Removed ${target.name}.`, hash: target.hash });
    } catch (error) {
      setNotice({ text: describe(error), error: true });
    }
    setDeleteFiles(false);
  }

  async function redownload(hash: string) {
    try {
      const result = (await transport.act(hash, "redownload")) as GrabResult;
      setNotice({ text: `Downloading ${result.name} again.` });
    } catch (error) {
      setNotice({ text: describe(error), error: true });
    }
  }

  return (
    <section aria-labelledby="downloads-title">
      <h2 id="downloads-title">Downloads</h2>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add
        </button>
        <button type="button" onClick={() => void all("pause_all")}>
          Pause all
        </button>
        <button type="button" onClick={() => void all("resume_all")}>
          Resume all
        </button>
        {transfer && (
          <label className="check switch">
            <input type="checkbox" checked={altSpeedOn} onChange={(e) => void altSpeed(e.target.checked)} />
            Slow mode
          </label>
        )}
      </div>
      {transfer && (
        <p className="hint limits">
          {transfer.free_space !== null && <span>{formatBytes(transfer.free_space)} free</span>}
          <span>
            Limits ↓ {transfer.download_limit ? formatSpeed(transfer.download_limit) : "none"} · ↑{" "}
            {transfer.upload_limit ? formatSpeed(transfer.upload_limit) : "none"}
            {transfer.alt_speed ? " (slow mode)" : ""}
          </span>
        </p>
      )}
      {live.notices.map((text) => (
        <p key={text} className="notice warn" role="status">
          {text}
        </p>
      ))}
      {notice && (
        <p className={notice.error ? "notice error" : "notice ok"} role={notice.error ? "alert" : "status"}>
          {notice.text}{" "}
          {notice.hash && (
            <button type="button" className="link" onClick={() => void redownload(notice.hash ?? "")}>
              Download again
            </button>
          )}
        </p>
      )}
      {!focus && <ReadyToWatch items={live.ready} />}
      {focus && (
        <button type="button" className="link" onClick={() => setFocus(null)}>
          Show all downloads
        </button>
      )}
      {!live.connected && <p className="empty">Connecting to MediaHub…</p>}
      {live.connected && list.length === 0 && <p className="empty">Nothing here yet. Search for something to download.</p>}
      <WindowedList
        items={list}
        total={focus ? list.length : live.downloads.total}
        itemKey={downloadKey}
        label="Downloads"
        className="downloads"
        estimate={150}
        itemProps={(d) => ({ className: "card download", "data-hash": d.hash })}
        renderItem={(d) => (
          <>
            <p className="title">{d.name}</p>
            <progress max={1} value={d.progress} aria-label={`${d.name}: ${formatPercent(d.progress)}`} />
            <p className="meta">
              <span className="percent">{formatPercent(d.progress)}</span>
              <span className={`state ${d.status}`}>{statusLabel(d)}</span>
              {!isComplete(d) && <span>↓ {formatSpeed(d.download_speed)}</span>}
              {!isComplete(d) && <span>ETA {formatEta(d.eta)}</span>}
              <span>{formatBytes(d.size)}</span>
              {d.category && <span className="tag">{d.category}</span>}
              {d.grabbed_by && <span className="via">{originLabel(d)}</span>}
            </p>
            {d.stalled && <p className="reasons">Stalled: {d.stalled}</p>}
            {d.held && <p className="reasons">{heldLabel(d)}</p>}
            {auditLabel(d) && <p className={auditLabel(d)?.ok ? "audit ok" : "audit warn"}>{auditLabel(d)?.text}</p>}
            <div className="actions">
              {isPaused(d) ? (
                <button type="button" onClick={() => void act(d, "resume")} aria-label={`Resume ${d.name}`}>
                  Resume
                </button>
              ) : (
                <button type="button" onClick={() => void act(d, "pause")} aria-label={`Pause ${d.name}`}>
                  Pause
                </button>
              )}
              {!isComplete(d) && (
                <button type="button" onClick={() => void act(d, "force_start")} aria-label={`Force start ${d.name}`}>
                  Force start
                </button>
              )}
              {transfer?.queueing && !isComplete(d) && (
                <>
                  <button type="button" onClick={() => void act(d, "top")} aria-label={`Move ${d.name} to the top of the queue`}>
                    Top
                  </button>
                  <button type="button" onClick={() => void act(d, "bottom")} aria-label={`Move ${d.name} to the bottom of the queue`}>
                    Bottom
                  </button>
                </>
              )}
              <button type="button" className="danger" onClick={() => setConfirming(d)} aria-label={`Remove ${d.name}`}>
                Remove
              </button>
            </div>
          </>
        )}
      />
      {adding && <AddSheet categories={live.categories} onDone={added} onClose={() => setAdding(false)} />}
      {confirming && (
        <div className="sheet" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
          <h3 id="confirm-title">Remove “{confirming.name}”?</h3>
          <label className="check">
            <input type="checkbox" checked={deleteFiles} onChange={(e) => setDeleteFiles(e.target.checked)} />
            Also delete the downloaded files
          </label>
          <p className="hint">The .torrent is kept, so you can download it again.</p>
          <div className="actions">
            <button type="button" onClick={() => setConfirming(null)}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={() => void remove()}>
              Remove
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
