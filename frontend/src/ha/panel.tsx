// <mediahub-panel>'s app: the panel in Home Assistant's sidebar. Home Assistant creates the
// element (the loader's, main.ts) and sets `hass` on it (and again on every state change); this
// chunk arrives when the panel is first shown and renders the app in its shadow root, in Home
// Assistant's theme, over Home Assistant's websocket.

import { StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { App } from "../App";
import styles from "../styles.css?inline";
import { TransportContext, type Transport } from "../transport";
import { loadLanguage, pickLanguage, t } from "../i18n";
import { HOST_STYLES } from "./host";
import type { View } from "./lazy";
import { homeAssistantTransport, stackFor, type Hass, type Stack } from "./transport";

class PanelView implements View {
  private _hass: Hass | null = null;
  private _narrow = false;
  private _root: Root | null = null;
  private _stack: Stack | null | undefined; // undefined: not asked yet

  constructor(private readonly _host: HTMLElement) {}

  update(property: string, value: unknown): void {
    // `route` and `panel` are Home Assistant's too; the app keeps its own tabs.
    if (property === "hass") this._setHass(value as Hass);
    else if (property === "narrow") {
      this._narrow = Boolean(value);
      this._render();
    }
  }

  connected(): void {
    this._render();
  }

  disconnected(): void {
    this._root?.unmount();
    this._root = null;
  }

  private _setHass(hass: Hass): void {
    const first = this._hass === null;
    const languageChanged = !first && hass.language !== this._hass?.language;
    this._hass = hass;
    if (first) void this._start();
    // The user chose another language in their profile: the panel follows at once.
    else if (languageChanged) void loadLanguage(pickLanguage([hass.language])).then(() => this._render());
  }

  private async _start(): Promise<void> {
    const hass = this._hass;
    if (!hass) return;
    await loadLanguage(pickLanguage([hass.language]));
    this._stack = await stackFor(hass);
    this._render();
  }

  private _render(): void {
    const host = this._host;
    if (!host.isConnected || this._hass === null || this._stack === undefined) return;
    if (!this._root) {
      const shadow = host.shadowRoot ?? host.attachShadow({ mode: "open" });
      shadow.innerHTML = `<style>${styles}${HOST_STYLES}</style><div></div>`;
      this._root = createRoot(shadow.lastElementChild as HTMLElement);
    }
    const menu = this._narrow ? () => host.dispatchEvent(new Event("hass-toggle-menu", { bubbles: true, composed: true })) : undefined;
    this._root.render(
      <StrictMode>
        {this._stack ? (
          <TransportContext.Provider value={this._transport(this._hass, this._stack)}>
            <App onMenu={menu} />
          </TransportContext.Provider>
        ) : (
          <p className="notice">{t("ha.no_stack")}</p>
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

export const view = (host: HTMLElement): View => new PanelView(host);
