import { describe, expect, it } from "vitest";
import {
  bestPick,
  emptySearch,
  filterQuality,
  filterReleases,
  indexerLabel,
  marksLabel,
  outcome,
  overriddenRule,
  plexCovers,
  qualityChoices,
  sortReleases,
  withIndexer,
  withReleases,
  verdictTags,
  withVerdicts,
} from "./search";
import { loadLanguage } from "./i18n";
import type { IndexerStatus, Quality, Release, Verdict } from "./types";

const release = (id: string, title: string, seeders: number | null, size: number, age: number): Release => ({
  id,
  title,
  size,
  seeders,
  leechers: 0,
  indexer: "TPB",
  indexer_id: 1,
  category_id: 2000,
  category: "movies",
  age_hours: age,
  published: null,
  protocol: "torrent",
  ids: [],
});

const status = (id: number, state: IndexerStatus["state"], count = 0): IndexerStatus => ({
  id,
  name: `Indexer ${id}`,
  state,
  count,
  elapsed_ms: state === "ok" ? 120 : null,
  error: null,
});

describe("search state", () => {
  it("updates indexer chips in place and keeps their order", () => {
    let state = withIndexer(withIndexer(emptySearch("dune"), status(1, "pending")), status(2, "pending"));
    state = withIndexer(state, status(2, "ok", 3));
    expect(state.indexers.map((i) => [i.id, i.state])).toEqual([
      [1, "pending"],
      [2, "ok"],
    ]);
    expect(indexerLabel(state.indexers[1] as IndexerStatus)).toBe("3 · 120 ms");
    expect(indexerLabel(status(3, "timed_out"))).toBe("timed out");
  });

  it("merges batches without duplicates", () => {
    const a = release("a", "Dune 2021", 10, 1, 1);
    const state = withReleases(withReleases(emptySearch(), [a]), [a, release("b", "Dune 1984", 5, 2, 2)]);
    expect(state.releases.map((r) => r.id)).toEqual(["a", "b"]);
  });

  it("sorts by seeders, size or age and filters as you type", () => {
    const list = [release("a", "Dune 2021 1080p", 10, 5, 100), release("b", "Dune 1984 720p", 50, 1, 10), release("c", "Arrival", null, 9, 1)];
    expect(sortReleases(list, "seeders").map((r) => r.id)).toEqual(["b", "a", "c"]);
    expect(sortReleases(list, "size").map((r) => r.id)).toEqual(["c", "a", "b"]);
    expect(sortReleases(list, "age").map((r) => r.id)).toEqual(["c", "b", "a"]);
    expect(filterReleases(list, "dune 1080").map((r) => r.id)).toEqual(["a"]);
    expect(filterReleases(list, "  ")).toHaveLength(3);
    expect(filterReleases(list, "tpb arrival").map((r) => r.id)).toEqual(["c"]);
  });

  it("tells nothing found from everything failed", () => {
    const searching = withIndexer(emptySearch(), status(1, "pending"));
    expect(outcome(searching)).toBe("searching");
    const failed = { ...withIndexer(withIndexer(emptySearch(), status(1, "error")), status(2, "timed_out")), done: true };
    expect(outcome(failed)).toBe("all_failed");
    const nothing = { ...withIndexer(failed, status(2, "ok")), done: true };
    expect(outcome(nothing)).toBe("nothing");
    expect(outcome({ ...withReleases(nothing, [release("a", "x", 1, 1, 1)]), done: true })).toBe("results");
  });
});

describe("quality", () => {
  const verdict = (id: string, passes: boolean, score: number, resolution: string, source: Quality["source"] & string): Verdict => ({
    id,
    quality: {
      title: "Dune",
      kind: "movie",
      year: 2021,
      seasons: [],
      episodes: [],
      pack: null,
      resolution,
      source,
      video_codec: null,
      hdr: [],
      audio: [],
      group: null,
      languages: [],
      edition: null,
      proper: false,
      anime: false,
    },
    chips: [resolution, source],
    score,
    passes,
    reasons: passes ? [] : [{ code: "blocked_source", text: "CAM", values: { source: "CAM" } }],
    unknown_source: false,
  });
  const releases = [
    release("cam", "Dune.2021.CAM", 5000, 1, 1),
    release("web", "Dune.2021.1080p.WEB-DL", 50, 2, 2),
    release("uhd", "Dune.2021.2160p.BluRay", 80, 3, 3),
    release("new", "Dune.2021.720p.HDTV", 10, 4, 4),
  ];
  const assessed = withVerdicts(
    { ...emptySearch("dune"), releases },
    [verdict("cam", false, 2000, "1080p", "CAM"), verdict("web", true, 1300, "1080p", "WEB-DL"), verdict("uhd", true, 1200, "2160p", "BluRay")],
  ).releases;

  it("sorts by score: passing first, then not yet parsed, then refused whatever its seeders", () => {
    expect(sortReleases(assessed, "score").map((r) => r.id)).toEqual(["web", "uhd", "new", "cam"]);
    expect(bestPick(assessed)).toBe("web");
  });

  it("marks what Plex has and what is downloading, and asks only when Plex has it as well", () => {
    const inPlex = { key: "7", title: "Dune (2021)", resolution: "1080p" };
    const web = { ...verdict("web", true, 1300, "1080p", "WEB-DL"), in_plex: inPlex, downloading: null };
    const uhd = { ...verdict("uhd", true, 1200, "2160p", "BluRay"), in_plex: inPlex, downloading: 0.437 };
    const texts = (verdict: Parameters<typeof marksLabel>[0]) => marksLabel(verdict).map((mark) => mark.text);
    expect(texts(web)).toEqual(["In Plex · 1080p"]);
    expect(texts(uhd)).toEqual(["In Plex · 1080p", "Downloading 43%"]);
    expect(texts({ ...uhd, in_plex: null, downloading: 1 })).toEqual(["Downloaded"]);
    expect(plexCovers(web)).toBe(true); // the same resolution: asks first
    expect(plexCovers(uhd)).toBe(false); // better than Plex's: no question
    expect(plexCovers(verdict("x", true, 1, "720p", "WEB-DL"))).toBe(false);
  });

  it("offers the resolutions and sources present as filter chips, best first", () => {
    expect(qualityChoices(assessed)).toEqual({ resolutions: ["2160p", "1080p"], sources: ["BluRay", "WEB-DL", "CAM"] });
    expect(filterQuality(assessed, { resolution: "1080p", source: null }).map((r) => r.id)).toEqual(["cam", "web"]);
    expect(filterQuality(assessed, { resolution: "1080p", source: "WEB-DL" }).map((r) => r.id)).toEqual(["web"]);
  });
});

describe("what a verdict says besides its picture", () => {
  const verdict = (overrides: Partial<Verdict>, quality: Partial<Verdict["quality"]> = {}): Verdict => ({
    id: "r",
    quality: {
      title: "Dune", kind: "movie", year: 2021, seasons: [], episodes: [], pack: null, resolution: "1080p", source: "WEB-DL",
      video_codec: null, hdr: [], audio: [], group: null, languages: [], edition: null, proper: false, anime: false, ...quality,
    },
    chips: [],
    score: 1,
    passes: true,
    reasons: [],
    unknown_source: false,
    ...overrides,
  });

  it("names languages, anime and an unknown source, in the panel's language", async () => {
    await loadLanguage("de");
    const tags = verdictTags(verdict({ unknown_source: true }, { languages: ["de", "pt-BR"], anime: true }));
    expect(tags.map((tag) => tag.text)).toEqual(["DE", "PT-BR", "Anime", "Quelle unbekannt"]);
    expect(tags[0]?.label).toBe("Deutsch");
    expect(tags[1]?.label).toContain("Portugiesisch");
    await loadLanguage("en");
    expect(verdictTags(verdict({}))).toEqual([]);
  });

  it("says which rule a refused result's download overrides, and none for a passing one", async () => {
    await loadLanguage("fr");
    const small = {
      code: "too_small",
      text: "too small: 700 MB < 19.5 GB for a 2160p Remux",
      values: { size: "700 MB", limit: "19.5 GB", what: "2160p Remux", size_bytes: String(700 * 1024 ** 2), limit_bytes: String(20000 * 1024 ** 2) },
    };
    expect(overriddenRule(verdict({ passes: false, reasons: [small] }))).toBe("trop petit pour 2160p Remux : 700 MB < 19,5 GB");
    expect(overriddenRule(verdict({}))).toBeNull();
    await loadLanguage("en");
    const spam = { code: "spam", text: "spam: free download", values: { word: "free download" } };
    expect(overriddenRule(verdict({ passes: false, reasons: [spam] }))).toBe("looks like spam: “free download”");
  });
});
