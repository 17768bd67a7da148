// Numbers as a person reads them, in the panel's language (Intl).

import { known, language, t } from "./i18n";
import type { Reason, Stall } from "./types";

const UNITS = ["B", "KB", "MB", "GB", "TB"];

// Intl's formatters are costly to make and cheap to use: one per language and style.
const formatters = new Map<string, Intl.NumberFormat>();
function number(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${language()} ${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(language(), options);
    formatters.set(key, formatter);
  }
  return formatter;
}

const unit = (value: number, name: string, display: "narrow" | "short" = "narrow") =>
  number({ style: "unit", unit: name, unitDisplay: display, maximumFractionDigits: 0 }).format(value);

export function formatCount(count: number): string {
  return number({}).format(count);
}

/** A short duration in milliseconds, as an indexer's answer time. */
export function formatDuration(milliseconds: number): string {
  return unit(Math.round(milliseconds), "millisecond", "short");
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return `${number({}).format(0)} B`;
  const power = Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), UNITS.length - 1);
  const value = bytes / 1024 ** power;
  const digits = value >= 100 || power === 0 ? 0 : 1;
  return `${number({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)} ${UNITS[power]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : "—";
}

/** qBittorrent's "unknown" ETA (8640000) reaches the panel as null. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || seconds < 0) return "—";
  if (seconds < 60) return unit(seconds, "second");
  if (seconds < 3600) return unit(Math.round(seconds / 60), "minute");
  if (seconds < 86400) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.round((seconds % 3600) / 60);
    return minutes ? `${unit(hours, "hour")} ${unit(minutes, "minute")}` : unit(hours, "hour");
  }
  return unit(Math.round(seconds / 86400), "day");
}

export function formatAge(hours: number): string {
  if (hours < 1) return t("age.new");
  if (hours < 48) return unit(Math.round(hours), "hour");
  if (hours < 24 * 60) return unit(Math.round(hours / 24), "day");
  return unit(Math.round(hours / 24 / 30), "month", "short");
}

export function formatPercent(progress: number): string {
  return number({ style: "percent", maximumFractionDigits: 0 }).format(Math.floor(Math.max(0, Math.min(1, progress)) * 100) / 100);
}

export function formatWhen(epochSeconds: number | null, now = Date.now() / 1000): string {
  if (!epochSeconds) return t("time.never");
  const ago = Math.max(0, now - epochSeconds);
  const relative = new Intl.RelativeTimeFormat(language(), { numeric: "auto", style: "short" });
  if (ago < 60) return t("time.just_now");
  if (ago < 3600) return relative.format(-Math.round(ago / 60), "minute");
  if (ago < 86400) return relative.format(-Math.round(ago / 3600), "hour");
  return relative.format(-Math.round(ago / 86400), "day");
}

/** A moment, as a date and time in the panel's language. */
export function formatClock(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toLocaleString(language(), { dateStyle: "short", timeStyle: "short" });
}

/** A rule of the quality profile a release breaks, from its code (hub/releases/score.py), with
 * sizes in the panel's number format; the engine's English only for a code the catalogs lack. */
export function formatReason(reason: Reason): string {
  const key = `reason.${reason.code}`;
  if (!known(key)) return reason.text;
  const values: Record<string, string> = { ...reason.values };
  for (const name of ["size", "limit"]) {
    const bytes = Number(reason.values[`${name}_bytes`]);
    if (bytes > 0) values[name] = formatBytes(bytes);
  }
  return t(key, values);
}

/** Why a download is dead, from its code (hub/models.py `Stall`). */
export function formatStall(stall: Stall): string {
  const key = `stall.${stall.code}`;
  return known(key) ? t(key, { minutes: unit(stall.minutes, "minute", "short") }) : stall.text;
}
