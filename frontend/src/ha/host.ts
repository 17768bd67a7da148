// How the app looks inside Home Assistant, for the panel and the card alike.

// The app's colours from Home Assistant's theme (light, dark, or the user's own), and its
// layout inside HA's panel area rather than the whole window.
export const HOST_STYLES = `
:host {
  display: block;
  min-height: 100%;
  --bg: var(--primary-background-color);
  --card: var(--card-background-color, var(--ha-card-background));
  --text: var(--primary-text-color);
  --muted: var(--secondary-text-color);
  --line: var(--divider-color);
  --accent: var(--primary-color);
  --accent-text: var(--text-primary-color);
  --ok: var(--success-color);
  --danger: var(--error-color);
  --danger-bg: color-mix(in srgb, var(--error-color) 14%, var(--card-background-color));
  --warn-bg: color-mix(in srgb, var(--warning-color) 18%, var(--card-background-color));
  --warn-text: var(--primary-text-color);
  background: var(--bg);
  color: var(--text);
  font-family: var(--ha-font-family-body, var(--paper-font-body1_-_font-family, system-ui, sans-serif));
  font-size: 16px;
  line-height: 1.4;
}
.app { min-height: 100%; padding-bottom: 72px; }
.tabs { position: fixed; left: var(--mdc-drawer-width, 0px); }
.top .menu { border: 0; background: none; color: var(--text); padding: 4px; margin-right: 8px; }
.top .menu .icon { width: 24px; height: 24px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; }
.top { justify-content: flex-start; gap: 4px; }
.top .speeds { margin-left: auto; }
`;
