import { useMemo, useState } from "react";
import { AddSheet, type Added } from "./AddSheet";
import { describe } from "./api";
import { auditLabel, heldLabel, isComplete, isPaused, ordered, originLabel, statusLabel } from "./downloads";
import { formatBytes, formatEta, formatPercent, formatSpeed, formatStall } from "./format";
import { categoryLabel, t } from "./i18n";
import { ReadyToWatch } from "./ReadyToWatch";
import type { Bandwidth, Download, GrabResult } from "./types";
import { useTransport } from "./transport";
import type { LiveState } from "./useEvents";
import { WindowedList } from "./WindowedList";

const downloadKey = (download: Download) => download.hash;

export function DownloadsView({ live }: { live: LiveState }) {
  const transport = useTransport();
  const { control } = transport.features;
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
      setNotice({ text: t(action === "pause_all" ? "downloads.paused_all" : "downloads.resumed_all") });
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
      setNotice({ text: t("downloads.already_here", { name: outcome.existing.name }), error: true });
      setFocus(outcome.existing.hash);
    } else {
      setFocus(null);
      const { name, queued } = outcome.result;
      setNotice({ text: t(queued ? "search.queued" : "downloads.added", { name }) });
    }
  }

  async function remove() {
    if (!confirming) return;
    const target = confirming;
    setConfirming(null);
    try {
      await transport.remove(target.hash, deleteFiles);
      setNotice({ text: t("downloads.removed", { name: target.name }), hash: target.hash });
    } catch (error) {
      setNotice({ text: describe(error), error: true });
    }
    setDeleteFiles(false);
  }

  async function redownload(hash: string) {
    try {
      const result = (await transport.act(hash, "redownload")) as GrabResult;
      setNotice({ text: t("downloads.again", { name: result.name }) });
    } catch (error) {
      setNotice({ text: describe(error), error: true });
    }
  }

  return (
    <section aria-labelledby="downloads-title">
      <h2 id="downloads-title">{t("downloads.title")}</h2>
      {control && (
        <div className="toolbar">
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            {t("downloads.add")}
          </button>
          <button type="button" onClick={() => void all("pause_all")}>
            {t("downloads.pause_all")}
          </button>
          <button type="button" onClick={() => void all("resume_all")}>
            {t("downloads.resume_all")}
          </button>
          {transfer && (
            <label className="check switch">
              <input type="checkbox" checked={altSpeedOn} onChange={(e) => void altSpeed(e.target.checked)} />
              {t("downloads.slow_mode")}
            </label>
          )}
        </div>
      )}
      {transfer && (
        <p className="hint limits">
          {transfer.free_space !== null && <span>{t("downloads.free", { size: formatBytes(transfer.free_space) })}</span>}
          <span>
            {t(transfer.alt_speed ? "downloads.limits_slow" : "downloads.limits", {
              down: transfer.download_limit ? formatSpeed(transfer.download_limit) : t("downloads.no_limit"),
              up: transfer.upload_limit ? formatSpeed(transfer.upload_limit) : t("downloads.no_limit"),
            })}
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
              {t("downloads.download_again")}
            </button>
          )}
        </p>
      )}
      {!focus && <ReadyToWatch items={live.ready} />}
      {focus && (
        <button type="button" className="link" onClick={() => setFocus(null)}>
          {t("downloads.show_all")}
        </button>
      )}
      {!live.connected && <p className="empty">{t("downloads.connecting")}</p>}
      {live.connected && list.length === 0 && <p className="empty">{t("downloads.empty")}</p>}
      <WindowedList
        items={list}
        total={focus ? list.length : live.downloads.total}
        itemKey={downloadKey}
        label={t("downloads.list")}
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
              {!isComplete(d) && <span>{t("downloads.eta", { eta: formatEta(d.eta) })}</span>}
              <span>{formatBytes(d.size)}</span>
              {d.category && <span className="tag">{categoryLabel(d.category)}</span>}
              {d.grabbed_by && <span className="via">{originLabel(d)}</span>}
            </p>
            {d.stalled && <p className="reasons">{t("downloads.stalled", { reason: formatStall(d.stalled) })}</p>}
            {d.held && <p className="reasons">{heldLabel(d)}</p>}
            {auditLabel(d) && <p className={auditLabel(d)?.ok ? "audit ok" : "audit warn"}>{auditLabel(d)?.text}</p>}
            {control && (
              <div className="actions">
                {isPaused(d) ? (
                  <button type="button" onClick={() => void act(d, "resume")} aria-label={t("action.resume_label", { name: d.name })}>
                    {t("action.resume")}
                  </button>
                ) : (
                  <button type="button" onClick={() => void act(d, "pause")} aria-label={t("action.pause_label", { name: d.name })}>
                    {t("action.pause")}
                  </button>
                )}
                {!isComplete(d) && (
                  <button
                    type="button"
                    onClick={() => void act(d, "force_start")}
                    aria-label={t("action.force_start_label", { name: d.name })}
                  >
                    {t("action.force_start")}
                  </button>
                )}
                {transfer?.queueing && !isComplete(d) && (
                  <>
                    <button type="button" onClick={() => void act(d, "top")} aria-label={t("action.top_label", { name: d.name })}>
                      {t("action.top")}
                    </button>
                    <button type="button" onClick={() => void act(d, "bottom")} aria-label={t("action.bottom_label", { name: d.name })}>
                      {t("action.bottom")}
                    </button>
                  </>
                )}
                <button type="button" className="danger" onClick={() => setConfirming(d)} aria-label={t("action.remove_label", { name: d.name })}>
                  {t("action.remove")}
                </button>
              </div>
            )}
          </>
        )}
      />
      {adding && <AddSheet categories={live.categories} onDone={added} onClose={() => setAdding(false)} />}
      {confirming && (
        <div className="sheet" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
          <h3 id="confirm-title">{t("remove.title", { name: confirming.name })}</h3>
          <label className="check">
            <input type="checkbox" checked={deleteFiles} onChange={(e) => setDeleteFiles(e.target.checked)} />
            {t("remove.delete_files")}
          </label>
          <p className="hint">{t("remove.kept")}</p>
          <div className="actions">
            <button type="button" onClick={() => setConfirming(null)}>
              {t("common.cancel")}
            </button>
            <button type="button" className="danger" onClick={() => void remove()}>
              {t("action.remove")}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
