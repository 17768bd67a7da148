// @vitest-environment happy-dom
// The Wishes tab and wishing from a search, over a stub transport: the list read, then the
// feed's event; stop and forget; "Follow" on results, "Want it when it's out" on nothing found.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { ApiError } from "./api";
import { RequestSettings } from "./RequestSettings";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SearchView } from "./SearchView";
import { sidecarTransport } from "./sidecar";
import { TransportContext, type Transport, type WishRequest } from "./transport";
import type { LiveState } from "./useEvents";
import type { Wish } from "./wire.generated";
import { withWishesEvent } from "./wishes";
import { WishesView } from "./WishesView";

afterEach(cleanup);

const NOW = Date.now() / 1000;

const wish = (overrides: Partial<Wish> & Pick<Wish, "id" | "label">): Wish => ({
  kind: "want",
  title: overrides.label,
  year: null,
  season: null,
  seasons: [],
  backfill: false,
  category: "movies",
  asked_by: "panel",
  also_asked: [],
  state: "wanted",
  created_at: NOW - 60,
  after: null,
  current: null,
  next_search: NOW + 3000,
  grabbed: [],
  history: [{ at: NOW - 60, what: "made", reason: "panel" }],
  ...overrides,
});

const live = (overrides: Partial<LiveState> = {}): LiveState => ({
  downloads: { byHash: new Map(), transfer: null, total: 0 },
  connected: true,
  qbittorrent: true,
  qbittorrentProblem: null,
  vpn: null,
  holds: [],
  ready: [],
  bandwidth: null,
  outbox: 0,
  categories: ["movies", "tv"],
  scanned: 0,
  notices: [],
  wishes: null,
  ...overrides,
});

const severance = wish({ id: 1, kind: "follow", label: "Severance", category: "tv", after: "S02E03" });
const dune = wish({ id: 2, label: "Dune Part Three (2026)" });
const arrival = wish({
  id: 3,
  label: "Arrival (2016)",
  state: "available",
  history: [
    { at: NOW - 600, what: "made", reason: "Anna" },
    { at: NOW - 300, what: "grabbed", release: "Arrival 2016 1080p WEB-DL", item: "movie" },
    { at: NOW - 30, what: "available", release: "Arrival 2016 1080p WEB-DL", item: "movie" },
  ],
});

function withTransport(transport: Partial<Transport>) {
  return ({ children }: { children: React.ReactNode }) => (
    <TransportContext.Provider value={{ ...sidecarTransport, ...transport }}>{children}</TransportContext.Provider>
  );
}

describe("WishesView", () => {
  it("reads the wishes, groups them, and follows the feed's list after", async () => {
    const wrapper = withTransport({ wishes: () => Promise.resolve([severance, dune, arrival]) });
    const { rerender } = render(<WishesView live={live()} />, { wrapper });
    expect(screen.getByText("Reading the wishes…")).toBeTruthy();
    const following = await screen.findByText("Severance");
    expect(following.closest("li")?.textContent).toContain("episodes after S02E03");
    const [followed, wanted, history] = screen.getAllByRole("list").filter((l) => l.classList.contains("wish-list"));
    if (!followed || !wanted || !history) throw new Error("three sections expected");
    expect(within(followed).getByText("Severance")).toBeTruthy();
    expect(within(wanted).getByText("Dune Part Three (2026)").closest("li")?.textContent).toMatch(/next search in 5\d min/);
    expect(within(history).getByText("Arrival (2016)").closest("li")?.textContent).toContain("asked by the panel");
    const recent = screen.getByRole("list", { name: "Recent happenings" });
    expect(recent.textContent).toContain("Arrival (2016) · In Plex, ready to watch");
    expect(recent.textContent).toContain("Arrival 2016 1080p WEB-DL");

    // The feed says Dune was grabbed: the list shown is the feed's.
    const grabbed = { ...dune, state: "grabbed" as const, history: [...dune.history, { at: NOW, what: "grabbed" as const, release: "Dune.Part.Three.2026.1080p" }] };
    rerender(<WishesView live={live({ wishes: withWishesEvent(null, [severance, grabbed, arrival]) })} />);
    const row = document.querySelector(".wish[data-state='grabbed']");
    expect(row?.querySelector(".title")?.textContent).toBe("Dune Part Three (2026)");
    expect(row?.textContent).toContain("last grab");
    expect(screen.getByRole("list", { name: "Recent happenings" }).textContent).toContain("Dune Part Three (2026) · Grabbed");
  });

  it("stops an open wish and forgets one from the history", async () => {
    const unwish = vi.fn((id: number, forget: boolean) =>
      Promise.resolve({ wish: { ...(id === 2 ? dune : arrival), state: "done" as const }, joined: false, forget }),
    );
    const wrapper = withTransport({ wishes: () => Promise.resolve([dune, arrival]), unwish });
    render(<WishesView live={live()} />, { wrapper });
    fireEvent.click(await screen.findByRole("button", { name: "Stop wishing for Dune Part Three (2026)" }));
    expect(await screen.findByText("Stopped wishing for Dune Part Three (2026).")).toBeTruthy();
    expect(unwish).toHaveBeenCalledWith(2, false);
    // Ended, it moved to the history, where it may be forgotten.
    fireEvent.click(screen.getByRole("button", { name: "Forget Arrival (2016)" }));
    expect(await screen.findByText("Forgot Arrival (2016) and its history.")).toBeTruthy();
    expect(unwish).toHaveBeenCalledWith(3, true);
    expect(screen.queryByText("Arrival (2016)")).toBeNull();
    expect(screen.getByRole("button", { name: "Forget Dune Part Three (2026)" })).toBeTruthy();
  });

  it("says when there is no wish yet, and shows an error in words", async () => {
    render(<WishesView live={live()} />, { wrapper: withTransport({ wishes: () => Promise.resolve([]) }) });
    expect(await screen.findByText(/No wishes yet/)).toBeTruthy();
    cleanup();
    render(<WishesView live={live()} />, { wrapper: withTransport({ wishes: () => Promise.reject(new TypeError("offline")) }) });
    expect((await screen.findByRole("alert")).textContent).toMatch(/not reachable/);
  });
});

describe("requests in the Wishes tab", () => {
  const frozen = wish({
    id: 10,
    label: "Frozen (2013)",
    state: "waiting",
    asked_by: "Bob",
    also_asked: ["Cleo", "Dan"],
    next_search: null,
    history: [{ at: NOW - 60, what: "made", reason: "Bob" }],
  });
  const heat = wish({ id: 11, label: "Heat (1995)", state: "waiting", asked_by: "Cleo", next_search: null });
  const cats = wish({
    id: 12,
    label: "Cats (2019)",
    state: "declined",
    asked_by: "Bob",
    next_search: null,
    history: [
      { at: NOW - 600, what: "made", reason: "Bob" },
      { at: NOW - 300, what: "declined", by: "Alice", reason: "not in this house" },
    ],
  });
  const admin = { admin: true, name: "Alice" };
  const bob = { admin: false, name: "Bob" };

  it("shows an administrator who asked, approves one, and declines another with a reason asked inline", async () => {
    const approve = vi.fn((id: number) => Promise.resolve({ wish: { ...frozen, id, state: "wanted" as const }, joined: false }));
    const decline = vi.fn((id: number, reason: string | null) =>
      Promise.resolve({
        wish: { ...heat, id, state: "declined" as const, history: [...heat.history, { at: NOW, what: "declined" as const, by: "Alice", ...(reason ? { reason } : {}) }] },
        joined: false,
      }),
    );
    const wrapper = withTransport({ viewer: admin, wishes: () => Promise.resolve([frozen, heat, dune]), approve, decline });
    render(<WishesView live={live()} />, { wrapper });
    const requests = await screen.findByRole("region", { name: "Waiting for approval" });
    const frozenRow = within(requests).getByText("Frozen (2013)").closest("li") as HTMLElement;
    expect(frozenRow.textContent).toContain("asked by Bob and 2 others");
    expect(frozenRow.textContent).toContain("waiting for approval");
    // It comes before the other sections.
    expect(screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent)).toEqual(["Waiting for approval", "Following", "Wanted", "History"]);

    fireEvent.click(within(frozenRow).getByRole("button", { name: "Approve Frozen (2013)" }));
    expect(await screen.findByText("Approved Frozen (2013): MediaHub looks for it from now on.")).toBeTruthy();
    expect(approve).toHaveBeenCalledWith(10);
    // Approved, it is wanted: under Wanted, no longer waiting.
    expect(within(screen.getByRole("region", { name: "Waiting for approval" })).queryByText("Frozen (2013)")).toBeNull();

    // Decline asks why, in the card itself; Cancel goes back, the reason is optional.
    const heatRow = screen.getByText("Heat (1995)").closest("li") as HTMLElement;
    fireEvent.click(within(heatRow).getByRole("button", { name: "Decline Heat (1995)" }));
    fireEvent.click(within(heatRow).getByRole("button", { name: "Cancel" }));
    expect(decline).not.toHaveBeenCalled();
    fireEvent.click(within(heatRow).getByRole("button", { name: "Decline Heat (1995)" }));
    const why = within(heatRow).getByLabelText("Why (optional)");
    expect(document.activeElement).toBe(why);
    fireEvent.change(why, { target: { value: "  too scary  " } });
    fireEvent.click(within(heatRow).getByRole("button", { name: "Decline request" }));
    expect(await screen.findByText("Declined Heat (1995): whoever asked is told.")).toBeTruthy();
    expect(decline).toHaveBeenCalledWith(11, "too scary");
    // No request waits any more: the section is gone, the declined one is in the history.
    expect(screen.queryByRole("region", { name: "Waiting for approval" })).toBeNull();
    expect(document.querySelector(".wish[data-state='declined'] .why")?.textContent).toBe("Declined by Alice: too scary");
  });

  it("shows the server's refusal in words", async () => {
    const approve = vi.fn(() => Promise.reject(new ApiError("not_waiting", "Frozen (2013) is not waiting for approval (it is wanted).", 409)));
    render(<WishesView live={live()} />, { wrapper: withTransport({ viewer: admin, wishes: () => Promise.resolve([frozen]), approve }) });
    fireEvent.click(await screen.findByRole("button", { name: "Approve Frozen (2013)" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Frozen (2013) is not waiting for approval (it is wanted).");
  });

  it("shows someone who is not an administrator their requests waiting, and why one was declined", async () => {
    const unwish = vi.fn(() => Promise.resolve({ wish: { ...frozen, state: "done" as const }, joined: false }));
    render(<WishesView live={live()} />, { wrapper: withTransport({ viewer: bob, wishes: () => Promise.resolve([frozen, heat, cats]), unwish }) });
    const requests = await screen.findByRole("region", { name: "Waiting for approval" });
    expect(within(requests).getByText("An administrator approves these before MediaHub looks for them.")).toBeTruthy();
    expect(within(requests).queryByRole("button", { name: /Approve|Decline/ })).toBeNull();
    const frozenRow = within(requests).getByText("Frozen (2013)").closest("li") as HTMLElement;
    expect(within(frozenRow).getByText("waiting for approval")).toBeTruthy();
    // Their own request may be withdrawn; someone else's not.
    const heatRow = within(requests).getByText("Heat (1995)").closest("li") as HTMLElement;
    expect(within(heatRow).queryByRole("button")).toBeNull();
    const catsRow = document.querySelector(".wish[data-state='declined']") as HTMLElement;
    expect(within(catsRow).getByText("declined")).toBeTruthy();
    expect(catsRow.querySelector(".why")?.textContent).toBe("Declined by Alice: not in this house");
    fireEvent.click(within(frozenRow).getByRole("button", { name: "Withdraw the request for Frozen (2013)" }));
    await waitFor(() => expect(unwish).toHaveBeenCalledWith(10, false));
  });

  it("follows the feed: a request approved elsewhere leaves the waiting list", async () => {
    const wrapper = withTransport({ viewer: bob, wishes: () => Promise.resolve([frozen]) });
    const { rerender } = render(<WishesView live={live()} />, { wrapper });
    await screen.findByRole("region", { name: "Waiting for approval" });
    const approved = { ...frozen, state: "wanted" as const, history: [...frozen.history, { at: NOW, what: "approved" as const, by: "Alice" }] };
    rerender(<WishesView live={live({ wishes: withWishesEvent(null, [approved]) })} />);
    expect(screen.queryByRole("region", { name: "Waiting for approval" })).toBeNull();
    expect(document.querySelector(".wish[data-state='wanted']")?.textContent).toContain("Frozen (2013)");
    expect(screen.getByRole("list", { name: "Recent happenings" }).textContent).toContain("Frozen (2013) · Approved by Alice");
  });
});

describe("the request rules in Settings", () => {
  it("reads the rules, edits quotas and auto-approve rules, and saves them", async () => {
    const rules = { weekly_quota: 5, quotas: { Bob: 2 }, auto_approve: [{ user: null, category: "tv" }] };
    const saveRequestRules = vi.fn((saved: typeof rules) => Promise.resolve(saved));
    render(<RequestSettings />, { wrapper: withTransport({ requestRules: () => Promise.resolve(rules), saveRequestRules }) });
    const form = await screen.findByRole("region", { name: "Requests" });
    const weekly = within(form).getByLabelText("Requests a week, per person");
    expect((weekly as HTMLInputElement).value).toBe("5");
    fireEvent.change(weekly, { target: { value: "3" } });
    expect((within(form).getByLabelText("Requests a week for Bob") as HTMLInputElement).value).toBe("2");
    fireEvent.click(within(form).getByRole("button", { name: "Add a person" }));
    const people = within(form).getAllByLabelText("Person");
    fireEvent.change(people[1] as HTMLElement, { target: { value: "Cleo" } });
    fireEvent.change(within(form).getByLabelText("Requests a week for Cleo"), { target: { value: "1" } });
    fireEvent.click(within(form).getByRole("button", { name: "Remove the quota of Bob" }));
    // Anyone's TV requests stay approved; Cleo's movies too from now on.
    fireEvent.click(within(form).getByRole("button", { name: "Add a rule" }));
    const [, person] = within(form).getAllByLabelText("Whose requests");
    const [, category] = within(form).getAllByLabelText("In which category");
    fireEvent.change(person as HTMLElement, { target: { value: "Cleo" } });
    fireEvent.change(category as HTMLElement, { target: { value: "movies" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Saved: requests are judged by these rules from now on.")).toBeTruthy();
    expect(saveRequestRules).toHaveBeenCalledWith({
      weekly_quota: 3,
      quotas: { Cleo: 1 },
      auto_approve: [
        { user: null, category: "tv" },
        { user: "Cleo", category: "movies" },
      ],
    });
  });

  it("says why the rules could not be read", async () => {
    render(<RequestSettings />, { wrapper: withTransport({ requestRules: () => Promise.reject(new TypeError("offline")) }) });
    expect((await screen.findByRole("alert")).textContent).toMatch(/not reachable/);
  });
});

describe("wishing from a search", () => {
  const episode = {
    id: "r1", title: "Severance S02E04 1080p WEB-DL", size: 1, seeders: 10, leechers: 0, indexer: "TPB", indexer_id: 1,
    category_id: 5040, category: "tv", age_hours: 1, published: null, protocol: "torrent", ids: [],
  };
  const verdict = {
    id: "r1", chips: ["1080p"], score: 5, passes: true, reasons: [], in_plex: null, downloading: null,
    quality: {
      title: "Severance", kind: "episode", year: null, seasons: [2], episodes: [4], pack: null, resolution: "1080p", source: "WEB-DL",
      video_codec: null, hdr: [], audio: [], group: null, languages: [], edition: null, proper: false,
    },
  };

  const searching = (releases: unknown[], verdicts: unknown[]): Partial<Transport> => ({
    search: (_query, _category, listener) => {
      setTimeout(() => {
        listener.results(releases as never[]);
        listener.assessed(verdicts as never[]);
        listener.done();
      });
      return () => undefined;
    },
  });

  async function search(query: string) {
    fireEvent.change(screen.getByLabelText("Search for a movie, show, album or book"), { target: { value: query } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Search" }));
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
  }

  it("follows the show the results are of, and says so", async () => {
    const wish = vi.fn((request: WishRequest) => Promise.resolve({ wish: { ...severance, title: request.title }, joined: false }));
    const onWishes = vi.fn();
    render(<SearchView categories={["tv"]} onDownloaded={() => undefined} onWishes={onWishes} />, {
      wrapper: withTransport({ ...searching([episode], [verdict]), wish }),
    });
    await search("severance");
    fireEvent.click(screen.getByRole("button", { name: "Follow Severance" }));
    expect(await screen.findByText(/Following Severance: MediaHub grabs its new episodes/)).toBeTruthy();
    expect(wish).toHaveBeenCalledWith({ title: "Severance", kind: "follow", category: "tv" });
    fireEvent.click(screen.getByRole("button", { name: "See wishes" }));
    expect(onWishes).toHaveBeenCalled();
  });

  it("offers to want it when it is out when nothing is found, and says who wished it first", async () => {
    const wish = vi.fn(() => Promise.resolve({ wish: { ...dune, asked_by: "Anna" }, joined: true }));
    render(<SearchView categories={["movies"]} onDownloaded={() => undefined} />, { wrapper: withTransport({ ...searching([], []), wish }) });
    fireEvent.click(screen.getByRole("button", { name: "Movies" }));
    await search("dune part three");
    expect(screen.getByText("Nothing found for “dune part three”.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Want dune part three when it's out" }));
    expect(await screen.findByText("Dune Part Three (2026) was already wished for by Anna: you are in on it.")).toBeTruthy();
    expect(wish).toHaveBeenCalledWith({ title: "dune part three", category: "movies" });
  });

  it("says a request waits for an administrator", async () => {
    const wish = vi.fn(() => Promise.resolve({ wish: { ...dune, state: "waiting" as const, asked_by: "Bob" }, joined: false }));
    render(<SearchView categories={["movies"]} onDownloaded={() => undefined} />, { wrapper: withTransport({ ...searching([], []), wish }) });
    fireEvent.click(screen.getByRole("button", { name: "Movies" }));
    await search("dune part three");
    fireEvent.click(screen.getByRole("button", { name: "Want dune part three when it's out" }));
    expect(await screen.findByText("Asked for Dune Part Three (2026): an administrator approves it before MediaHub looks for it.")).toBeTruthy();
  });

  it("offers it when nothing found passes the profile", async () => {
    const refused = { ...verdict, passes: false, reasons: [{ code: "blocked_source", text: "CAM", values: { source: "CAM" } }] };
    render(<SearchView categories={["tv"]} onDownloaded={() => undefined} />, { wrapper: withTransport(searching([episode], [refused])) });
    await search("severance");
    expect(screen.getByText(/Nothing acceptable yet/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Want Severance when it's out" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Follow Severance" })).toBeNull();
  });
});
