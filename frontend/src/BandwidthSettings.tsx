import { useEffect, useState, type FormEvent } from "react";
import { describe } from "./api";
import { FormEnd, type FormNotice } from "./FormEnd";
import { useTransport } from "./transport";
import type { Bandwidth, SpeedSchedule } from "./types";

// qBittorrent counts limits in bytes/s; people set them in KiB/s, as its own UI does.
const KIB = 1024;
const LIMITS = [
  ["download_limit", "Download limit"],
  ["upload_limit", "Upload limit"],
  ["alt_download_limit", "Slow mode download limit"],
  ["alt_upload_limit", "Slow mode upload limit"],
] as const;
const DAYS = ["Every day", "Weekdays", "Weekends", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const two = (n: number) => String(n).padStart(2, "0");
const timeText = (hour: number, minute: number) => `${two(hour)}:${two(minute)}`;
const timeParts = (text: string) => text.split(":").map(Number) as [number, number];

/** qBittorrent's global and slow-mode limits and the schedule that switches to slow mode. */
export function BandwidthSettings() {
  const transport = useTransport();
  const [draft, setDraft] = useState<Bandwidth | null>(null);
  const [notice, setNotice] = useState<FormNotice | null>(null);

  useEffect(() => {
    transport
      .bandwidth()
      .then(setDraft)
      .catch((error: unknown) => setNotice({ kind: "error", text: describe(error) }));
  }, [transport]);

  const schedule = (changes: Partial<SpeedSchedule>) =>
    setDraft((d) => (d ? { ...d, schedule: { ...d.schedule, ...changes } } : d));

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    // Slow mode itself is switched on the Downloads tab; this form saves limits and schedule.
    const changes: Partial<Bandwidth> = { ...draft };
    delete changes.alt_speed;
    try {
      setDraft(await transport.saveBandwidth(changes));
      setNotice({ kind: "ok", text: "Saved in qBittorrent." });
    } catch (error) {
      setNotice({ kind: "error", text: describe(error) });
    }
  }

  return (
    <section aria-labelledby="bandwidth-title">
      <h2 id="bandwidth-title">Bandwidth</h2>
      <p className="hint">KiB/s; 0 means no limit. Slow mode uses its own limits, by hand or on the schedule.</p>
      {!draft && notice && (
        <p className="notice error" role="alert">
          {notice.text}
        </p>
      )}
      {draft && (
        <form className="card profile" onSubmit={(e) => void save(e)}>
          {LIMITS.map(([key, label]) => (
            <label key={key}>
              {label}
              <input
                type="number"
                min="0"
                step="1"
                inputMode="numeric"
                value={Math.round(draft[key] / KIB)}
                onChange={(e) => setDraft({ ...draft, [key]: Math.max(0, Math.round(Number(e.target.value) * KIB)) })}
              />
            </label>
          ))}
          <label className="check">
            <input type="checkbox" checked={draft.schedule.enabled} onChange={(e) => schedule({ enabled: e.target.checked })} />
            Slow mode on a schedule
          </label>
          <div className="row">
            <label>
              From
              <input
                type="time"
                value={timeText(draft.schedule.from_hour, draft.schedule.from_minute)}
                onChange={(e) => {
                  const [from_hour, from_minute] = timeParts(e.target.value);
                  schedule({ from_hour, from_minute });
                }}
              />
            </label>
            <label>
              To
              <input
                type="time"
                value={timeText(draft.schedule.to_hour, draft.schedule.to_minute)}
                onChange={(e) => {
                  const [to_hour, to_minute] = timeParts(e.target.value);
                  schedule({ to_hour, to_minute });
                }}
              />
            </label>
          </div>
          <label>
            On
            <select value={draft.schedule.days} onChange={(e) => schedule({ days: Number(e.target.value) })}>
              {DAYS.map((label, index) => (
                <option key={label} value={index}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <FormEnd notice={notice} />
        </form>
      )}
    </section>
  );
}
