import { useEffect, useState } from "react";
import { activeCount } from "./downloads";
import { DownloadsView } from "./DownloadsView";
import { formatBytes, formatSpeed } from "./format";
import { LibrariesView } from "./LibrariesView";
import { SearchView } from "./SearchView";
import { SettingsView } from "./SettingsView";
import { useTransport } from "./transport";
import { useEvents } from "./useEvents";

type Tab = "search" | "downloads" | "libraries" | "settings";

// Icons are drawn, not symbols from a font: a phone's fonts may lack a symbol, and finding
// one in a fallback font cost the first frame some 25 ms of layout in Chromium on Linux.
const TABS: { id: Tab; label: string; icon: string }[] = [
  { id: "search", label: "Search", icon: "M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13M15.5 15.5 20 20" },
  { id: "downloads", label: "Downloads", icon: "M12 4v11m-5-5 5 5 5-5M5 20h14" },
  { id: "libraries", label: "Plex", icon: "M4 5h16v11H4zM8 20h8M10.5 8.5v4l3.5-2z" },
  { id: "settings", label: "Settings", icon: "M4 7h9m4 0h3M4 17h3m4 0h9M15 5v4M9 15v4" },
];

/** The tab a link names (`#downloads`), so a bookmark or a notification opens it. */
function tabFromHash(): Tab {
  const named = window.location.hash.slice(1);
  return TABS.find((t) => t.id === named)?.id ?? "search";
}

/** `onMenu`: in Home Assistant's sidebar on a phone, the button that opens HA's menu. */
export function App({ onMenu }: { onMenu?: (() => void) | undefined } = {}) {
  const { features } = useTransport();
  const tabs = TABS.filter((t) => (t.id === "libraries" ? features.libraries : t.id === "settings" ? features.settings : true));
  const [tab, setTabState] = useState<Tab>(tabFromHash);
  const setTab = (next: Tab) => {
    setTabState(next);
    window.history.replaceState(null, "", next === "search" ? window.location.pathname : `#${next}`);
  };
  // A link to a tab (`#downloads`) followed while the panel is open switches to it too.
  useEffect(() => {
    const follow = () => setTabState(tabFromHash());
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);
  const live = useEvents();
  const active = activeCount(live.downloads.byHash.values());

  return (
    <div className="app">
      <header className="top">
        {onMenu && (
          <button type="button" className="menu" aria-label="Home Assistant's menu" onClick={onMenu}>
            <svg className="icon" viewBox="0 0 24 24" aria-hidden="true">
              <path d="M4 7h16M4 12h16M4 17h16" />
            </svg>
          </button>
        )}
        <h1>MediaHub</h1>
        {live.downloads.transfer && (
          <p className="speeds" aria-label="Transfer speeds">
            ↓ {formatSpeed(live.downloads.transfer.download_speed)} · ↑ {formatSpeed(live.downloads.transfer.upload_speed)}
          </p>
        )}
      </header>
      <Banners live={live} />
      <main>
        {tab === "search" && <SearchView categories={live.categories} onDownloaded={() => setTab("downloads")} />}
        {tab === "downloads" && <DownloadsView live={live} />}
        {tab === "libraries" && <LibrariesView scanned={live.scanned} />}
        {tab === "settings" && <SettingsView />}
      </main>
      <nav className="tabs" aria-label="Sections">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            className={t.id === tab ? "tab active" : "tab"}
            aria-current={t.id === tab ? "page" : undefined}
            onClick={() => setTab(t.id)}
          >
            <svg className="icon" viewBox="0 0 24 24" aria-hidden="true">
              <path d={t.icon} />
            </svg>
            <span>{t.label}</span>
            {t.id === "downloads" && active > 0 && (
              <span className="badge" aria-label={`${active} active`}>
                {active}
              </span>
            )}
          </button>
        ))}
      </nav>
    </div>
  );
}

function Banners({ live }: { live: ReturnType<typeof useEvents> }) {
  const vpn = live.vpn;
  const notInPlex = [...live.downloads.byHash.values()].filter((d) => d.stage === "not_in_plex");
  return (
    <div aria-live="polite">
      {vpn?.state === "down" && (
        <p className="banner danger" role="alert">
          The VPN is down. Downloads are paused by its kill switch until it reconnects.
        </p>
      )}
      {vpn?.state === "leaking" && (
        <p className="banner danger" role="alert">
          Downloads are not going through the VPN: qBittorrent's address is not the VPN's.
        </p>
      )}
      {live.holds.includes("vpn") && (
        <p className="banner danger" role="alert">
          MediaHub stopped every download: the VPN is not confirmed. They start again when it is.
        </p>
      )}
      {live.holds.includes("disk") && (
        <p className="banner warn" role="status">
          MediaHub paused the downloads: the disk is nearly full
          {live.downloads.transfer?.free_space != null ? ` (${formatBytes(live.downloads.transfer.free_space)} free)` : ""}. They resume when
          there is room.
        </p>
      )}
      {notInPlex.length > 0 && (
        <p className="banner warn" role="status">
          Plex has not listed {notInPlex.map((d) => d.name).join(", ")} after its scan. Check that MediaHub's path map gives
          Plex's own path for the download folder, and that a Plex library covers that folder.
        </p>
      )}
      {live.qbittorrentProblem === "auth_failed" && (
        <p className="banner danger" role="alert">
          qBittorrent refused MediaHub's username or password. Set the right ones
          (MEDIAHUB_QBITTORRENT_USERNAME / _PASSWORD) and restart MediaHub.
        </p>
      )}
      {live.qbittorrent === false && live.qbittorrentProblem !== "auth_failed" && (
        <p className="banner warn" role="status">
          qBittorrent is not reachable — your downloads are queued{live.outbox ? ` (${live.outbox} waiting)` : ""} and will start when it is back.
        </p>
      )}
    </div>
  );
}
