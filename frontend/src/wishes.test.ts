// The Wishes tab's logic: its three sections, the list kept current from the operation and the
// feed's event, the happenings in words, and what a search offers to wish for.
import { describe, expect, it } from "vitest";
import { loadLanguage } from "./i18n";
import type { Release } from "./types";
import type { Wish, WishHappening } from "./wire.generated";
import {
  askedBy,
  askersText,
  currentWishes,
  declinedText,
  formatDue,
  groupWishes,
  happeningText,
  mayDecide,
  mayEnd,
  recentHappenings,
  upsertWish,
  wishTargets,
  wishWhen,
  withWishesEvent,
  withoutWish,
} from "./wishes";

const NOW = 1_800_000_000;

const wish = (overrides: Partial<Wish> & Pick<Wish, "id">): Wish => ({
  kind: "want",
  title: "Dune Part Three",
  label: "Dune Part Three (2026)",
  year: 2026,
  season: null,
  seasons: [],
  backfill: false,
  category: "movies",
  asked_by: "panel",
  also_asked: [],
  state: "wanted",
  created_at: NOW - 3600,
  after: null,
  current: null,
  next_search: NOW + 1800,
  grabbed: [],
  history: [{ at: NOW - 3600, what: "made", reason: "panel" }],
  ...overrides,
});

const follow = wish({ id: 1, kind: "follow", title: "Severance", label: "Severance", year: null, category: "tv", after: "S02E03" });
const wanted = wish({ id: 2 });
const grabbed = wish({
  id: 3,
  title: "Heat",
  label: "Heat (1995)",
  state: "grabbed",
  history: [
    { at: NOW - 7200, what: "made", reason: "voice" },
    { at: NOW - 600, what: "grabbed", release: "Heat 1995 1080p BluRay", item: "movie" },
  ],
});
const upgrade = wish({ id: 4, kind: "upgrade", title: "Alien", label: "Alien (1979)", current: "720p HDTV" });
const available = wish({
  id: 5,
  title: "Arrival",
  label: "Arrival (2016)",
  state: "available",
  history: [
    { at: NOW - 9000, what: "made", reason: "Anna" },
    { at: NOW - 8000, what: "refused", release: "Arrival 2016 CAM", reason: "CAM is blocked" },
    { at: NOW - 5000, what: "grabbed", release: "Arrival 2016 1080p WEB-DL", item: "movie" },
    { at: NOW - 100, what: "available", release: "Arrival 2016 1080p WEB-DL", item: "movie" },
  ],
});
const stopped = wish({ id: 6, kind: "follow", title: "Lost", label: "Lost", state: "done", category: "tv" });

describe("groupWishes", () => {
  it("puts open follows under following, open wants and upgrades under wanted, the rest in history", () => {
    const sections = groupWishes([follow, wanted, grabbed, upgrade, available, stopped]);
    expect(sections.following.map((w) => w.id)).toEqual([1]);
    expect(sections.wanted.map((w) => w.id)).toEqual([2, 3, 4]);
    expect(sections.history.map((w) => w.id)).toEqual([5, 6]); // a stopped follow too
  });

  it("keeps the server's order and is empty for no wishes", () => {
    expect(groupWishes([grabbed, wanted]).wanted.map((w) => w.id)).toEqual([3, 2]);
    expect(groupWishes([])).toEqual({ waiting: [], following: [], wanted: [], history: [] });
  });
});

describe("requests", () => {
  const asked = (id: number, overrides: Partial<Wish> = {}) =>
    wish({ id, state: "waiting", asked_by: "Bob", next_search: null, history: [{ at: NOW - 60, what: "made", reason: "Bob" }], ...overrides });
  const request = asked(7);
  const followRequest = asked(8, { kind: "follow", category: "tv", title: "Lost", label: "Lost", also_asked: ["Cleo", "Dan"] });
  const declined = asked(9, {
    state: "declined",
    history: [
      { at: NOW - 60, what: "made", reason: "Bob" },
      { at: NOW - 30, what: "declined", by: "Alice", reason: "already on Netflix" },
    ],
  });
  const admin = { admin: true, name: "Alice" };
  const bob = { admin: false, name: "Bob" };
  const cleo = { admin: false, name: "Cleo" };
  const noSignIn = { admin: true, name: null };

  it("puts waiting requests first, of any kind, and a declined one in the history", () => {
    const sections = groupWishes([request, follow, followRequest, wanted, declined, available]);
    expect(sections.waiting.map((w) => w.id)).toEqual([7, 8]);
    expect(sections.following.map((w) => w.id)).toEqual([1]);
    expect(sections.wanted.map((w) => w.id)).toEqual([2]);
    expect(sections.history.map((w) => w.id)).toEqual([9, 5]);
  });

  it("offers Approve and Decline to an administrator, on a waiting request someone else made", () => {
    expect(mayDecide(request, admin)).toBe(true);
    expect(mayDecide(request, noSignIn)).toBe(true); // no sign-in: everyone administers
    expect(mayDecide(request, bob)).toBe(false); // not an administrator
    expect(mayDecide(request, { admin: true, name: "Bob" })).toBe(false); // their own
    expect(mayDecide(declined, admin)).toBe(false); // decided already
    expect(mayDecide(wanted, admin)).toBe(false);
  });

  it("lets whoever asked first (or an administrator) end a wish, and knows who asked", () => {
    expect(mayEnd(request, bob)).toBe(true);
    expect(mayEnd(request, cleo)).toBe(false);
    expect(mayEnd(followRequest, cleo)).toBe(false); // asked too, but the wish is Bob's
    expect(mayEnd(request, admin)).toBe(true);
    expect(mayEnd(request, { admin: false, name: null })).toBe(false);
    expect(askedBy(followRequest, cleo)).toBe(true);
    expect(askedBy(request, cleo)).toBe(false);
    expect(askedBy(request, noSignIn)).toBe(false);
  });

  it("says who asked, and how many others did", () => {
    expect(askersText(request)).toBe("Bob");
    expect(askersText({ ...request, also_asked: ["Cleo"] })).toBe("Bob and 1 other");
    expect(askersText(followRequest)).toBe("Bob and 2 others");
    expect(askersText({ ...request, asked_by: "voice" })).toBe("voice");
  });

  it("says why a request was declined, and by whom", () => {
    expect(declinedText(declined)).toBe("Declined by Alice: already on Netflix");
    expect(declinedText({ ...declined, history: [...declined.history.slice(0, 1), { at: NOW, what: "declined", by: "Alice" }] })).toBe(
      "Declined by Alice",
    );
    expect(declinedText(request)).toBeNull();
    // The history's recent list tells approvals and refusals too.
    expect(recentHappenings([declined]).map((h) => h.happening.what)).toEqual(["declined"]);
  });
});

describe("the list kept current", () => {
  it("shows nothing until the list was read or sent", () => {
    expect(currentWishes(null, null)).toBeNull();
  });

  it("takes the feed's list over a read asked for before it came", () => {
    const read = { list: [wanted], asked: 0 };
    const live = withWishesEvent(null, [grabbed, wanted]);
    expect(live.seq).toBe(1);
    expect(currentWishes(read, live)).toEqual([grabbed, wanted]);
  });

  it("keeps a read (or the tab's own change) asked for after the feed's last list", () => {
    const live = withWishesEvent(withWishesEvent(null, [wanted]), [grabbed]);
    expect(live.seq).toBe(2);
    expect(currentWishes({ list: [available], asked: 2 }, live)).toEqual([available]);
    // ...until the feed sends a newer one.
    expect(currentWishes({ list: [available], asked: 2 }, withWishesEvent(live, [stopped]))).toEqual([stopped]);
  });

  it("updates a wish in place, puts a new one first, and forgets one", () => {
    const ended = { ...wanted, state: "done" as const };
    expect(upsertWish([grabbed, wanted], ended)).toEqual([grabbed, ended]);
    expect(upsertWish([grabbed], wanted)).toEqual([wanted, grabbed]);
    expect(withoutWish([grabbed, wanted], 3)).toEqual([wanted]);
  });
});

describe("in words", () => {
  const said = (h: WishHappening) => happeningText(h);

  it("says each happening, with who asked and the number a search found", () => {
    expect(said({ at: 0, what: "made", reason: "panel" })).toBe("Wished for by the panel");
    expect(said({ at: 0, what: "made", reason: "Anna" })).toBe("Wished for by Anna");
    expect(said({ at: 0, what: "searched", reason: "3 releases" })).toBe("Searched the indexers: 3 found");
    expect(said({ at: 0, what: "refused", release: "X CAM", reason: "CAM is blocked" })).toBe("Refused: CAM is blocked");
    expect(said({ at: 0, what: "refused" })).toBe("Refused");
    expect(said({ at: 0, what: "grabbed", release: "X 1080p" })).toBe("Grabbed");
    expect(said({ at: 0, what: "available" })).toBe("In Plex, ready to watch");
    expect(said({ at: 0, what: "replaced" })).toBe("Replaced the old copy");
    expect(said({ at: 0, what: "ended", reason: "voice" })).toBe("Ended by voice");
    expect(said({ at: 0, what: "joined", reason: "Sam" })).toBe("Sam asked for it too");
    expect(said({ at: 0, what: "approved", by: "Ada" })).toBe("Approved by Ada");
    expect(said({ at: 0, what: "declined", by: "Ada" })).toBe("Declined by Ada");
    expect(said({ at: 0, what: "declined", by: "Ada", reason: "not tonight" })).toBe("Declined by Ada: not tonight");
  });

  it("says why a release was refused in the household's language, the engine's words for an unknown rule", async () => {
    const refused: WishHappening = {
      at: 0,
      what: "refused",
      release: "Arrival 2016 CAM",
      reason: "CAM; a rule this panel does not know",
      reasons: [
        { code: "blocked_source", text: "CAM", values: { source: "CAM" } },
        { code: "a_rule_from_a_newer_engine", text: "a rule this panel does not know", values: {} },
      ],
    };
    expect(said(refused)).toBe("Refused: CAM is blocked · a rule this panel does not know");
    await loadLanguage("de");
    try {
      expect(said(refused)).toContain("CAM ist gesperrt");
    } finally {
      await loadLanguage("en");
    }
  });

  it("gives a wish's last grab, else its next search, else what a follow waits for", () => {
    expect(wishWhen(grabbed, NOW)).toBe("last grab 10 min. ago");
    expect(wishWhen(wanted, NOW)).toBe("next search in 30 min.");
    expect(wishWhen({ ...wanted, next_search: NOW - 5 }, NOW)).toBe("next search soon");
    expect(wishWhen(follow, NOW)).toBe("episodes after S02E03");
    expect(wishWhen({ ...follow, after: null }, NOW)).toBe("watching for new episodes");
    expect(wishWhen(stopped, NOW)).toBeNull();
  });

  it("formats a moment to come", () => {
    expect(formatDue(NOW + 3 * 3600, NOW)).toBe("in 3 hr.");
    expect(formatDue(NOW + 2 * 86400, NOW)).toBe("in 2 days");
  });

  it("lists the newest happenings across wishes, without the made and searched ones", () => {
    const recent = recentHappenings([grabbed, available, wanted]);
    expect(recent.map(({ wish: w, happening }) => `${w.id}:${happening.what}`)).toEqual([
      "5:available",
      "3:grabbed",
      "5:grabbed",
      "5:refused",
    ]);
    expect(recentHappenings([available], 2)).toHaveLength(2);
  });
});

describe("wishTargets", () => {
  const result = (id: string, title: string, category: string | null, quality: Partial<NonNullable<Release["verdict"]>["quality"]>): Release => ({
    id,
    title,
    size: 1,
    seeders: 1,
    leechers: 0,
    indexer: "x",
    indexer_id: 1,
    category_id: null,
    category,
    age_hours: 1,
    published: null,
    protocol: "torrent",
    ids: [],
    verdict: {
      id,
      chips: [],
      score: 1,
      passes: true,
      reasons: [],
      unknown_source: false,
      quality: {
        title: "",
        kind: "movie",
        year: null,
        seasons: [],
        episodes: [],
        pack: null,
        resolution: "1080p",
        source: null,
        video_codec: null,
        hdr: [],
        audio: [],
        group: null,
        languages: [],
        edition: null,
        proper: false,
        anime: false,
        ...quality,
      },
    },
  });

  it("offers to follow a show and want a movie, the most released first", () => {
    const targets = wishTargets([
      result("1", "Severance S02E01", "tv", { title: "Severance", kind: "episode", seasons: [2], episodes: [1] }),
      result("2", "Dune 2021 1080p", "movies", { title: "Dune", year: 2021 }),
      result("3", "Severance S02E02", "tv", { title: "Severance", kind: "episode", seasons: [2], episodes: [2] }),
      result("4", "Dune 2021 720p", null, { title: "Dune", year: 2021, resolution: "720p" }),
      result("5", "Dune 1984", "movies", { title: "Dune", year: 1984 }),
    ]);
    expect(targets).toEqual([
      { kind: "follow", title: "Severance", year: null, category: "tv", label: "Severance" },
      { kind: "want", title: "Dune", year: 2021, category: "movies", label: "Dune (2021)" },
    ]);
  });

  it("offers nothing for music, books or results not judged yet", () => {
    const album = result("1", "Artist - Album FLAC", "music", { title: "Artist Album", resolution: null });
    const unknown: Release = { ...result("2", "Dune 2021", "movies", { title: "Dune" }) };
    delete unknown.verdict; // not judged yet
    expect(wishTargets([album, unknown])).toEqual([]);
  });
});
