// The dashboard card's content: a search box, the downloads (the active ones first, with their
// progress, then the latest), and what is ready to watch, in one compact card (each section
// optional).

import { useEffect, useRef, useState, type FormEvent } from "react";
import { describe } from "../api";
import { isComplete, ordered } from "../downloads";
import { formatPercent, formatSpeed } from "../format";
import { ReadyToWatch } from "../ReadyToWatch";
import { emptySearch, overriddenRule, sortReleases, withReleases, withVerdicts, type SearchState } from "../search";
import { t } from "../i18n";
import { useTransport } from "../transport";
import type { Release } from "../types";
import { useEvents } from "../useEvents";
import type { Section } from "./config";

const RESULTS_SHOWN = 5;
const DOWNLOADS_SHOWN = 5;

export interface CardOptions {
  sections: Section[];
  /** The card's height in pixels; it scrolls within. Unset: as tall as its content. */
  height: number | null;
}

export function Card({ sections, height }: CardOptions) {
  const live = useEvents();
  const shown = ordered(live.downloads).slice(0, DOWNLOADS_SHOWN);
  return (
    <div className="mediahub-card" style={height ? { maxHeight: `${height}px`, overflowY: "auto" } : undefined}>
      {sections.includes("search") && <CardSearch />}
      {sections.includes("downloads") && (
        <section aria-label={t("downloads.list")}>
          {shown.length === 0 ? (
            <p className="hint">{t(live.connected ? "downloads.none_yet" : "downloads.connecting")}</p>
          ) : (
            <ul className="card-downloads">
              {shown.map((d) => (
                <li key={d.hash}>
                  <span className="title">{d.name}</span>
                  <progress max={1} value={d.progress} aria-label={`${d.name}: ${formatPercent(d.progress)}`} />
                  <span className="hint">
                    {formatPercent(d.progress)}
                    {!isComplete(d) && ` · ↓ ${formatSpeed(d.download_speed)}`}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {sections.includes("ready") && <ReadyToWatch items={live.ready.slice(0, 3)} />}
    </div>
  );
}

function CardSearch() {
  const transport = useTransport();
  const [query, setQuery] = useState("");
  const [search, setSearch] = useState<SearchState | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const stop = useRef<(() => void) | null>(null);
  useEffect(() => () => stop.current?.(), []);

  function start(event: FormEvent) {
    event.preventDefault();
    if (!query.trim()) return;
    stop.current?.();
    setSearch(emptySearch(query.trim()));
    setNotice(null);
    stop.current = transport.search(query.trim(), "", {
      indexer: () => undefined,
      results: (releases) => setSearch((s) => (s ? withReleases(s, releases) : s)),
      assessed: (verdicts) => setSearch((s) => (s ? withVerdicts(s, verdicts) : s)),
      done: () => undefined,
      failed: (message) => setNotice(message ?? t("search.failed")),
    });
  }

  async function grab(release: Release) {
    try {
      const result = await transport.grab(release.id, release.category ?? null);
      setNotice(t("search.downloading", { name: result.name }));
      setSearch(null);
    } catch (error) {
      setNotice(describe(error));
    }
  }

  const best = search ? sortReleases(search.releases, "score").slice(0, RESULTS_SHOWN) : [];
  return (
    <section aria-label={t("search.submit")}>
      <form className="search" role="search" onSubmit={start}>
        <input
          type="search"
          aria-label={t("search.label")}
          placeholder={t("search.placeholder")}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit" className="primary">
          {t("search.submit")}
        </button>
      </form>
      {notice && <p className="hint">{notice}</p>}
      {best.length > 0 && (
        <ul className="card-results">
          {best.map((r) => (
            <li key={r.id}>
              <span className="title">{r.title}</span>
              {overriddenRule(r.verdict) === null ? (
                <button type="button" onClick={() => void grab(r)} aria-label={t("search.download_label", { title: r.title })}>
                  {t("search.download")}
                </button>
              ) : (
                <button
                  type="button"
                  className="quiet"
                  onClick={() => void grab(r)}
                  aria-label={t("search.download_refused_label", { title: r.title, rule: overriddenRule(r.verdict) ?? "" })}
                >
                  {t("search.download_refused", { rule: overriddenRule(r.verdict) ?? "" })}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
