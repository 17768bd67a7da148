// Numbers as a person reads them.

const UNITS = ["B", "KB", "MB", "GB", "TB"];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return "0 B";
  const power = Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), UNITS.length - 1);
  const value = bytes / 1024 ** power;
  return `${value >= 100 || power === 0 ? Math.round(value) : value.toFixed(1)} ${UNITS[power]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : "—";
}

/** qBittorrent's "unknown" ETA (8640000) reaches the panel as null. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || seconds < 0) return "—";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.round((seconds % 3600) / 60);
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  return `${Math.round(seconds / 86400)} d`;
}

export function formatAge(hours: number): string {
  if (hours < 1) return "new";
  if (hours < 48) return `${Math.round(hours)} h`;
  if (hours < 24 * 60) return `${Math.round(hours / 24)} d`;
  return `${Math.round(hours / 24 / 30)} mo`;
}

export function formatPercent(progress: number): string {
  return `${Math.floor(Math.max(0, Math.min(1, progress)) * 100)}%`;
}

export function formatWhen(epochSeconds: number | null, now = Date.now() / 1000): string {
  if (!epochSeconds) return "never";
  const ago = Math.max(0, now - epochSeconds);
  if (ago < 60) return "just now";
  if (ago < 3600) return `${Math.round(ago / 60)} min ago`;
  if (ago < 86400) return `${Math.round(ago / 3600)} h ago`;
  return `${Math.round(ago / 86400)} d ago`;
}
