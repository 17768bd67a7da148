import { useState, type FormEvent } from "react";
import { ApiError, describe } from "./api";
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
      setError("Paste a magnet link or a .torrent URL, or choose a .torrent file.");
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
      <h3 id="add-title">Add a download</h3>
      <label>
        Magnet link or .torrent URL
        <input
          type="text"
          inputMode="url"
          autoComplete="off"
          placeholder="magnet:?xt=urn:btih:… or https://…/file.torrent"
          value={link}
          disabled={file !== null}
          onChange={(e) => setLink(e.target.value)}
        />
      </label>
      <label>
        or a .torrent file
        <input
          type="file"
          accept=".torrent,application/x-bittorrent"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <label>
        Category
        <select value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">None</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
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
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          Add
        </button>
      </div>
    </form>
  );
}
