import { useEffect, useState } from "react";
import { t } from "./i18n";
import { useTransport } from "./transport";
import type { ReadyItem } from "./types";

const SHOWN = 10;

/** Phones open the Plex app; anything else opens Plex's web app. */
function playLink(item: ReadyItem): string | null {
  const phone = /Android|iPhone|iPad/i.test(navigator.userAgent);
  return (phone ? item.play.app : item.play.web) ?? item.play.web;
}

/** A poster through the host (the sidecar, or Home Assistant with a signed path). */
function Poster({ path }: { path: string | null }) {
  const transport = useTransport();
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    if (path) void transport.image(path).then((url) => current && setSrc(url), () => undefined);
    return () => {
      current = false;
    };
  }, [transport, path]);
  if (!src) return <span className="poster" aria-hidden="true" />;
  return <img className="poster" src={src} alt="" width={96} height={144} loading="lazy" />;
}

/** What Plex lists of MediaHub's downloads, newest first: poster, name, and Play in Plex. */
export function ReadyToWatch({ items }: { items: ReadyItem[] }) {
  if (items.length === 0) return null;
  return (
    <section className="ready" aria-labelledby="ready-title">
      <h3 id="ready-title">{t("ready.title")}</h3>
      <ul className="ready-list">
        {items.slice(0, SHOWN).map((item) => {
          const link = playLink(item);
          return (
            <li key={item.hash} className="ready-item">
              <Poster path={item.poster} />
              <span className="ready-title">{item.label}</span>
              <span className="hint">{[item.library, item.resolution].filter(Boolean).join(" · ")}</span>
              {link && (
                <a className="play" href={link} target="_blank" rel="noreferrer">
                  {t("ready.play")}
                </a>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
