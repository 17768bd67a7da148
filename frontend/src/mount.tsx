import { StrictMode, startTransition } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";

/** Render the app over the static frame. As a transition, React renders it in slices that
 * leave the page responsive (no long task for a phone's slow CPU), then shows it at once. */
export function mount(root: HTMLElement): void {
  startTransition(() => {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  });
}
