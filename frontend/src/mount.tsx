import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { sidecarTransport } from "./sidecar";
import { TransportContext } from "./transport";

export function mount(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <TransportContext.Provider value={sidecarTransport}>
        <App />
      </TransportContext.Provider>
    </StrictMode>,
  );
}
