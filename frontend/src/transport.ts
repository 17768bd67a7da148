// How the panel talks to MediaHub, wherever it runs: the sidecar on the LAN (fetch and SSE,
// `sidecarTransport`) or Home Assistant's sidebar (HA's websocket, ha/transport.ts). Views
// ask `useTransport()` and never know which.

import { createContext, useContext } from "react";
import type { EventStream } from "./eventStream";
import type { Bandwidth, GrabResult, IndexerStatus, Library, ProfilesResponse, QualityProfile, Release, Verdict } from "./types";
import type { RequestRules, WatchReport, Wish, WishAnswer, WishKind } from "./wire.generated";

/** What a streamed search reports, as indexers answer. */
export interface SearchListener {
  indexer(status: IndexerStatus): void;
  results(releases: Release[]): void;
  assessed(verdicts: Verdict[]): void;
  done(): void;
  /** The search could not run or went away: `message` says why, when the server said. */
  failed(message: string | null): void;
}

export type DownloadAction = "pause" | "resume" | "force_start" | "top" | "bottom" | "redownload";
/** What a person wishes for (hub/commands.py `wish`): the engine reads the rest from the title
 * and the indexers when a field is left out. */
export interface WishRequest {
  title: string;
  kind?: WishKind;
  category?: "movies" | "tv";
  year?: number;
}

/** Who is using the panel, for the requests: whether they decide on them (an administrator of
 * MediaHub), and their name as the wishes' `asked_by` spells it (null: the host knows no
 * people, as the sidecar without sign-in, where everyone acts as an administrator). */
export interface Viewer {
  admin: boolean;
  name: string | null;
}

export type AddSource = { magnet: string } | { torrent_url: string } | { file: Blob };

export interface Transport {
  /** What this user may do beyond searching, grabbing and following the downloads: in Home
   * Assistant, an administrator's (the server refuses anyone else; the panel does not offer it). */
  readonly features: { control: boolean; libraries: boolean; settings: boolean };
  /** Who is using it (the requests' Approve / Decline are an administrator's). */
  readonly viewer: Viewer;
  /** The live state: a snapshot, then changes (see useEvents.ts). */
  feed(): EventStream;
  /** Start a search; the returned function stops it. */
  search(query: string, category: string, listener: SearchListener): () => void;
  grab(releaseId: string, category: string | null): Promise<GrabResult>;
  add(source: AddSource, category: string | null): Promise<GrabResult>;
  act(hash: string, action: DownloadAction): Promise<unknown>;
  actOnAll(action: "pause_all" | "resume_all"): Promise<unknown>;
  remove(hash: string, deleteFiles: boolean): Promise<unknown>;
  slowMode(enabled: boolean): Promise<unknown>;
  bandwidth(): Promise<Bandwidth>;
  saveBandwidth(changes: Partial<Bandwidth>): Promise<Bandwidth>;
  libraries(): Promise<Library[]>;
  scan(libraryKey: string): Promise<unknown>;
  profiles(): Promise<ProfilesResponse>;
  /** The URL an <img> may load an image from: Home Assistant's paths need signing. */
  image(path: string): Promise<string>;
  /** Save a category's profile, or with null, go back to its defaults. */
  saveProfile(category: string, profile: QualityProfile | null): Promise<QualityProfile>;
  /** Every wish, newest first; then the feed's `wishes` event says each change. */
  wishes(): Promise<Wish[]>;
  /** Make a wish (`joined`: an open wish already wanted the same thing, and is the answer). */
  wish(request: WishRequest): Promise<WishAnswer>;
  /** End a wish (it stays in the history), or with `forget`, remove it and its history. */
  unwish(wishId: number, forget: boolean): Promise<WishAnswer>;
  /** Approve a request waiting for an administrator: it is wanted from now on. */
  approve(wishId: number): Promise<WishAnswer>;
  /** Decline a waiting request, with why (null: no reason given); whoever asked is told. */
  decline(wishId: number, reason: string | null): Promise<WishAnswer>;
  /** How requests are judged: weekly quota, each person's quota, the auto-approve rules. */
  requestRules(): Promise<RequestRules>;
  /** Change them (an administrator's). */
  saveRequestRules(rules: RequestRules): Promise<RequestRules>;
  /** Look at the indexers for the wishes now (an administrator's). */
  watchWishes(): Promise<WatchReport>;
}

export const TransportContext = createContext<Transport | null>(null);

export function useTransport(): Transport {
  const transport = useContext(TransportContext);
  if (!transport) throw new Error("The panel's views need a TransportContext.Provider");
  return transport;
}
