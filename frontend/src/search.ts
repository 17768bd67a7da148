// Search results as the user sees them: merged as indexers answer, filtered and sorted
// locally (never by running the search again).

import { formatCount, formatDuration, formatPercent, formatReason } from "./format";
import { language, t } from "./i18n";
import type { IndexerStatus, Release, Verdict } from "./types";

export type SortKey = "score" | "seeders" | "size" | "age";

/** The quality filter chips: one resolution and one source at most, or none. */
export interface QualityFilter {
  resolution: string | null;
  source: string | null;
}

export interface SearchState {
  query: string;
  indexers: IndexerStatus[];
  releases: Release[];
  done: boolean;
  error: string | null;
}

export const emptySearch = (query = ""): SearchState => ({
  query,
  indexers: [],
  releases: [],
  done: false,
  error: null,
});

export function withIndexer(state: SearchState, status: IndexerStatus): SearchState {
  const known = state.indexers.some((i) => i.id === status.id);
  return {
    ...state,
    indexers: known ? state.indexers.map((i) => (i.id === status.id ? status : i)) : [...state.indexers, status],
  };
}

export function withReleases(state: SearchState, releases: Release[]): SearchState {
  const seen = new Set(state.releases.map((r) => r.id));
  return { ...state, releases: [...state.releases, ...releases.filter((r) => !seen.has(r.id))] };
}

export function withVerdicts(state: SearchState, verdicts: Verdict[]): SearchState {
  const byId = new Map(verdicts.map((v) => [v.id, v]));
  return {
    ...state,
    releases: state.releases.map((r) => {
      const verdict = byId.get(r.id);
      return verdict ? { ...r, verdict } : r;
    }),
  };
}

/** Passing releases first, then those not parsed yet, then those the profile refuses. */
const standing = (r: Release) => (r.verdict ? (r.verdict.passes ? 0 : 2) : 1);

export function sortReleases(releases: Release[], key: SortKey): Release[] {
  const value: Record<SortKey, (r: Release) => number> = {
    score: (r) => r.verdict?.score ?? -1,
    seeders: (r) => r.seeders ?? -1,
    size: (r) => r.size,
    age: (r) => -r.age_hours,
  };
  const byStanding = key === "score" ? (a: Release, b: Release) => standing(a) - standing(b) : () => 0;
  return [...releases].sort(
    (a, b) =>
      byStanding(a, b) ||
      value[key](b) - value[key](a) ||
      (b.seeders ?? -1) - (a.seeders ?? -1) ||
      a.title.localeCompare(b.title),
  );
}

/** The id of the best release that passes the profile, among all results (not the filtered). */
export function bestPick(releases: Release[]): string | null {
  let best: Release | null = null;
  for (const r of releases) {
    if (!r.verdict?.passes) continue;
    if (!best || sortReleases([best, r], "score")[0] === r) best = r;
  }
  return best?.id ?? null;
}

/** The resolutions and sources present, best first, for the filter chips. */
export function qualityChoices(releases: Release[]): { resolutions: string[]; sources: string[] } {
  const resolutions = new Set<string>();
  const sources = new Set<string>();
  for (const r of releases) {
    if (r.verdict?.quality.resolution) resolutions.add(r.verdict.quality.resolution);
    if (r.verdict?.quality.source) sources.add(r.verdict.quality.source);
  }
  const order = ["2160p", "1080p", "720p", "576p", "480p"];
  const sourceOrder = ["Remux", "BluRay", "WEB-DL", "WEBRip", "HDTV", "DVD", "SCR", "TC", "TS", "CAM"];
  const rank = (list: string[]) => (a: string, b: string) => (list.indexOf(a) + 1 || 99) - (list.indexOf(b) + 1 || 99);
  return { resolutions: [...resolutions].sort(rank(order)), sources: [...sources].sort(rank(sourceOrder)) };
}

export function filterQuality(releases: Release[], filter: QualityFilter): Release[] {
  if (!filter.resolution && !filter.source) return releases;
  return releases.filter(
    (r) =>
      (!filter.resolution || r.verdict?.quality.resolution === filter.resolution) &&
      (!filter.source || r.verdict?.quality.source === filter.source),
  );
}

/** Every word of the filter must appear in the title or the indexer's name. */
export function filterReleases(releases: Release[], filter: string): Release[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return releases;
  return releases.filter((r) => {
    const text = `${r.title} ${r.indexer}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export function indexerLabel(status: IndexerStatus): string {
  switch (status.state) {
    case "pending":
      return t("indexer.searching");
    case "ok":
      return t("indexer.found", {
        count: formatCount(status.count ?? 0),
        elapsed: formatDuration(status.elapsed_ms ?? 0),
      });
    case "timed_out":
      return t("indexer.timed_out");
    case "error":
      return t("indexer.error");
  }
}

export type Outcome = "searching" | "results" | "nothing" | "all_failed";

export function outcome(state: SearchState): Outcome {
  if (!state.done) return "searching";
  if (state.releases.length) return "results";
  const answered = state.indexers.filter((i) => i.state === "ok");
  return state.indexers.length && !answered.length ? "all_failed" : "nothing";
}

const RESOLUTION_RANK: Record<string, number> = { "2160p": 4, "1080p": 3, "720p": 2, "576p": 1, "480p": 1 };

/** Plex already has it at the same or a better resolution (hub/library/marks.py Marks.covers). */
export function plexCovers(verdict: Verdict | undefined): boolean {
  const inPlex = verdict?.in_plex;
  if (!verdict || !inPlex) return false;
  return (RESOLUTION_RANK[inPlex.resolution ?? ""] ?? 0) >= (RESOLUTION_RANK[verdict.quality.resolution ?? ""] ?? 0);
}

export interface Mark {
  text: string;
  inPlex: boolean;
}

/** "In Plex · 720p", "Downloading 43 %": what a result already is here. */
export function marksLabel(verdict: Verdict | undefined): Mark[] {
  if (!verdict) return [];
  const marks: Mark[] = [];
  if (verdict.in_plex) {
    const resolution = verdict.in_plex.resolution;
    marks.push({ text: resolution ? t("mark.in_plex_at", { resolution }) : t("mark.in_plex"), inPlex: true });
  }
  if (verdict.downloading != null) {
    const text =
      verdict.downloading >= 1 ? t("mark.downloaded") : t("mark.downloading", { percent: formatPercent(verdict.downloading) });
    marks.push({ text, inPlex: false });
  }
  return marks;
}

/** A word under a result's picture: a language it speaks, anime, or a source nobody could read. */
export interface Tag {
  text: string;
  /** What a screen reader says instead of a bare code ("German" for DE). */
  label: string;
  kind: "language" | "anime" | "unknown_source";
}

/** A language tag ("de", "pt-BR", "es-419") named in the panel's language; the tag itself when
 * the browser cannot name it ("mul"). */
function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([language()], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** DE · anime · unknown source: what a result's name says besides its picture. Languages are
 * written as their codes, not flags: a flag is a country, and a screen reader reads it as one. */
export function verdictTags(verdict: Verdict | undefined): Tag[] {
  if (!verdict) return [];
  const tags: Tag[] = verdict.quality.languages.map((tag) => ({
    text: tag.toUpperCase(),
    label: languageName(tag),
    kind: "language",
  }));
  if (verdict.quality.anime) tags.push({ text: t("search.anime"), label: t("search.anime"), kind: "anime" });
  if (verdict.unknown_source) {
    tags.push({ text: t("search.unknown_source"), label: t("search.unknown_source"), kind: "unknown_source" });
  }
  return tags;
}

/** The rule a refused result breaks first, in words: what "Download anyway" overrides. */
export function overriddenRule(verdict: Verdict | undefined): string | null {
  const reason = verdict && !verdict.passes ? verdict.reasons[0] : undefined;
  return reason ? formatReason(reason) : null;
}
