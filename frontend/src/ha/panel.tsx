// <mediahub-panel>: the panel in Home Assistant's sidebar. Home Assistant creates the element
// and sets `hass` on it (and again on every state change); the app renders in its shadow root,
// in Home Assistant's theme, over Home Assistant's websocket.

import { StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { App } from "../App";
import styles from "../styles.css?inline";
import { TransportContext, type Transport } from "../transport";
import { homeAssistantTransport, type Hass, type Stack } from "./transport";

// The app's colours from Home Assistant's theme (light, dark, or the user's own), and its
// layout inside HA's panel area rather than the whole window.
const HOST_STYLES = `
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

class MediaHubPanel extends HTMLElement {
  private _hass: Hass | null = null;
  private _narrow = false;
  private _root: Root | null = null;
  private _stack: Stack | null | undefined; // undefined: not asked yet

  set hass(hass: Hass) {
    const first = this._hass === null;
    this._hass = hass;
    if (first) void this._start();
  }

  set narrow(narrow: boolean) {
    this._narrow = narrow;
    this._render();
  }

  disconnectedCallback(): void {
    this._root?.unmount();
    this._root = null;
  }

  connectedCallback(): void {
    this._render();
  }

  private async _start(): Promise<void> {
    const hass = this._hass;
    if (!hass) return;
    try {
      const info = await hass.callWS<{ stacks: Stack[] }>({ type: "mediahub/info" });
      this._stack = info.stacks[0] ?? null;
    } catch {
      this._stack = null;
    }
    this._render();
  }

  private _render(): void {
    if (!this.isConnected || this._hass === null || this._stack === undefined) return;
    if (!this._root) {
      const shadow = this.shadowRoot ?? this.attachShadow({ mode: "open" });
      shadow.innerHTML = `<style>${styles}${HOST_STYLES}</style><div></div>`;
      this._root = createRoot(shadow.lastElementChild as HTMLElement);
    }
    const menu = this._narrow ? () => this.dispatchEvent(new Event("hass-toggle-menu", { bubbles: true, composed: true })) : undefined;
    this._root.render(
      <StrictMode>
        {this._stack ? (
          <TransportContext.Provider value={this._transport(this._hass, this._stack)}>
            <App onMenu={menu} />
          </TransportContext.Provider>
        ) : (
          <p className="notice">No MediaHub stack here is open to your account. An administrator can let every user search and grab in MediaHub's options.</p>
        )}
      </StrictMode>,
    );
  }

  private _transportFor: { stack: Stack; transport: Transport } | null = null;

  /** One transport per stack: a new one would restart the feed. */
  private _transport(hass: Hass, stack: Stack): Transport {
    if (this._transportFor?.stack !== stack) {
      this._transportFor = { stack, transport: homeAssistantTransport(hass, stack) };
    }
    return this._transportFor.transport;
  }
}

if (!customElements.get("mediahub-panel")) customElements.define("mediahub-panel", MediaHubPanel);
