import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { takeEarly } from "./eventStream";
import { SessionContext, type SessionInfo } from "./session";
import { sidecarTransport } from "./sidecar";
import { SignIn } from "./SignIn";
import { TransportContext } from "./transport";

export function mount(root: HTMLElement, session: SessionInfo): void {
  if (session.sign_in && !session.user) {
    takeEarly()?.close(); // the server refused it: nobody is signed in
    createRoot(root).render(
      <StrictMode>
        <SignIn />
      </StrictMode>,
    );
    return;
  }
  // Someone who is not an administrator is not offered what the server would refuse them.
  const admin = session.user?.admin ?? true;
  const viewer = { admin, name: session.user?.name ?? null };
  const features = admin ? sidecarTransport.features : { control: false, libraries: false, settings: false };
  const transport = { ...sidecarTransport, features, viewer };
  createRoot(root).render(
    <StrictMode>
      <SessionContext.Provider value={session}>
        <TransportContext.Provider value={transport}>
          <App />
        </TransportContext.Provider>
      </SessionContext.Provider>
    </StrictMode>,
  );
}
