// What the sidecar sends (hub/panel/app.py). No secret or Prowlarr link ever appears here.

export type IndexerState = "pending" | "ok" | "timed_out" | "error";

export interface IndexerStatus {
  id: number;
  name: string;
  state: IndexerState;
  count: number;
  elapsed_ms: number | null;
  error: string | null;
}

export interface Release {
  id: string;
  title: string;
  size: number;
  seeders: number | null;
  leechers: number | null;
  indexer: string;
  indexer_id: number;
  category_id: number | null;
  category: string | null;
  age_hours: number;
  published: string | null;
  protocol: string;
  /** What MediaHub made of it (the search's `assessed` event): absent until parsed. */
  verdict?: Verdict;
}

/** A release's name understood (hub/releases/parse.py Quality). */
export interface Quality {
  title: string;
  kind: "movie" | "episode";
  year: number | null;
  seasons: number[];
  episodes: number[];
  pack: "season" | "series" | null;
  resolution: string | null;
  source: string | null;
  video_codec: string | null;
  hdr: string[];
  audio: string[];
  group: string | null;
  languages: string[];
  edition: string | null;
  proper: boolean;
}

/** Why a download is dead (hub/models.py `Stall`): a code, its minutes, and English for logs. */
export interface Stall {
  code: string;
  minutes: number;
  text: string;
}

export interface Reason {
  code: string;
  text: string;
  values: Record<string, string>;
}

/** The release judged against its category's quality profile (hub/releases/score.py), with
 * its marks. */
export interface Verdict extends Partial<Marks> {
  id: string;
  quality: Quality;
  chips: string[];
  score: number;
  passes: boolean;
  reasons: Reason[];
}

/** A category's quality profile, as stored in the torrents store (hub/releases/profile.py). */
export interface QualityProfile {
  preferred_resolution: string;
  allowed_resolutions: string[];
  max_size_gb: number;
  blocked_sources: string[];
  preferred_codecs: string[];
  prefer_hdr: boolean;
  required_words: string[];
  blocked_words: string[];
  blocked_groups: string[];
  min_seeders: number;
  preferred_languages: string[];
}

export interface ProfilesResponse {
  profiles: Record<string, QualityProfile>;
  resolutions: string[];
  sources: string[];
}

/** What the sidecar sends of a download (hub/panel/app.py download_json). */
export interface Download {
  hash: string;
  name: string;
  status: string;
  progress: number;
  size: number;
  download_speed: number;
  eta: number | null;
  category: string;
  added_on: number;
  /** Where MediaHub's pipeline has it (docs/pipeline.md), the same in every MediaHub;
   * absent while downloading. */
  stage?: Stage;
  /** Who grabbed it; absent when MediaHub did not (added by hand, by Sonarr…). */
  grabbed_by?: Origin;
  /** Why it is dead ("no peers for 34 min"); absent while it is not. */
  stalled?: Stall;
  /** A MediaHub guard stopped it and starts it again when its reason is gone. */
  held?: Hold;
  /** The VPN audit (hub/audit.py); absent without gluetun, or before a byte moved. */
  vpn?: VpnAudit;
}

export type Hold = "vpn" | "disk";

export interface VpnAudit {
  state: "verified" | "unprotected" | "gap";
  /** When bytes first moved without a confirmed VPN, or the first stretch MediaHub missed. */
  since?: number;
  until?: number;
}

export type Stage =
  | "queued"
  | "refused"
  | "downloading"
  | "completed"
  | "scan_sent"
  | "no_library"
  | "available"
  | "not_in_plex"
  | "removed";

/** A download Plex lists (hub/ready.py ReadyItem). The poster is the sidecar's own URL. */
export interface ReadyItem {
  hash: string;
  name: string;
  key: string;
  type: "movie" | "episode";
  title: string;
  /** "Arrival (2016)", "Severance S02E01" */
  label: string;
  year: number | null;
  library: string | null;
  resolution: string | null;
  completed_on: number | null;
  play: { web: string | null; app: string | null };
  poster: string | null;
}

/** What a search result is to this household (hub/marks.py). */
export interface Marks {
  in_plex: { key: string; title: string; resolution: string | null } | null;
  /** Its torrent's progress in qBittorrent, 0..1; null when it is not there. */
  downloading: number | null;
}
export type Origin = "panel" | "action" | "automation" | "voice";

export interface Transfer {
  download_speed: number;
  upload_speed: number;
  free_space: number | null;
  connection_status: string;
  alt_speed: boolean;
  /** The limits in force (alternative or not), bytes/s; 0: none. */
  download_limit: number;
  upload_limit: number;
  queueing: boolean;
}

export interface SpeedSchedule {
  enabled: boolean;
  from_hour: number;
  from_minute: number;
  to_hour: number;
  to_minute: number;
  /** qBittorrent's scheduler_days: 0 every day, 1 weekdays, 2 weekends, 3–9 Monday–Sunday. */
  days: number;
}

/** qBittorrent's global limits in bytes/s (0: none), normal and alternative. */
export interface Bandwidth {
  alt_speed: boolean;
  download_limit: number;
  upload_limit: number;
  alt_download_limit: number;
  alt_upload_limit: number;
  schedule: SpeedSchedule;
}

export interface Vpn {
  state: "connected" | "down" | "leaking" | "unknown";
  connected: boolean;
  through_vpn: boolean | null;
  public_ip: string | null;
  country: string | null;
}

export interface PanelState {
  /** The whole list, or only its head (the first screen's worth, in the panel's order). */
  downloads: Download[];
  /** How many downloads there are: more than `downloads` holds when that is the head. */
  total: number;
  transfer: Transfer | null;
  outbox: number;
  qbittorrent: { available: boolean; problem: "unreachable" | "auth_failed" | null; version: string | null };
  vpn: Vpn | null;
  holds?: { held: Hold[] };
  ready?: ReadyItem[];
  bandwidth?: Bandwidth | null;
  categories: string[];
}

export interface DownloadsDiff {
  changed: Download[];
  removed: string[];
  transfer: Transfer;
}

export interface Library {
  key: string;
  title: string;
  type: string;
  locations: string[];
  refreshing: boolean;
  scanned_at: number | null;
  last_scan_requested: number | null;
}

export interface GrabResult {
  hash: string;
  name: string;
  category: string | null;
  queued: boolean;
  message?: string;
}
