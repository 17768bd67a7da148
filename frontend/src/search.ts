// Search results as the user sees them: merged as indexers answer, filtered and sorted
// locally (never by running the search again).

import type { IndexerStatus, Release } from "./types";

export type SortKey = "seeders" | "size" | "age";

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

export function sortReleases(releases: Release[], key: SortKey): Release[] {
  const value: Record<SortKey, (r: Release) => number> = {
    seeders: (r) => r.seeders ?? -1,
    size: (r) => r.size,
    age: (r) => -r.age_hours,
  };
  return [...releases].sort((a, b) => value[key](b) - value[key](a) || a.title.localeCompare(b.title));
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
      return "searching…";
    case "ok":
      return `${status.count} · ${status.elapsed_ms ?? 0} ms`;
    case "timed_out":
      return "timed out";
    case "error":
      return "error";
  }
}

export type Outcome = "searching" | "results" | "nothing" | "all_failed";

export function outcome(state: SearchState): Outcome {
  if (!state.done) return "searching";
  if (state.releases.length) return "results";
  const answered = state.indexers.filter((i) => i.state === "ok");
  return state.indexers.length && !answered.length ? "all_failed" : "nothing";
}
