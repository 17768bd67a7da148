import { useEffect, useState } from "react";
import { activeCount } from "./downloads";
import { DownloadsView } from "./DownloadsView";
import { formatBytes, formatSpeed } from "./format";
import { LibrariesView } from "./LibrariesView";
import { SearchView } from "./SearchView";
import { SettingsView } from "./SettingsView";
import { WishesView } from "./WishesView";
import { language, t, type MessageKey } from "./i18n";
import { useSession } from "./session";
import { useTransport } from "./transport";
import { useEvents } from "./useEvents";

export type Tab = "search" | "downloads" | "wishes" | "libraries" | "settings";

// Icons are drawn, not symbols from a font: a phone's fonts may lack a symbol, and finding
// one in a fallback font cost the first frame some 25 ms of layout in Chromium on Linux.
const TABS: { id: Tab; label: MessageKey; icon: string }[] = [
  { id: "search", label: "tab.search", icon: "M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13M15.5 15.5 20 20" },
  { id: "downloads", label: "tab.downloads", icon: "M12 4v11m-5-5 5 5 5-5M5 20h14" },
  { id: "wishes", label: "tab.wishes", icon: "M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z" },
  { id: "libraries", label: "tab.libraries", icon: "M4 5h16v11H4zM8 20h8M10.5 8.5v4l3.5-2z" },
  { id: "settings", label: "tab.settings", icon: "M4 7h9m4 0h3M4 17h3m4 0h9M15 5v4M9 15v4" },
];

/** The tab a link names (`#downloads`; on the sidecar, also its path `/downloads`), so a
 * bookmark or a notification opens it. */
function tabFromLocation(inPath: boolean): Tab {
  const named = window.location.hash.slice(1) || (inPath ? window.location.pathname.slice(1) : "");
  return TABS.find((t) => t.id === named)?.id ?? "search";
}

interface AppProps {
  /** In Home Assistant's sidebar on a phone, the button that opens HA's menu. */
  onMenu?: (() => void) | undefined;
  /** The sidecar: each tab has its own path (`/downloads`), whose page the server may send
   * with the tab already drawn. */
  tabsInPath?: boolean;
  /** The tab the server drew the page's first frame on (React's first render draws it too). */
  firstTab?: Tab | undefined;
}

export function App({ onMenu, tabsInPath = false, firstTab }: AppProps = {}) {
  const { features } = useTransport();
  // Settings also says who is signed in (and signs them out), for anyone signed in.
  const signedIn = useSession().user !== null;
  const tabs = TABS.filter((t) =>
    t.id === "libraries" ? features.libraries : t.id === "settings" ? features.settings || signedIn : true,
  );
  const [current, setTabState] = useState<Tab>(() => firstTab ?? tabFromLocation(tabsInPath));
  const setTab = (next: Tab) => {
    setTabState(next);
    const where = tabsInPath ? (next === "search" ? "/" : `/${next}`) : next === "search" ? window.location.pathname : `#${next}`;
    window.history.replaceState(null, "", where);
  };
  // A link to a tab (`#downloads`) followed while the panel is open switches to it too (and
  // one the server's first frame did not draw, once React has taken it over).
  useEffect(() => {
    const follow = () => setTabState(tabFromLocation(tabsInPath));
    if (firstTab) follow();
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, [tabsInPath, firstTab]);
  const live = useEvents();
  const active = activeCount(live.downloads.byHash.values());

  return (
    <div className="app">
      <header className="top">
        {onMenu && (
          <button type="button" className="menu" aria-label={t("app.menu")} onClick={onMenu}>
            <svg className="icon" viewBox="0 0 24 24" aria-hidden="true">
              <path d="M4 7h16M4 12h16M4 17h16" />
            </svg>
          </button>
        )}
        <h1>MediaHub</h1>
        {live.downloads.transfer && (
          <p className="speeds" aria-label={t("app.speeds")}>
            ↓ {formatSpeed(live.downloads.transfer.download_speed)} · ↑ {formatSpeed(live.downloads.transfer.upload_speed)}
          </p>
        )}
      </header>
      <Banners live={live} />
      <main>
        {current === "search" && (
          <SearchView categories={live.categories} onDownloaded={() => setTab("downloads")} onWishes={() => setTab("wishes")} />
        )}
        {current === "downloads" && <DownloadsView live={live} />}
        {current === "wishes" && <WishesView live={live} />}
        {current === "libraries" && <LibrariesView scanned={live.scanned} />}
        {current === "settings" && <SettingsView />}
      </main>
      <nav className="tabs" aria-label={t("app.sections")}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            className={tab.id === current ? "tab active" : "tab"}
            aria-current={tab.id === current ? "page" : undefined}
            onClick={() => setTab(tab.id)}
          >
            <svg className="icon" viewBox="0 0 24 24" aria-hidden="true">
              <path d={tab.icon} />
            </svg>
            <span>{t(tab.label)}</span>
            {tab.id === "downloads" && active > 0 && (
              <span className="badge" aria-label={t("app.active", { count: active })}>
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
          {t("banner.vpn_down")}
        </p>
      )}
      {vpn?.state === "leaking" && (
        <p className="banner danger" role="alert">
          {t("banner.vpn_leaking")}
        </p>
      )}
      {live.holds.includes("vpn") && (
        <p className="banner danger" role="alert">
          {t("banner.held_vpn")}
        </p>
      )}
      {live.holds.includes("disk") && (
        <p className="banner warn" role="status">
          {live.downloads.transfer?.free_space != null
            ? t("banner.held_disk_free", { free: formatBytes(live.downloads.transfer.free_space) })
            : t("banner.held_disk")}
        </p>
      )}
      {notInPlex.length > 0 && (
        <p className="banner warn" role="status">
          {t("banner.not_in_plex", { names: new Intl.ListFormat(language()).format(notInPlex.map((d) => d.name)) })}
        </p>
      )}
      {live.qbittorrentProblem === "auth_failed" && (
        <p className="banner danger" role="alert">
          {t("banner.auth_failed")}
        </p>
      )}
      {live.qbittorrent === false && live.qbittorrentProblem !== "auth_failed" && (
        <p className="banner warn" role="status">
          {live.outbox ? t("banner.qbittorrent_away_waiting", { count: live.outbox }) : t("banner.qbittorrent_away")}
        </p>
      )}
    </div>
  );
}
