import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { describe } from "./api";
import { formatAge, formatBytes } from "./format";
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
  plexCovers,
  type QualityFilter,
  type SearchState,
  type SortKey,
} from "./search";
import { useTransport } from "./transport";
import type { Release } from "./types";
import { WindowedList } from "./WindowedList";

const CATEGORY_LABELS: Record<string, string> = { movies: "Movies", tv: "TV", music: "Music", books: "Books" };

interface Props {
  categories: string[];
  onDownloaded: () => void;
}

const releaseKey = (release: Release) => release.id;

export function SearchView({ categories, onDownloaded }: Props) {
  const [query, setQuery] = useState("");
  const [category, setCategory] = useState("");
  const [search, setSearch] = useState<SearchState | null>(null);
  const [sort, setSort] = useState<SortKey>("score");
  const [filter, setFilter] = useState("");
  const [quality, setQuality] = useState<QualityFilter>({ resolution: null, source: null });
  const [notice, setNotice] = useState<{ kind: "ok" | "warn" | "error"; text: string } | null>(null);
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
    stop.current = transport.search(q, category, {
      indexer: (status) => setSearch((s) => (s ? withIndexer(s, status) : s)),
      results: (releases) => setSearch((s) => (s ? withReleases(s, releases) : s)),
      assessed: (verdicts) => setSearch((s) => (s ? withVerdicts(s, verdicts) : s)),
      done: () => setSearch((s) => (s ? { ...s, done: true } : s)),
      failed: (message) =>
        setSearch((s) =>
          s && !s.done
            ? { ...s, done: true, error: message ?? "The search could not run: Prowlarr or the panel is not reachable." }
            : s,
        ),
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
          ? { kind: "warn", text: result.message ?? `${result.name} is queued.` }
          : { kind: "ok", text: `Downloading ${result.name}.` },
      );
      if (!result.queued) onDownloaded();
    } catch (error) {
      setNotice({ kind: "error", text: describe(error) });
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

  return (
    <section aria-labelledby="search-title">
      <h2 id="search-title" className="visually-hidden">
        Search
      </h2>
      <form className="search" role="search" onSubmit={start}>
        <label htmlFor="q" className="visually-hidden">
          Search for a movie, show, album or book
        </label>
        <input
          id="q"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Movie, show, album…"
          autoComplete="off"
          enterKeyHint="search"
        />
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <div className="chips" role="group" aria-label="Category">
        {["", ...categories].map((c) => (
          <button
            key={c || "all"}
            type="button"
            className={c === category ? "chip selected" : "chip"}
            aria-pressed={c === category}
            onClick={() => setCategory(c)}
          >
            {c ? (CATEGORY_LABELS[c] ?? c) : "All"}
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
          <ul className="indexers" aria-label="Indexers">
            {search.indexers.map((i) => (
              <li key={i.id} className={`indexer ${i.state}`} data-testid="indexer-chip">
                <span className="name">{i.name}</span> <span className="state">{indexerLabel(i)}</span>
              </li>
            ))}
          </ul>
          {search.releases.length > 0 && (
            <div className="tools">
              <label>
                <span className="visually-hidden">Filter results</span>
                <input
                  type="search"
                  value={filter}
                  onChange={(e) => setFilter(e.target.value)}
                  placeholder={`Filter ${search.releases.length} results`}
                />
              </label>
              <label>
                <span className="visually-hidden">Sort by</span>
                <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
                  <option value="score">Best match</option>
                  <option value="seeders">Most seeders</option>
                  <option value="size">Largest</option>
                  <option value="age">Newest</option>
                </select>
              </label>
            </div>
          )}
          {(choices.resolutions.length > 1 || choices.sources.length > 1) && (
            <div className="chips quality-filter" role="group" aria-label="Quality">
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
          {state === "searching" && !search.releases.length && <p className="empty">Searching your indexers…</p>}
          {state === "nothing" && <p className="empty">Nothing found for “{search.query}”.</p>}
          {state === "all_failed" && (
            <p className="empty" role="alert">
              Every indexer failed or timed out. Check Prowlarr, then try again.
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
            label="Results"
            className="results"
            estimate={130}
            itemProps={(r) => ({ className: r.verdict && !r.verdict.passes ? "card result rejected" : "card result" })}
            renderItem={(r) => (
              <>
                {r.id === best && <p className="best">★ Best pick</p>}
                <p className="title">{r.title}</p>
                {r.verdict && r.verdict.chips.length > 0 && (
                  <p className="quality" aria-label="Quality">
                    {[...r.verdict.chips, formatBytes(r.size)].join(" · ")}
                  </p>
                )}
                {marksLabel(r.verdict).length > 0 && (
                  <p className="marks">
                    {marksLabel(r.verdict).map((mark) => (
                      <span key={mark} className={mark.startsWith("In Plex") ? "tag in-plex" : "tag"}>
                        {mark}
                      </span>
                    ))}
                  </p>
                )}
                {r.verdict && !r.verdict.passes && (
                  <p className="reasons">Not for you: {r.verdict.reasons.map((reason) => reason.text).join(" · ")}</p>
                )}
                <p className="meta">
                  {!r.verdict?.chips.length && <span>{formatBytes(r.size)}</span>}
                  <span aria-label={`${r.seeders ?? 0} seeders`}>▲ {r.seeders ?? "?"}</span>
                  <span>{formatAge(r.age_hours)}</span>
                  <span>{r.indexer}</span>
                  {r.category && <span className="tag">{CATEGORY_LABELS[r.category] ?? r.category}</span>}
                </p>
                {confirmGrab === r.id ? (
                  <p className="confirm" role="alert">
                    Already in Plex in {r.verdict?.in_plex?.resolution ?? "the same quality"}. Download anyway?{" "}
                    <button type="button" className="primary" onClick={() => void download(r, true)}>
                      Download anyway
                    </button>{" "}
                    <button type="button" onClick={() => setConfirmGrab(null)}>
                      Cancel
                    </button>
                  </p>
                ) : (
                  <button
                    type="button"
                    className="primary"
                    disabled={busy === r.id}
                    onClick={() => void download(r)}
                    aria-label={`Download ${r.title}`}
                  >
                    {busy === r.id ? "Adding…" : "Download"}
                  </button>
                )}
              </>
            )}
          />
        </>
      )}
    </section>
  );
}
