import { useEffect, useState } from "react";
import { activeCount } from "./downloads";
import { DownloadsView } from "./DownloadsView";
import { formatSpeed } from "./format";
import { LibrariesView } from "./LibrariesView";
import { SearchView } from "./SearchView";
import { SettingsView } from "./SettingsView";
import { useEvents } from "./useEvents";

type Tab = "search" | "downloads" | "libraries" | "settings";

const TABS: { id: Tab; label: string; icon: string }[] = [
  { id: "search", label: "Search", icon: "⌕" },
  { id: "downloads", label: "Downloads", icon: "↓" },
  { id: "libraries", label: "Plex", icon: "▤" },
  { id: "settings", label: "Settings", icon: "⚙" },
];

/** The tab a link names (`#downloads`), so a bookmark or a notification opens it. */
function tabFromHash(): Tab {
  const named = window.location.hash.slice(1);
  return TABS.find((t) => t.id === named)?.id ?? "search";
}

export function App() {
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
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            className={t.id === tab ? "tab active" : "tab"}
            aria-current={t.id === tab ? "page" : undefined}
            onClick={() => setTab(t.id)}
          >
            <span aria-hidden="true">{t.icon}</span>
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
