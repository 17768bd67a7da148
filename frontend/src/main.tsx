// The entry: open the events stream at once, then load the app (React and the views, a
// separate chunk that index.html preloads) and mount it over the static frame.
import { openEarly } from "./eventStream";
import "./styles.css";

openEarly();
void import("./mount").then(({ mount }) => {
  const root = document.getElementById("root");
  if (root) mount(root);
});
