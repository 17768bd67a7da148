// The panel's live state: the state with the head of the downloads list from
// GET /api/downloads?head (which index.html preloads, so it travels beside the scripts), then
// the events stream, whose first message is the whole list (or, when the head was the whole
// list, only `current`). Started by the entry script before React and the app have loaded;
// no React here, so this stays in the small entry chunk.

import { isHead } from "./downloads";

// `current`: the stream's first event when the state fetched just before is still current.
export const EVENT_NAMES = [
  "snapshot",
  "current",
  "downloads",
  "service",
  "vpn",
  "holds",
  "ready",
  "bandwidth",
  "scan",
  "refused",
  "replaced",
  "wishes",
] as const;

export interface Message {
  name: string;
  data: unknown;
}

export interface EventStream {
  /** What arrived before anyone listened, in order. */
  backlog: readonly Message[];
  /** Deliver every later message (and the backlog from index `from` on) to `callback`;
   * `onError` when the stream drops (the browser reconnects by itself). */
  listen(callback: (message: Message) => void, onError: () => void, from?: number): void;
  close(): void;
}

export interface StartingState {
  revision?: unknown;
  downloads: unknown[];
  total?: unknown;
}

async function startingState(): Promise<StartingState | null> {
  try {
    const response = await fetch("/api/downloads?head");
    return response.ok ? ((await response.json()) as StartingState) : null;
  } catch {
    return null; // the stream's own snapshot stands in
  }
}

function afterNextPaint(run: () => void): void {
  if (typeof requestAnimationFrame === "undefined") setTimeout(run, 0);
  else requestAnimationFrame(() => setTimeout(run, 0));
}

/** A stream's messages, kept until someone listens and then handed over as they come; and its
 * failure, said to the listener (`onListen`: run when someone does). Both transports use it. */
export function heldMessages(onListen: () => void = () => undefined) {
  const backlog: Message[] = [];
  let deliver: ((message: Message) => void) | null = null;
  let failed: (() => void) | null = null;
  return {
    backlog,
    get listening(): boolean {
      return deliver !== null;
    },
    push(message: Message): void {
      if (deliver) deliver(message);
      else backlog.push(message);
    },
    fail(): void {
      failed?.();
    },
    listen(callback: (message: Message) => void, onError: () => void, from = 0): void {
      deliver = callback;
      failed = onError;
      for (const message of backlog.splice(0).slice(from)) callback(message);
      onListen();
    },
  };
}

/** `starting`: the state the page itself carried (the server's first frame), if it did. */
export function openEvents(starting?: StartingState): EventStream {
  let source: EventSource | null = null;
  let closed = false;
  // Opening the stream when only the head has come: held until the app listens.
  let held: (() => void) | null = null;
  const release = () => {
    held?.();
    held = null;
  };
  const messages = heldMessages(release);
  const push = messages.push;
  const connect = (since: string) => {
    if (closed) return;
    source = new EventSource(`/api/events${since}`);
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        push({ name, data: JSON.parse((event as MessageEvent<string>).data) as unknown });
      });
    }
    source.onerror = () => messages.fail();
  };
  void (starting ? Promise.resolve(starting) : startingState()).then((state) => {
    if (closed) return;
    if (state) push({ name: "snapshot", data: state });
    // With the revision of a whole list, the stream sends a snapshot only if the state moved
    // on (a reconnection asks with the same one, and so gets a fresh snapshot).
    const revision = state && !isHead(state) && typeof state.revision === "string" ? state.revision : null;
    const since = revision ? `?since=${encodeURIComponent(revision)}` : "";
    if (state && (starting || isHead(state))) {
      // The whole list is the stream's first message; it is parsed once the app has painted
      // the head, not before (thousands of downloads take tens of milliseconds to parse). On a
      // page the server drew, nothing may reach React's first render but the page's own state
      // (that render must be the server's markup), so the stream opens after it too.
      held = () => afterNextPaint(() => connect(since));
      if (messages.listening) release();
      return;
    }
    connect(since);
  });
  return {
    backlog: messages.backlog,
    listen: messages.listen,
    close() {
      closed = true;
      source?.close();
    },
  };
}

let early: EventStream | null = null;

/** Start now (called once, by the entry script), from the state the page carried if it did. */
export function openEarly(starting?: StartingState): void {
  if (typeof EventSource !== "undefined") early ??= openEvents(starting);
}

/** The stream started early, if it has not been taken yet. */
export function earlyStream(): EventStream | null {
  return early;
}

/** Hand the early stream over (once): whoever takes it owns and closes it. */
export function takeEarly(): EventStream | null {
  const taken = early;
  early = null;
  return taken;
}
