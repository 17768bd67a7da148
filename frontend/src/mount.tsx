import { StrictMode, type ReactElement } from "react";
import { createRoot, hydrateRoot } from "react-dom/client";
import { App, type Tab } from "./App";
import { takeEarly } from "./eventStream";
import { SessionContext, type SessionInfo } from "./session";
import { sidecarTransport } from "./sidecar";
import { SignIn } from "./SignIn";
import { TransportContext } from "./transport";
import { FirstFrameHeight } from "./WindowedList";

/** What the server wrote the page's first frame from (sidecar/first_frame.py `frame_data`). */
export interface FirstFrame {
  tab: Tab;
  language: string;
  /** The screen height the list was written for (px). */
  height: number;
  session: SessionInfo;
  state: { downloads: unknown[]; total?: unknown; revision?: unknown };
}

/** The app as the sidecar shows it to `session` (`first`: taking over the server's frame). */
export function appTree(session: SessionInfo, first: FirstFrame | null = null): ReactElement {
  // Someone who is not an administrator is not offered what the server would refuse them.
  const admin = session.user?.admin ?? true;
  const viewer = { admin, name: session.user?.name ?? null };
  const features = admin ? sidecarTransport.features : { control: false, libraries: false, settings: false };
  const transport = { ...sidecarTransport, features, viewer };
  return (
    <StrictMode>
      <SessionContext.Provider value={session}>
        <TransportContext.Provider value={transport}>
          <FirstFrameHeight.Provider value={first?.height ?? null}>
            <App tabsInPath firstTab={first?.tab} />
          </FirstFrameHeight.Provider>
        </TransportContext.Provider>
      </SessionContext.Provider>
    </StrictMode>
  );
}

export function mount(root: HTMLElement, session: SessionInfo, first: FirstFrame | null = null): void {
  if (session.sign_in && !session.user) {
    takeEarly()?.close(); // the server refused it: nobody is signed in
    createRoot(root).render(
      <StrictMode>
        <SignIn />
      </StrictMode>,
    );
    return;
  }
  // The server drew the first frame: React takes its markup over rather than drawing anew.
  if (first) hydrateRoot(root, appTree(session, first));
  else createRoot(root).render(appTree(session));
}
