// The household's wishes as the Wishes tab shows them: grouped (waiting for approval,
// following, wanted, history), who may decide on a request,
// their happenings in words, and the list kept current from the `wishes` operation and the
// feed's `wishes` event (whichever is newer). Also what a search's results offer to wish for.

import { formatReason, formatWhen } from "./format";
import { known, language, t } from "./i18n";
import type { Viewer } from "./transport";
import type { Release } from "./types";
import type { Wish, WishHappening, WishKind } from "./wire.generated";

export interface WishSections {
  /** Requests waiting for an administrator: approved (→ wanted) or declined. */
  waiting: Wish[];
  /** Shows followed: their next episodes are grabbed as they come out. */
  following: Wish[];
  /** Movies, seasons and upgrades still open: wanted, or grabbed and on their way. */
  wanted: Wish[];
  /** What is over: in Plex, or ended (a follow stopped, an upgrade done). */
  history: Wish[];
}

const isOpen = (wish: Wish) => wish.state === "wanted" || wish.state === "grabbed" || wish.state === "waiting";

/** The wishes in the tab's sections, each in the server's order (newest first). A declined
 * request is over: it is in the history, with why. */
export function groupWishes(wishes: readonly Wish[]): WishSections {
  const sections: WishSections = { waiting: [], following: [], wanted: [], history: [] };
  for (const wish of wishes) {
    if (wish.state === "waiting") sections.waiting.push(wish);
    else if (!isOpen(wish)) sections.history.push(wish);
    else if (wish.kind === "follow") sections.following.push(wish);
    else sections.wanted.push(wish);
  }
  return sections;
}

/** The list as the feed last sent it: `seq` counts the `wishes` events received. */
export interface LiveWishes {
  list: Wish[];
  seq: number;
}

/** The list as the tab last read it (or changed it): `asked` is the feed's `seq` then. */
export interface ReadWishes {
  list: Wish[];
  asked: number;
}

/** The feed's `wishes` event: the whole list, newer than anything read before it. */
export function withWishesEvent(previous: LiveWishes | null, list: Wish[]): LiveWishes {
  return { list, seq: (previous?.seq ?? 0) + 1 };
}

/** What the tab shows: the list read (or changed) by the tab, unless the feed has sent one since
 * it was asked for; null until either has come. */
export function currentWishes(read: ReadWishes | null, live: LiveWishes | null): Wish[] | null {
  if (live && (!read || live.seq > read.asked)) return live.list;
  return read?.list ?? null;
}

/** The list with `wish` as an answer returned it (in place, or first when it is new). */
export function upsertWish(list: readonly Wish[], wish: Wish): Wish[] {
  return list.some((w) => w.id === wish.id) ? list.map((w) => (w.id === wish.id ? wish : w)) : [wish, ...list];
}

export function withoutWish(list: readonly Wish[], id: number): Wish[] {
  return list.filter((w) => w.id !== id);
}

// --- requests ------------------------------------------------------------------------------

/** Whether `viewer` asked for `wish` (first, or as one of those who asked for the same). */
export function askedBy(wish: Wish, viewer: Viewer): boolean {
  return viewer.name !== null && (wish.asked_by === viewer.name || wish.also_asked.includes(viewer.name));
}

/** Whether `viewer` is offered Approve and Decline on `wish`: a waiting request, to an
 * administrator who did not ask for it (the server refuses one's own request). */
export function mayDecide(wish: Wish, viewer: Viewer): boolean {
  return wish.state === "waiting" && viewer.admin && !(viewer.name !== null && wish.asked_by === viewer.name);
}

/** Whether `viewer` may end `wish` (Stop, Forget, withdraw a request): an administrator, or
 * whoever asked for it first (the server refuses anyone else). */
export function mayEnd(wish: Wish, viewer: Viewer): boolean {
  return viewer.admin || (viewer.name !== null && wish.asked_by === viewer.name);
}

/** Who asked, in words: "Bob", or "Bob and 2 others" when others asked for the same. */
export function askersText(wish: Wish): string {
  const who = askerLabel(wish.asked_by);
  const others = wish.also_asked.filter((name) => name !== wish.asked_by).length;
  if (others === 0) return who;
  return t(others === 1 ? "requests.and_one_other" : "requests.and_others", { who, count: others });
}

/** Why a declined request was declined, and by whom, in words (null: it was not declined). */
export function declinedText(wish: Wish): string | null {
  if (wish.state !== "declined") return null;
  const declined = lastOf(wish, "declined");
  return declined ? happeningText(declined) : t("wish_state.declined");
}

// --- in words ------------------------------------------------------------------------------

/** Who asked: the panel, voice, Home Assistant, ... in words; a person's name as it is. */
export function askerLabel(askedBy: string): string {
  const key = `asker.${askedBy}`;
  return known(key) ? t(key) : askedBy;
}

/** One happening of a wish's history, in words (the release it names is shown beside it). */
export function happeningText(happening: WishHappening): string {
  const reason = happening.reason ?? "";
  switch (happening.what) {
    case "made":
      return t("happened.made", { who: askerLabel(reason || "panel") });
    case "searched": {
      // The engine says "<n> releases": only the number is taken, the words are the panel's.
      const count = /^(\d+)/.exec(reason)?.[1] ?? "0";
      return t("happened.searched", { count });
    }
    case "refused": {
      // The rules a release breaks, in the panel's words; the engine's English otherwise.
      const why = happening.reasons?.length ? happening.reasons.map(formatReason).join(" · ") : reason;
      return why ? t("happened.refused", { reason: why }) : t("happened.refused_plain");
    }
    case "ended":
      return t("happened.ended", { who: askerLabel(reason || "panel") });
    case "joined":
      return t("happened.joined", { who: askerLabel(reason || "panel") });
    case "approved":
      return t("happened.approved", { who: askerLabel(happening.by ?? "panel") });
    case "declined": {
      const who = askerLabel(happening.by ?? "panel");
      return reason ? t("happened.declined_why", { who, reason }) : t("happened.declined", { who });
    }
    default:
      return t(`happened.${happening.what}`);
  }
}

const lastOf = (wish: Wish, what: WishHappening["what"]) => wish.history.findLast((h) => h.what === what) ?? null;

/** A wish's "when": its last grab, else when it is next searched, else what a follow waits for. */
export function wishWhen(wish: Wish, now = Date.now() / 1000): string | null {
  const grab = lastOf(wish, "grabbed");
  if (grab) return t("wishes.last_grab", { when: formatWhen(grab.at, now) });
  const searches = wish.kind !== "follow" || wish.backfill;
  if (isOpen(wish) && searches && wish.next_search !== null) return t("wishes.next_search", { when: formatDue(wish.next_search, now) });
  if (isOpen(wish) && wish.kind === "follow") return wish.after ? t("wishes.after", { episode: wish.after }) : t("wishes.watching");
  return null;
}

/** A moment to come, as "in 40 min"; "soon" when it is due. */
export function formatDue(epochSeconds: number, now = Date.now() / 1000): string {
  const ahead = epochSeconds - now;
  if (ahead < 60) return t("time.soon");
  const relative = new Intl.RelativeTimeFormat(language(), { numeric: "auto", style: "short" });
  if (ahead < 3600) return relative.format(Math.round(ahead / 60), "minute");
  if (ahead < 86400) return relative.format(Math.round(ahead / 3600), "hour");
  return relative.format(Math.round(ahead / 86400), "day");
}

export interface Happening {
  wish: Wish;
  happening: WishHappening;
}

// What the history's "recent" list tells: what MediaHub did, not each search.
const TOLD: ReadonlySet<WishHappening["what"]> = new Set(["grabbed", "available", "refused", "replaced", "ended", "approved", "declined"]);

/** The newest happenings across every wish (grabbed, available, refused why, ...). */
export function recentHappenings(wishes: readonly Wish[], limit = 8): Happening[] {
  const all: Happening[] = [];
  for (const wish of wishes) for (const happening of wish.history) if (TOLD.has(happening.what)) all.push({ wish, happening });
  return all.sort((a, b) => b.happening.at - a.happening.at).slice(0, limit);
}

// --- wishing from a search -----------------------------------------------------------------

/** What a person may wish for from a search: a show to follow, a movie to want. */
export interface WishTarget {
  kind: WishKind;
  title: string;
  year: number | null;
  category: "movies" | "tv";
  /** How it is shown: "Dune (2021)", "Severance". */
  label: string;
}

/** The titles the results are of, the most released first (at most `limit`): a show (its
 * releases are episodes) to follow, a movie to want. Only video; the release's category, when
 * the indexer gave one, decides which. */
export function wishTargets(releases: readonly Release[], limit = 2): WishTarget[] {
  const counted = new Map<string, { target: WishTarget; count: number }>();
  for (const release of releases) {
    const quality = release.verdict?.quality;
    if (!quality?.title) continue;
    const category = release.category === "tv" || release.category === "movies" ? release.category : quality.kind === "episode" ? "tv" : null;
    const video = release.category === "tv" || release.category === "movies" || quality.resolution !== null || quality.source !== null;
    if (!category || !video) continue;
    const show = category === "tv";
    const year = show ? null : quality.year;
    const key = `${category}|${quality.title.toLowerCase()}|${year ?? ""}`;
    const found = counted.get(key);
    if (found) found.count += 1;
    else
      counted.set(key, {
        count: 1,
        target: {
          kind: show ? "follow" : "want",
          title: quality.title,
          year,
          category,
          label: year ? `${quality.title} (${year})` : quality.title,
        },
      });
  }
  return [...counted.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, limit)
    .map((c) => c.target);
}
