// The entry: open the events stream at once, then load the app (React and the views, a
// separate chunk that index.html preloads) and the browser's language, and mount it over the
// static frame (or, when the panel signs people in and nobody is, the sign-in screen).
import { openEarly } from "./eventStream";
import { loadLanguage, pickLanguage } from "./i18n";
import { fetchSession } from "./session";
import "./styles.css";

openEarly();
const language = pickLanguage(navigator.languages);
document.documentElement.lang = language;
// Who is signed in, asked beside the rest (with the sign-in on, nobody yet: the sign-in screen).
void Promise.all([import("./mount"), fetchSession(), loadLanguage(language)]).then(([{ mount }, session]) => {
  const root = document.getElementById("root");
  if (root) mount(root, session);
});
