// The entry: open the events stream at once, then load the app (React and the views, a
// separate chunk that index.html preloads) and the language, and mount it over the static
// frame (or, when the panel signs people in and nobody is, the sign-in screen). On the
// downloads tab the server may have drawn the first frame itself: the page then carries the
// state, language and session it drew it from, and React starts from the same.
import { openEarly } from "./eventStream";
import { loadLanguage, LANGUAGES, pickLanguage } from "./i18n";
import type { FirstFrame } from "./mount";
import { fetchSession } from "./session";
import "./styles.css";

/** The server's first frame's data (a JSON block, never executed: the CSP allows no inline
 * script), or null when the page came as built. */
function firstFrame(): FirstFrame | null {
  const block = document.getElementById("mediahub-first-frame");
  const root = document.getElementById("root");
  if (!block?.textContent || !root?.dataset.firstFrame) return null;
  try {
    return JSON.parse(block.textContent) as FirstFrame;
  } catch {
    return null;
  }
}

const first = firstFrame();
openEarly(first?.state);
// The server's choice (from Accept-Language, the same rule) when it drew the frame.
const language = LANGUAGES.find((known) => known === first?.language) ?? pickLanguage(navigator.languages);
document.documentElement.lang = language;
/** The app's chunk; on a page whose frame the server drew, asked for once that frame has been
 * painted (the page's own preload of it is dropped there), so nothing competes with the paint. */
function loadApp(): Promise<typeof import("./mount")> {
  if (!first) return import("./mount");
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(import("./mount")), 0)));
}

// Who is signed in, asked beside the rest (with the sign-in on, nobody yet: the sign-in screen).
void Promise.all([loadApp(), first ? first.session : fetchSession(), loadLanguage(language)]).then(([{ mount }, session]) => {
  const root = document.getElementById("root");
  if (root) mount(root, session, first);
});
