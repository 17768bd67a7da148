import { useEffect, useState } from "react";
import { describe } from "./api";
import { formatWhen } from "./format";
import { t } from "./i18n";
import { useTransport } from "./transport";
import type { Library } from "./types";

export function LibrariesView({ scanned }: { scanned: number }) {
  const transport = useTransport();
  const [libraries, setLibraries] = useState<Library[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const [reload, setReload] = useState(0);

  // Read again when Plex was asked to scan (from here, or from anywhere via the events stream).
  useEffect(() => {
    let current = true;
    transport.libraries().then(
      (found) => {
        if (!current) return;
        setLibraries(found);
        setError(null);
      },
      (err: unknown) => {
        if (current) setError(describe(err));
      },
    );
    return () => {
      current = false;
    };
  }, [transport, scanned, reload]);

  async function scan(library: Library) {
    try {
      await transport.scan(library.key);
      setReload((n) => n + 1);
    } catch (err) {
      setError(describe(err));
    }
  }

  return (
    <section aria-labelledby="libraries-title">
      <h2 id="libraries-title">{t("libraries.title")}</h2>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {libraries === null && !error && <p className="empty">{t("libraries.asking")}</p>}
      <ul className="libraries">
        {libraries?.map((lib) => (
          <li key={lib.key} className="card library">
            <p className="title">{lib.title}</p>
            <p className="meta">
              <span>{lib.type}</span>
              <span>{t("libraries.last_scan", { when: formatWhen(lib.last_scan_requested ?? lib.scanned_at) })}</span>
              {lib.refreshing && <span className="tag">{t("libraries.scanning")}</span>}
            </p>
            <button type="button" onClick={() => void scan(lib)} aria-label={t("libraries.scan_label", { title: lib.title })}>
              {t("libraries.scan")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
