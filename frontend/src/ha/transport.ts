// The panel in Home Assistant's sidebar talks to the integration over HA's own websocket
// (custom_components/mediahub/websocket.py), so it works wherever Home Assistant does,
// remotely too, and never asks the sidecar at :3000.

import { ApiError } from "../api";
import { t } from "../i18n";
import { heldMessages, type EventStream } from "../eventStream";
import type { AddSource, DownloadAction, SearchListener, Transport } from "../transport";
import type { Bandwidth, GrabResult, IndexerStatus, Release, Verdict } from "../types";

type Unsubscribe = () => Promise<void>;

/** The part of Home Assistant's `hass` object the panel uses. */
export interface Hass {
  connection: {
    subscribeMessage<T>(callback: (message: T) => void, message: Record<string, unknown>): Promise<Unsubscribe>;
  };
  callWS<T>(message: Record<string, unknown>): Promise<T>;
  /** Home Assistant's own translations (the integration's, once loaded), in the user's language. */
  localize?: (key: string, values?: Record<string, string>) => string;
  loadBackendTranslation?: (category: string, integration: string) => Promise<unknown>;
  language: string;
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
  return new ApiError(e.translation_key ?? e.code ?? "error", translated || e.message || t("ha.refused"), 0, values);
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

/** What Home Assistant keeps in its own places (the options, the entities) in the sidebar. */
const notHere = () => Promise.reject(new ApiError("not_in_home_assistant", t("ha.not_here"), 0));

export function homeAssistantTransport(hass: Hass, stack: Stack): Transport {
  const entry = { entry_id: stack.entry_id };
  // MediaHub's error messages in the user's language, for `asApiError`.
  void hass.loadBackendTranslation?.("exceptions", "mediahub").catch(() => undefined);
  const action = async <T>(name: string, data: Record<string, unknown>): Promise<T> => {
    try {
      return await hass.callWS<T>({ type: "mediahub/action", ...entry, action: name, data });
    } catch (error) {
      throw asApiError(hass, error);
    }
  };
  const category = (value: string | null) => (value ? { category: value } : {});

  return {
    features: { libraries: false, settings: false },
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
    grab: (releaseId, grabCategory) => action<GrabResult>("grab", { release_id: releaseId, ...category(grabCategory) }),
    add(source: AddSource, addCategory) {
      if ("file" in source) return notHere();
      const link = "magnet" in source ? source.magnet : source.torrent_url;
      return action<GrabResult>("add_torrent", { source: link, ...category(addCategory) });
    },
    act(hash: string, name: DownloadAction) {
      if (name === "top" || name === "bottom") return action("queue", { hash, position: name });
      return action(name, { hash });
    },
    actOnAll: () => notHere(),
    remove: (hash, deleteFiles) => action("remove", { hash, delete_files: deleteFiles }),
    slowMode: (enabled) => action("set_bandwidth", { alt_speed: enabled }),
    bandwidth: () => notHere() as Promise<Bandwidth>,
    saveBandwidth: () => notHere() as Promise<Bandwidth>,
    libraries: () => notHere(),
    scan: () => notHere(),
    // The poster view wants a signed-in user: an <img> cannot send the token, so its path is
    // signed, for a short while, as Home Assistant's own frontend does.
    image: async (path) => (await hass.callWS<{ path: string }>({ type: "auth/sign_path", path })).path,
    profiles: () => notHere(),
    saveProfile: () => notHere(),
  };
}
