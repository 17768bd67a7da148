import { useState, type FormEvent } from "react";
import { ApiError, describe } from "./api";
import { categoryLabel, t } from "./i18n";
import { useTransport } from "./transport";
import type { GrabResult } from "./types";

/** What an add came to: the download added, or the one already there (a duplicate). */
export type Added = { result: GrabResult } | { existing: { hash: string; name: string } };

/** Add a magnet link, a .torrent URL or a .torrent file, into a category. */
export function AddSheet({
  categories,
  onDone,
  onClose,
}: {
  categories: string[];
  onDone: (added: Added) => void;
  onClose: () => void;
}) {
  const transport = useTransport();
  const [link, setLink] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [category, setCategory] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function add(event: FormEvent) {
    event.preventDefault();
    const text = link.trim();
    if (!file && !text) {
      setError(t("add.missing"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const source = file ? { file } : text.startsWith("magnet:") ? { magnet: text } : { torrent_url: text };
      const result = await transport.add(source, category || null);
      onDone({ result });
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === "already_added" && caught.values.hash) {
        onDone({ existing: { hash: caught.values.hash, name: caught.values.name ?? "" } });
        return;
      }
      setError(describe(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="sheet profile" role="dialog" aria-modal="true" aria-labelledby="add-title" onSubmit={(e) => void add(e)}>
      <h3 id="add-title">{t("add.title")}</h3>
      <label>
        {t("add.link")}
        <input
          type="text"
          inputMode="url"
          autoComplete="off"
          placeholder={t("add.link_placeholder")}
          value={link}
          disabled={file !== null}
          onChange={(e) => setLink(e.target.value)}
        />
      </label>
      <label>
        {t("add.file")}
        <input
          type="file"
          accept=".torrent,application/x-bittorrent"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <label>
        {t("add.category")}
        <select value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">{t("common.none")}</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {categoryLabel(c)}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t("common.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t("add.submit")}
        </button>
      </div>
    </form>
  );
}
