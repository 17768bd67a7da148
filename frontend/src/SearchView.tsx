import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { describe } from "./api";
import { formatAge, formatBytes, formatCount, formatReason } from "./format";
import {
  bestPick,
  emptySearch,
  filterQuality,
  filterReleases,
  indexerLabel,
  outcome,
  qualityChoices,
  sortReleases,
  withIndexer,
  withReleases,
  withVerdicts,
  marksLabel,
  overriddenRule,
  plexCovers,
  verdictTags,
  type QualityFilter,
  type SearchState,
  type SortKey,
} from "./search";
import { categoryLabel, t } from "./i18n";
import { useTransport, type WishRequest } from "./transport";
import type { Release } from "./types";
import { WindowedList } from "./WindowedList";
import { askerLabel, wishTargets, type WishTarget } from "./wishes";


interface Props {
  categories: string[];
  onDownloaded: () => void;
  /** Open the Wishes tab (after a wish was made here). */
  onWishes?: () => void;
}

type Notice = { kind: "ok" | "warn" | "error"; text: string };

const wishOf = (target: WishTarget): WishRequest => ({
  title: target.title,
  kind: target.kind,
  category: target.category,
  ...(target.year ? { year: target.year } : {}),
});

const releaseKey = (release: Release) => release.id;
const SORTS: readonly SortKey[] = ["score", "seeders", "size", "age"];

export function SearchView({ categories, onDownloaded, onWishes }: Props) {
  const [query, setQuery] = useState("");
  const [category, setCategory] = useState("");
  const [search, setSearch] = useState<SearchState | null>(null);
  const [sort, setSort] = useState<SortKey>("score");
  const [filter, setFilter] = useState("");
  const [quality, setQuality] = useState<QualityFilter>({ resolution: null, source: null });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [wished, setWished] = useState<Notice | null>(null); // what the last wish made here said
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmGrab, setConfirmGrab] = useState<string | null>(null); // a result Plex has
  const transport = useTransport();
  const stop = useRef<(() => void) | null>(null);

  useEffect(() => () => stop.current?.(), []);

  function start(event: FormEvent) {
    event.preventDefault();
    const q = query.trim();
    if (!q) return;
    stop.current?.();
    setSearch(emptySearch(q));
    setFilter("");
    setQuality({ resolution: null, source: null });
    setNotice(null);
    setWished(null);
    stop.current = transport.search(q, category, {
      indexer: (status) => setSearch((s) => (s ? withIndexer(s, status) : s)),
      results: (releases) => setSearch((s) => (s ? withReleases(s, releases) : s)),
      assessed: (verdicts) => setSearch((s) => (s ? withVerdicts(s, verdicts) : s)),
      done: () => setSearch((s) => (s ? { ...s, done: true } : s)),
      failed: (message) => setSearch((s) => (s && !s.done ? { ...s, done: true, error: message ?? t("search.failed") } : s)),
    });
  }

  async function download(release: Release, confirmed = false) {
    if (!confirmed && plexCovers(release.verdict)) {
      setConfirmGrab(release.id); // already in Plex as well or better: ask first
      return;
    }
    setConfirmGrab(null);
    setBusy(release.id);
    try {
      const result = await transport.grab(release.id, release.category ?? (category || null));
      setNotice(
        result.queued
          ? { kind: "warn", text: t("search.queued", { name: result.name }) }
          : { kind: "ok", text: t("search.downloading", { name: result.name }) },
      );
      if (!result.queued) onDownloaded();
    } catch (error) {
      setNotice({ kind: "error", text: describe(error) });
    } finally {
      setBusy(null);
    }
  }

  async function wish(key: string, request: WishRequest) {
    setBusy(key);
    setWished(null);
    try {
      const { wish: made, joined } = await transport.wish(request);
      // A request (someone who does not administer MediaHub) waits for an administrator.
      const text = joined
        ? t("search.wished_joined", { label: made.label, who: askerLabel(made.asked_by) })
        : made.state === "waiting"
          ? t("search.requested", { label: made.label })
          : t(made.kind === "follow" ? "search.wished_follow" : "search.wished_want", { label: made.label });
      setWished({ kind: "ok", text });
    } catch (error) {
      setWished({ kind: "error", text: describe(error) });
    } finally {
      setBusy(null);
    }
  }

  const shown = useMemo(
    () => (search ? sortReleases(filterQuality(filterReleases(search.releases, filter), quality), sort) : []),
    [search, filter, quality, sort],
  );
  const best = useMemo(() => (search ? bestPick(search.releases) : null), [search]);
  const choices = useMemo(() => qualityChoices(search?.releases ?? []), [search]);
  const toggle = (key: keyof QualityFilter, value: string) =>
    setQuality((q) => ({ ...q, [key]: q[key] === value ? null : value }));
  const state = search ? outcome(search) : null;
  const targets = useMemo(() => (search?.done ? wishTargets(search.releases) : []), [search]);
  // Results, none of which the profile accepts: wish for the first title, to come later.
  const nothingAcceptable = state === "results" && best === null;
  const whenOut: WishRequest | null = !search
    ? null
    : targets[0]
      ? wishOf(targets[0])
      : { title: search.query, ...(category === "movies" || category === "tv" ? { category } : {}) };

  return (
    <section aria-labelledby="search-title">
      <h2 id="search-title" className="visually-hidden">
        Search
      </h2>
      <form className="search" role="search" onSubmit={start}>
        <label htmlFor="q" className="visually-hidden">
          {t("search.label")}
        </label>
        <input
          id="q"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder={t("search.placeholder")}
          autoComplete="off"
          enterKeyHint="search"
        />
        <button type="submit" className="primary">
          {t("search.submit")}
        </button>
      </form>
      <div className="chips" role="group" aria-label={t("search.category")}>
        {["", ...categories].map((c) => (
          <button
            key={c || "all"}
            type="button"
            className={c === category ? "chip selected" : "chip"}
            aria-pressed={c === category}
            onClick={() => setCategory(c)}
          >
            {categoryLabel(c)}
          </button>
        ))}
      </div>

      {notice && (
        <p className={`notice ${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
          {notice.text}
        </p>
      )}

      {search && (
        <>
          <ul className="indexers" aria-label={t("search.indexers")}>
            {search.indexers.map((i) => (
              <li key={i.id} className={`indexer ${i.state}`} data-testid="indexer-chip">
                <span className="name">{i.name}</span> <span className="state">{indexerLabel(i)}</span>
              </li>
            ))}
          </ul>
          {search.releases.length > 0 && (
            <div className="tools">
              <label>
                <span className="visually-hidden">{t("search.filter_label")}</span>
                <input
                  type="search"
                  value={filter}
                  onChange={(e) => setFilter(e.target.value)}
                  placeholder={t("search.filter", { count: formatCount(search.releases.length) })}
                />
              </label>
              <label>
                <span className="visually-hidden">{t("search.sort_label")}</span>
                <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
                  {SORTS.map((key) => (
                    <option key={key} value={key}>
                      {t(`sort.${key}`)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          )}
          {(choices.resolutions.length > 1 || choices.sources.length > 1) && (
            <div className="chips quality-filter" role="group" aria-label={t("search.quality")}>
              {choices.resolutions.map((value) => (
                <button
                  key={value}
                  type="button"
                  className={quality.resolution === value ? "chip selected" : "chip"}
                  aria-pressed={quality.resolution === value}
                  onClick={() => toggle("resolution", value)}
                >
                  {value}
                </button>
              ))}
              {choices.sources.map((value) => (
                <button
                  key={value}
                  type="button"
                  className={quality.source === value ? "chip selected" : "chip"}
                  aria-pressed={quality.source === value}
                  onClick={() => toggle("source", value)}
                >
                  {value}
                </button>
              ))}
            </div>
          )}
          {state === "searching" && !search.releases.length && <p className="empty">{t("search.searching")}</p>}
          {state === "nothing" && <p className="empty">{t("search.nothing", { query: search.query })}</p>}
          {nothingAcceptable && <p className="notice warn">{t("search.nothing_acceptable")}</p>}
          {(state === "nothing" || nothingAcceptable) && whenOut && (
            <div className="wish-offer">
              <button
                type="button"
                className="primary"
                disabled={busy === "when-out"}
                onClick={() => void wish("when-out", whenOut)}
                aria-label={t("search.want_when_out_label", { title: whenOut.title })}
              >
                {busy === "when-out" ? t("search.wishing") : t("search.want_when_out")}
              </button>
            </div>
          )}
          {!nothingAcceptable && targets.length > 0 && (
            <ul className="wish-offers" aria-label={t("search.wish_offers")}>
              {targets.map((target) => {
                const key = `${target.category}-${target.label}`;
                const follow = target.kind === "follow";
                return (
                  <li key={key}>
                    <span className="label">
                      {target.label} <span className="hint">{categoryLabel(target.category)}</span>
                    </span>
                    <button
                      type="button"
                      disabled={busy === key}
                      onClick={() => void wish(key, wishOf(target))}
                      aria-label={t(follow ? "search.follow_label" : "search.want_label", { title: target.label })}
                    >
                      {busy === key ? t("search.wishing") : t(follow ? "search.follow" : "search.want")}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          {wished && (
            <p className={`notice ${wished.kind}`} role={wished.kind === "error" ? "alert" : "status"}>
              {wished.text}
              {wished.kind === "ok" && onWishes && (
                <>
                  {" "}
                  <button type="button" className="link" onClick={onWishes}>
                    {t("search.see_wishes")}
                  </button>
                </>
              )}
            </p>
          )}
          {state === "all_failed" && (
            <p className="empty" role="alert">
              {t("search.all_failed")}
            </p>
          )}
          {search.error && (
            <p className="empty" role="alert">
              {search.error}
            </p>
          )}
          <WindowedList
            items={shown}
            itemKey={releaseKey}
            label={t("search.results")}
            className="results"
            estimate={130}
            itemProps={(r) => ({ className: r.verdict && !r.verdict.passes ? "card result rejected" : "card result" })}
            renderItem={(r) => (
              <>
                {r.id === best && <p className="best">{t("search.best")}</p>}
                <p className="title">{r.title}</p>
                {r.verdict && r.verdict.chips.length > 0 && (
                  <p className="quality" aria-label={t("search.quality")}>
                    {[...r.verdict.chips, formatBytes(r.size)].join(" · ")}
                  </p>
                )}
                {verdictTags(r.verdict).length > 0 && (
                  <p className="marks tags">
                    {verdictTags(r.verdict).map((tag) => (
                      <span key={`${tag.kind}-${tag.text}`} className={`tag ${tag.kind}`}>
                        {tag.kind === "language" ? (
                          <>
                            <span aria-hidden="true">{tag.text}</span>
                            <span className="visually-hidden">{tag.label}</span>
                          </>
                        ) : (
                          tag.text
                        )}
                      </span>
                    ))}
                  </p>
                )}
                {marksLabel(r.verdict).length > 0 && (
                  <p className="marks">
                    {marksLabel(r.verdict).map((mark) => (
                      <span key={mark.text} className={mark.inPlex ? "tag in-plex" : "tag"}>
                        {mark.text}
                      </span>
                    ))}
                  </p>
                )}
                {r.verdict && !r.verdict.passes && (
                  <p className="reasons">
                    {t("search.not_for_you", { reasons: r.verdict.reasons.map(formatReason).join(" · ") })}
                  </p>
                )}
                <p className="meta">
                  {!r.verdict?.chips.length && <span>{formatBytes(r.size)}</span>}
                  <span aria-label={t("search.seeders", { count: formatCount(r.seeders ?? 0) })}>▲ {r.seeders ?? "?"}</span>
                  <span>{formatAge(r.age_hours)}</span>
                  <span>{r.indexer}</span>
                  {r.category && <span className="tag">{categoryLabel(r.category)}</span>}
                </p>
                {confirmGrab === r.id ? (
                  <p className="confirm" role="alert">
                    {r.verdict?.in_plex?.resolution
                      ? t("search.already_in_plex", { resolution: r.verdict.in_plex.resolution })
                      : t("search.already_in_plex_same")}{" "}
                    <button type="button" className="primary" onClick={() => void download(r, true)}>
                      {t("search.download_anyway")}
                    </button>{" "}
                    <button type="button" onClick={() => setConfirmGrab(null)}>
                      {t("common.cancel")}
                    </button>
                  </p>
                ) : (
                  <DownloadButton release={r} busy={busy === r.id} onClick={() => void download(r)} />
                )}
              </>
            )}
          />
        </>
      )}
    </section>
  );
}

/** The best pick and every passing result wear the primary "Download"; a refused one a quiet
 * "Download anyway (rule)" that says which rule it overrides. */
function DownloadButton({ release, busy, onClick }: { release: Release; busy: boolean; onClick: () => void }) {
  const rule = overriddenRule(release.verdict);
  if (rule === null) {
    return (
      <button type="button" className="primary" disabled={busy} onClick={onClick} aria-label={t("search.download_label", { title: release.title })}>
        {busy ? t("search.adding") : t("search.download")}
      </button>
    );
  }
  return (
    <button
      type="button"
      className="quiet"
      disabled={busy}
      onClick={onClick}
      aria-label={t("search.download_refused_label", { title: release.title, rule })}
    >
      {busy ? t("search.adding") : t("search.download_refused", { rule })}
    </button>
  );
}
