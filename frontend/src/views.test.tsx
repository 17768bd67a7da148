// @vitest-environment happy-dom
// The views in each state a person can meet: connecting, empty, loading, error, offline.
import { act, cleanup, fireEvent, render as renderBare, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DownloadsView } from "./DownloadsView";
import { LibrariesView } from "./LibrariesView";
import { SearchView } from "./SearchView";
import { sidecarTransport } from "./sidecar";
import { TransportContext } from "./transport";
import type { Download } from "./types";
import type { LiveState } from "./useEvents";

// As in the sidecar: the views over its fetch and event streams (stubbed here).
const render = (view: ReactNode) =>
  renderBare(<TransportContext.Provider value={sidecarTransport}>{view}</TransportContext.Provider>);

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
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

const download: Download = {
  hash: "a".repeat(40),
  name: "Big Buck Bunny 2008",
  status: "downloading",
  progress: 0.43,
  size: 2 * 1024 ** 3,
  download_speed: 3 * 1024 ** 2,
  eta: 600,
  category: "movies",
  added_on: 1,
};

describe("DownloadsView", () => {
  it("says it is connecting before the first snapshot", () => {
    render(<DownloadsView live={live({ connected: false })} />);
    expect(screen.getByText("Connecting to MediaHub…")).toBeTruthy();
  });

  it("says what to do when there is nothing yet", () => {
    render(<DownloadsView live={live()} />);
    expect(screen.getByText(/Nothing here yet/)).toBeTruthy();
  });

  it("shows a download with its progress, speed and time left", () => {
    const byHash = new Map([[download.hash, download]]);
    render(<DownloadsView live={live({ downloads: { byHash, transfer: null, total: byHash.size } })} />);
    const item = screen.getByRole("listitem");
    expect(item.textContent).toContain("43%");
    expect(item.textContent).toContain("3.0 MB/s");
    expect(item.textContent).toContain("ETA 10m");
    expect(item.getAttribute("aria-setsize")).toBe("1");
  });

  it("is as long as the whole list, and says its size, while only its head is here", () => {
    const byHash = new Map([[download.hash, download]]);
    const { unmount } = render(<DownloadsView live={live({ downloads: { byHash, transfer: null, total: 1 } })} />);
    expect(screen.getByRole("list").style.paddingBottom).toBe("0px");
    unmount();
    render(<DownloadsView live={live({ downloads: { byHash, transfer: null, total: 2000 } })} />);
    expect(screen.getByRole("listitem").getAttribute("aria-setsize")).toBe("2000");
    expect(parseFloat(screen.getByRole("list").style.paddingBottom)).toBeGreaterThan(1000); // room for 1,999 more
  });

  it("shows the same pipeline stage and grabber Home Assistant sees", () => {
    const done = { ...download, progress: 1, status: "seeding" as const, stage: "scan_sent" as const, grabbed_by: "voice" as const };
    const byHash = new Map([[done.hash, done]]);
    render(<DownloadsView live={live({ downloads: { byHash, transfer: null, total: byHash.size } })} />);
    const item = screen.getByRole("listitem");
    expect(item.textContent).toContain("sent to Plex");
    expect(item.textContent).toContain("via voice");
  });

  it("offers no control to a user who may only search and grab", () => {
    const byHash = new Map([[download.hash, download]]);
    const state = live({ downloads: { byHash, transfer: null, total: 1 } });
    const { unmount } = render(<DownloadsView live={state} />);
    expect(screen.getByRole("button", { name: "Remove Big Buck Bunny 2008" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Add" })).toBeTruthy();
    unmount();
    const user = { ...sidecarTransport, features: { control: false, libraries: false, settings: false } };
    renderBare(
      <TransportContext.Provider value={user}>
        <DownloadsView live={state} />
      </TransportContext.Provider>,
    );
    expect(screen.getByRole("listitem").textContent).toContain("43%");
    expect(screen.queryAllByRole("button")).toEqual([]);
  });
});

describe("LibrariesView", () => {
  it("says it is asking Plex, then lists the libraries", async () => {
    let answer: (value: Response) => void = () => undefined;
    vi.stubGlobal("fetch", () => new Promise<Response>((resolve) => (answer = resolve)));
    render(<LibrariesView scanned={0} />);
    expect(screen.getByText("Asking Plex…")).toBeTruthy();
    const libraries = [{ key: "1", title: "Movies", type: "movie", locations: [], scanned_at: null, refreshing: false, last_scan_requested: null }];
    await act(async () => answer(new Response(JSON.stringify({ libraries }), { status: 200 })));
    expect(screen.getByRole("button", { name: "Scan Movies" })).toBeTruthy();
  });

  it("shows the panel's error in words when Plex is away", async () => {
    const body = {
      error: { code: "service_unavailable", message: "Plex is not reachable right now.", placeholders: { service: "Plex", reason: "timed out" } },
    };
    vi.stubGlobal("fetch", () => Promise.resolve(new Response(JSON.stringify(body), { status: 503 })));
    await act(async () => {
      render(<LibrariesView scanned={0} />);
    });
    expect(screen.getByRole("alert").textContent).toBe("Plex is not reachable: timed out.");
  });

  it("says the panel is offline when nothing answers", async () => {
    vi.stubGlobal("fetch", () => Promise.reject(new TypeError("Failed to fetch")));
    await act(async () => {
      render(<LibrariesView scanned={0} />);
    });
    expect(screen.getByRole("alert").textContent).toMatch(/not reachable/);
  });
});

describe("SearchView", () => {
  it("offers the server's categories, and says so when the search cannot run", async () => {
    class BrokenStream {
      onerror: (() => void) | null = null;
      constructor() {
        setTimeout(() => this.onerror?.());
      }
      addEventListener() {}
      close() {}
    }
    vi.stubGlobal("EventSource", BrokenStream);
    render(<SearchView categories={["movies", "anime"]} onDownloaded={() => undefined} />);
    expect(screen.getByRole("button", { name: "anime" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Search for a movie, show, album or book"), { target: { value: "dune" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Search" }));
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    expect(screen.getByRole("alert").textContent).toMatch(/Prowlarr or the panel is not reachable/);
  });
});

/** The search view on `transport`, asked for "dune". */
function searchDune(transport: typeof sidecarTransport): void {
  renderBare(
    <TransportContext.Provider value={transport}>
      <SearchView categories={["movies"]} onDownloaded={() => undefined} />
    </TransportContext.Provider>,
  );
  fireEvent.change(screen.getByLabelText("Search for a movie, show, album or book"), { target: { value: "dune" } });
  fireEvent.click(screen.getByRole("button", { name: "Search" }));
}

describe("a queued grab", () => {
  it("is said in the panel's own words, not the server's", async () => {
    const release = {
      id: "r1", title: "Dune.2021.1080p.WEB-DL", size: 1, seeders: 10, leechers: 0, indexer: "TPB", indexer_id: 1,
      category_id: 2000, category: "movies", age_hours: 1, published: null, protocol: "torrent", ids: [],
    };
    const transport = {
      ...sidecarTransport,
      search: (_query: string, _category: string | null, listener: Parameters<typeof sidecarTransport.search>[2]) => {
        setTimeout(() => {
          listener.results([release] as never[]);
          listener.done();
        });
        return () => undefined;
      },
      grab: () =>
        Promise.resolve({ hash: "a".repeat(40), name: "Dune", category: "movies", queued: true, origin: "panel", message: "SERVER'S ENGLISH" }),
    } as typeof sidecarTransport;
    searchDune(transport);
    fireEvent.click(await screen.findByRole("button", { name: "Download Dune.2021.1080p.WEB-DL" }));
    expect(await screen.findByText("qBittorrent is not reachable — Dune is queued and will start when it is back.")).toBeTruthy();
    expect(document.body.textContent).not.toContain("SERVER'S ENGLISH");
  });
});

describe("a refused result", () => {
  it("wears a quiet Download anyway that names the rule, never the best pick's Download", async () => {
    const base = { size: 2 * 1024 ** 3, leechers: 0, indexer: "TPB", indexer_id: 1, category_id: 2000, category: "movies", age_hours: 1, published: null, protocol: "torrent", ids: [] };
    const quality = (source: string | null, languages: string[]) => ({
      title: "Dune", kind: "movie", year: 2021, seasons: [], episodes: [], pack: null, resolution: "1080p", source,
      video_codec: null, hdr: [], audio: [], group: null, languages, edition: null, proper: false, anime: false,
    });
    const releases = [
      { ...base, id: "web", title: "Dune.2021.1080p.WEB-DL-GRP", seeders: 40 },
      { ...base, id: "cam", title: "Dune.2021.HDCAM-NOGRP", seeders: 5000 },
      { ...base, id: "raw", title: "Dune.2021.1080p.GERMAN-X", seeders: 900 },
    ];
    const verdicts = [
      { id: "web", quality: quality("WEB-DL", []), chips: ["1080p", "WEB-DL"], score: 1300, passes: true, reasons: [], unknown_source: false },
      {
        id: "cam", quality: quality("CAM", []), chips: ["CAM"], score: 200, passes: false, unknown_source: false,
        reasons: [{ code: "blocked_source", text: "CAM", values: { source: "CAM", word: "HDCAM" } }],
      },
      { id: "raw", quality: quality(null, ["de"]), chips: ["1080p"], score: -800, passes: true, reasons: [], unknown_source: true },
    ];
    const transport = {
      ...sidecarTransport,
      search: (_query: string, _category: string | null, listener: Parameters<typeof sidecarTransport.search>[2]) => {
        setTimeout(() => {
          listener.results(releases as never[]);
          listener.assessed(verdicts as never[]);
          listener.done();
        });
        return () => undefined;
      },
    } as typeof sidecarTransport;
    searchDune(transport);
    const best = await screen.findByRole("button", { name: "Download Dune.2021.1080p.WEB-DL-GRP" });
    expect(best.className).toBe("primary");
    const anyway = screen.getByRole("button", { name: "Download Dune.2021.HDCAM-NOGRP anyway, overriding: CAM is blocked" });
    expect(anyway.textContent).toBe("Download anyway (CAM is blocked)");
    expect(anyway.className).not.toContain("primary");
    // A source nobody could read is said, and a language is named for a screen reader.
    const items = screen.getAllByRole("listitem").map((li) => li.textContent ?? "");
    const raw = items.find((text) => text.includes("GERMAN-X")) ?? "";
    expect(raw).toContain("unknown source");
    expect(raw).toContain("DE");
    expect(raw).toContain("German");
    // Ranked: the known source first, the unknown one next, the refused one last.
    const titles = screen.getAllByRole("listitem").flatMap((li) => li.querySelector(".title")?.textContent ?? []);
    expect(titles).toEqual([
      "Dune.2021.1080p.WEB-DL-GRP",
      "Dune.2021.1080p.GERMAN-X",
      "Dune.2021.HDCAM-NOGRP",
    ]);
  });
});

describe("App", () => {
  it("starts from the fetched state, then follows the stream from its revision", async () => {
    const listeners = new Map<string, (event: MessageEvent<string>) => void>();
    const opened: string[] = [];
    class Stream {
      onerror: (() => void) | null = null;
      constructor(url: string) {
        opened.push(url);
      }
      addEventListener(name: string, listener: (event: MessageEvent<string>) => void) {
        listeners.set(name, listener);
      }
      close() {}
    }
    const state = {
      downloads: [],
      transfer: null,
      outbox: 2,
      qbittorrent: { available: false, problem: "unreachable", version: null },
      vpn: null,
      categories: ["movies"],
      revision: "18c2.7.2.None",
    };
    vi.stubGlobal("EventSource", Stream);
    vi.stubGlobal("fetch", () => Promise.resolve(new Response(JSON.stringify(state))));
    const { App } = await import("./App");
    render(<App />);
    const banner = await screen.findByRole("status");
    expect(banner.textContent).toContain("qBittorrent is not reachable");
    expect(banner.textContent).toContain("(2 waiting)");
    expect(opened).toEqual(["/api/events?since=18c2.7.2.None"]);
    const back = { service: "qbittorrent", available: true, problem: null };
    act(() => listeners.get("service")?.(new MessageEvent("service", { data: JSON.stringify(back) })));
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("follows a link to a tab while it is open", async () => {
    vi.stubGlobal("EventSource", class { addEventListener() {} close() {} onerror = null; });
    vi.stubGlobal("fetch", () => Promise.reject(new TypeError("offline")));
    const { App } = await import("./App");
    render(<App />);
    expect(screen.queryByRole("heading", { name: "Downloads" })).toBeNull();
    act(() => {
      window.location.hash = "#downloads";
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    });
    expect(screen.getByRole("heading", { name: "Downloads" })).toBeTruthy();
  });
});

describe("ready to watch", () => {
  const item = {
    hash: "b".repeat(40),
    name: "Arrival.2016.1080p.BluRay",
    key: "1001",
    type: "movie" as const,
    title: "Arrival",
    label: "Arrival (2016)",
    year: 2016,
    show: null,
    season: null,
    episode: null,
    library: "Movies",
    resolution: "1080p",
    completed_on: 1,
    play: {
      web: "https://app.plex.tv/desktop/#!/server/m/details?key=%2Flibrary%2Fmetadata%2F1001",
      app: "plex://preplay/?metadataKey=%2Flibrary%2Fmetadata%2F1001&server=m",
    },
    poster: "/api/posters/1001",
  };

  it("shows each item with its poster from the panel and Play in Plex", async () => {
    render(<DownloadsView live={live({ ready: [item] })} />);
    const link = screen.getByRole("link", { name: "Play in Plex" });
    expect(link.getAttribute("href")).toBe(item.play.web);
    expect(screen.getByText("Arrival (2016)")).toBeTruthy();
    await vi.waitFor(() => expect(document.querySelector("img.poster")?.getAttribute("src")).toBe("/api/posters/1001"));
  });

  it("opens the Plex app on a phone", () => {
    vi.stubGlobal("navigator", { userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)" });
    render(<DownloadsView live={live({ ready: [item] })} />);
    expect(screen.getByRole("link", { name: "Play in Plex" }).getAttribute("href")).toBe(item.play.app);
  });

  it("shows nothing when Plex lists nothing yet", () => {
    render(<DownloadsView live={live()} />);
    expect(screen.queryByText("Ready to watch")).toBeNull();
  });
});
