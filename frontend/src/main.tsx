// The entry: open the events stream at once, then load the app (React and the views, a
// separate chunk that index.html preloads) and the browser's language, and mount it over the
// static frame.
import { openEarly } from "./eventStream";
import { loadLanguage, pickLanguage } from "./i18n";
import "./styles.css";

openEarly();
const language = pickLanguage(navigator.languages);
document.documentElement.lang = language;
void Promise.all([import("./mount"), loadLanguage(language)]).then(([{ mount }]) => {
  const root = document.getElementById("root");
  if (root) mount(root);
});
