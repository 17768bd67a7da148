// What MediaHub sends, as both hosts send it: generated from the Python (hub/wire.py) into
// wire.generated.ts. Only what the panel itself adds to a message is written here.

import type { Marks, ProfilesAnswer, Release as WireRelease, Verdict as WireVerdict } from "./wire.generated";

export type {
  Bandwidth,
  Download,
  DownloadsDiff,
  ErrorBody,
  FeedEvents,
  GrabResult,
  Hold,
  IndexerState,
  IndexerStatus,
  Library,
  Marks,
  Origin,
  PanelState,
  Quality,
  QualityProfile,
  ReadyItem,
  Reason,
  SearchEvents,
  SpeedSchedule,
  Stage,
  Stall,
  Transfer,
  Vpn,
  VpnAudit,
} from "./wire.generated";

/** The release judged (the search's `assessed` event), with its marks when the server sent them. */
export type Verdict = WireVerdict & Partial<Marks>;

/** A search result, and what MediaHub made of it once `assessed` came (absent until then). */
export interface Release extends WireRelease {
  verdict?: Verdict;
}

export type ProfilesResponse = ProfilesAnswer;
