import { useEffect, useState, type FormEvent } from "react";
import { describe } from "./api";
import { FormEnd, type FormNotice } from "./FormEnd";
import { t } from "./i18n";
import { useTransport } from "./transport";
import type { Bandwidth, SpeedSchedule } from "./types";

// qBittorrent counts limits in bytes/s; people set them in KiB/s, as its own UI does.
const KIB = 1024;
const LIMITS = ["download_limit", "upload_limit", "alt_download_limit", "alt_upload_limit"] as const;
// qBittorrent's scheduler_days, by number.
const DAYS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

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
      setNotice({ kind: "ok", text: t("bandwidth.saved") });
    } catch (error) {
      setNotice({ kind: "error", text: describe(error) });
    }
  }

  return (
    <section aria-labelledby="bandwidth-title">
      <h2 id="bandwidth-title">{t("bandwidth.title")}</h2>
      <p className="hint">{t("bandwidth.hint")}</p>
      {!draft && notice && (
        <p className="notice error" role="alert">
          {notice.text}
        </p>
      )}
      {draft && (
        <form className="card profile" onSubmit={(e) => void save(e)}>
          {LIMITS.map((key) => (
            <label key={key}>
              {t(`bandwidth.${key}`)}
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
            {t("bandwidth.schedule")}
          </label>
          <div className="row">
            <label>
              {t("bandwidth.from")}
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
              {t("bandwidth.to")}
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
            {t("bandwidth.on")}
            <select value={draft.schedule.days} onChange={(e) => schedule({ days: Number(e.target.value) })}>
              {DAYS.map((day) => (
                <option key={day} value={day}>
                  {t(`days.${day}`)}
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
