// The one module Home Assistant loads: the sidebar panel and the dashboard card.
import "./panel";
import "./card";
