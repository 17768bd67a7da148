// The panel in Home Assistant's sidebar talks to the integration over HA's own websocket
// (custom_components/mediahub/websocket.py), so it works wherever Home Assistant does,
// remotely too, and never asks the sidecar at :3000.

import { ApiError } from "../api";
import { errorText, t } from "../i18n";
import { heldMessages, type EventStream } from "../eventStream";
import type { AddSource, DownloadAction, SearchListener, Transport } from "../transport";
import { commandOf } from "../operations";
import type { GrabResult, IndexerStatus, ProfilesResponse, Release, Verdict } from "../types";
import type {
  BandwidthAnswer,
  LibrariesAnswer,
  OperationName,
  ProfileAnswer,
  RequestRules,
  WatchReport,
  WishAnswer,
  WishList,
} from "../wire.generated";

type Unsubscribe = () => Promise<void>;

/** The part of Home Assistant's `hass` object the panel uses. */
export interface Hass {
  connection: {
    subscribeMessage<T>(callback: (message: T) => void, message: Record<string, unknown>): Promise<Unsubscribe>;
  };
  callWS<T>(message: Record<string, unknown>): Promise<T>;
  /** A request to Home Assistant's HTTP API with the user's token (for /api/file_upload). */
  fetchWithAuth?: (path: string, init?: RequestInit) => Promise<Response>;
  /** Home Assistant's own translations (the integration's, once loaded), in the user's language. */
  localize?: (key: string, values?: Record<string, string>) => string;
  loadBackendTranslation?: (category: string, integration: string) => Promise<unknown>;
  language: string;
  /** The signed-in user (their name is how a wish's `asked_by` spells them). */
  user?: { name: string; is_admin?: boolean } | null;
  themes?: { darkMode?: boolean };
}

export interface Stack {
  entry_id: string;
  title: string;
  admin: boolean;
}

interface HaError {
  code?: string;
  message?: string;
  translation_domain?: string;
  translation_key?: string;
  translation_placeholders?: Record<string, string> | null;
}

/** Home Assistant's error as the panel's, in the user's language: Home Assistant sends it in
 * English with its translation key, which its frontend translates, and so does the panel. */
function asApiError(hass: Hass, error: unknown): ApiError {
  const e = (error ?? {}) as HaError;
  if (e.code === "unauthorized") return new ApiError("unauthorized", t("ha.admin_only"), 403);
  const values = e.translation_placeholders ?? {};
  const key = e.translation_key && e.translation_domain ? `component.${e.translation_domain}.exceptions.${e.translation_key}.message` : null;
  const translated = key && hass.localize ? hass.localize(key, values) : "";
  const code = e.translation_key ?? e.code ?? "error";
  // Home Assistant's translation, else the panel's own words for the code (a Home Assistant
  // older than the panel lacks the newest), else Home Assistant's English.
  const fallback = e.message || t("ha.refused");
  return new ApiError(code, translated || (e.translation_key ? errorText(code, values, fallback) : fallback), 0, values);
}

/** The stack named (or the first this user may use), or null when there is none. */
export async function stackFor(hass: Hass, entryId?: string): Promise<Stack | null> {
  try {
    const { stacks } = await hass.callWS<{ stacks: Stack[] }>({ type: "mediahub/info" });
    return (entryId ? stacks.find((s) => s.entry_id === entryId) : stacks[0]) ?? null;
  } catch {
    return null;
  }
}

export function homeAssistantTransport(hass: Hass, stack: Stack): Transport {
  const entry = { entry_id: stack.entry_id };
  // MediaHub's error messages in the user's language, for `asApiError`.
  void hass.loadBackendTranslation?.("exceptions", "mediahub").catch(() => undefined);
  const call = async <T>(type: string, data: Record<string, unknown> = {}): Promise<T> => {
    try {
      return await hass.callWS<T>({ type, ...entry, ...data });
    } catch (error) {
      throw asApiError(hass, error);
    }
  };
  // An operation of the table (hub/commands.py): an action through mediahub/action, or its own
  // command.
  const run = <T>(name: OperationName, data: Record<string, unknown> = {}) => {
    const command = commandOf(name);
    return call<T>(command.type, command.action ? { action: name, data } : data);
  };
  // A .torrent file goes to Home Assistant's file upload first: a websocket message is too
  // small for the larger ones.
  const upload = async (file: Blob): Promise<string> => {
    const form = new FormData();
    form.append("file", file, file instanceof File ? file.name : "upload.torrent");
    const response = hass.fetchWithAuth ? await hass.fetchWithAuth("/api/file_upload", { method: "POST", body: form }) : null;
    if (!response?.ok) throw new ApiError("upload_failed", t("ha.refused"), response?.status ?? 0);
    return ((await response.json()) as { file_id: string }).file_id;
  };
  const category = (value: string | null) => (value ? { category: value } : {});

  return {
    // Controls, settings and Plex's libraries are an administrator's (the server refuses
    // anyone else).
    features: { control: stack.admin, libraries: stack.admin, settings: stack.admin },
    viewer: { admin: stack.admin, name: hass.user?.name ?? null },
    feed(): EventStream {
      const messages = heldMessages();
      const subscription = hass.connection.subscribeMessage<Record<string, unknown>>((event) => {
        for (const [name, data] of Object.entries(event)) messages.push({ name, data });
      }, { type: "mediahub/subscribe_downloads", ...entry });
      subscription.catch(() => messages.fail());
      return {
        backlog: messages.backlog,
        listen: messages.listen,
        close() {
          void subscription.then((unsubscribe) => unsubscribe()).catch(() => undefined);
        },
      };
    },
    search(query: string, searchCategory: string, listener: SearchListener) {
      let stopped = false;
      const subscription = hass.connection.subscribeMessage<Record<string, unknown>>((event) => {
        for (const [name, data] of Object.entries(event)) {
          if (name === "indexer") listener.indexer(data as IndexerStatus);
          else if (name === "results") listener.results((data as { releases: Release[] }).releases);
          else if (name === "assessed") listener.assessed((data as { releases: Verdict[] }).releases);
          else if (name === "error") listener.failed(asApiError(hass, data).message);
          else if (name === "done") listener.done();
        }
      }, { type: "mediahub/subscribe_search", ...entry, query, ...category(searchCategory) });
      subscription.catch((error: unknown) => {
        if (!stopped) listener.failed(asApiError(hass, error).message);
      });
      return () => {
        stopped = true;
        void subscription.then((unsubscribe) => unsubscribe()).catch(() => undefined);
      };
    },
    grab: (releaseId, grabCategory) => run<GrabResult>("grab", { release_id: releaseId, ...category(grabCategory) }),
    async add(source: AddSource, addCategory) {
      if ("file" in source) return run<GrabResult>("add_torrent_file", { file_id: await upload(source.file), ...category(addCategory) });
      const link = "magnet" in source ? source.magnet : source.torrent_url;
      return run<GrabResult>("add_torrent", { source: link, ...category(addCategory) });
    },
    act(hash: string, name: DownloadAction) {
      if (name === "top" || name === "bottom") return run("queue", { hash, position: name });
      return run(name, { hash });
    },
    actOnAll: (name) => run("all_downloads", { action: name }),
    remove: (hash, deleteFiles) => run("remove", { hash, delete_files: deleteFiles }),
    slowMode: (enabled) => run("set_bandwidth", { alt_speed: enabled }),
    bandwidth: async () => (await run<BandwidthAnswer>("bandwidth")).bandwidth,
    saveBandwidth: async (changes) => (await run<BandwidthAnswer>("bandwidth", { changes })).bandwidth,
    libraries: async () => (await run<LibrariesAnswer>("libraries")).libraries,
    scan: (libraryKey) => run("scan_library", { library: libraryKey }),
    // The poster view wants a signed-in user: an <img> cannot send the token, so its path is
    // signed, for a short while, as Home Assistant's own frontend does.
    image: async (path) => (await hass.callWS<{ path: string }>({ type: "auth/sign_path", path })).path,
    profiles: () => run<ProfilesResponse>("profiles"),
    saveProfile: async (profileCategory, profile) => (await run<ProfileAnswer>("save_profile", { category: profileCategory, profile })).profile,
    wishes: async () => (await run<WishList>("wishes")).wishes,
    wish: (request) => run<WishAnswer>("wish", { ...request }),
    unwish: (wishId, forget) => run<WishAnswer>("unwish", { wish_id: wishId, forget }),
    approve: (wishId) => run<WishAnswer>("approve", { wish_id: wishId }),
    decline: (wishId, reason) => run<WishAnswer>("decline", { wish_id: wishId, ...(reason ? { reason } : {}) }),
    requestRules: () => run<RequestRules>("request_rules"),
    saveRequestRules: (rules) => run<RequestRules>("set_request_rules", { ...rules }),
    watchWishes: () => run<WatchReport>("watch_wishes"),
  };
}
