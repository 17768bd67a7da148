// <mediahub-card>'s app (custom:mediahub-card on a dashboard): React, in the card's shadow root,
// over Home Assistant's websocket. The element itself is the loader's (main.ts), which Home
// Assistant loads on every page; this chunk arrives when a card is first shown.

import { StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { loadLanguage, pickLanguage, t } from "../i18n";
import styles from "../styles.css?inline";
import { TransportContext, type Transport } from "../transport";
import { Card } from "./CardContent";
import type { CardConfig } from "./config";
import { HOST_STYLES } from "./host";
import type { View } from "./lazy";
import { homeAssistantTransport, stackFor, type Hass, type Stack } from "./transport";

const CARD_STYLES = `
:host { display: block; }
.mediahub-card { padding: 12px 16px; background: var(--ha-card-background, var(--card-background-color)); border-radius: var(--ha-card-border-radius, 12px); }
.card-downloads, .card-results { list-style: none; margin: 8px 0 0; padding: 0; display: grid; gap: 8px; }
.card-downloads li { display: grid; gap: 2px; }
.card-downloads progress { width: 100%; }
.card-results li { display: flex; gap: 8px; align-items: center; justify-content: space-between; }
.card-results .title, .card-downloads .title { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ready h3 { margin: 12px 0 4px; }
`;

class CardView implements View {
  private _config: CardConfig = { type: "custom:mediahub-card" };
  private _hass: Hass | null = null;
  private _root: Root | null = null;
  private _stack: Stack | null | undefined;
  private _transport: Transport | null = null;

  constructor(private readonly _host: HTMLElement) {}

  update(property: string, value: unknown): void {
    if (property === "config") this._setConfig(value as CardConfig);
    else if (property === "hass") this._setHass(value as Hass);
  }

  connected(): void {
    this._render();
  }

  disconnected(): void {
    this._root?.unmount();
    this._root = null;
  }

  private _setConfig(config: CardConfig): void {
    const stackChanged = config.entry_id !== this._config.entry_id;
    this._config = config;
    if (stackChanged && this._hass) void this._findStack(this._hass);
    this._render();
  }

  private _setHass(hass: Hass): void {
    const first = this._hass === null;
    this._hass = hass;
    if (first) void this._findStack(hass);
  }

  private async _findStack(hass: Hass): Promise<void> {
    await loadLanguage(pickLanguage([hass.language]));
    this._stack = await stackFor(hass, this._config.entry_id);
    this._transport = this._stack ? homeAssistantTransport(hass, this._stack) : null;
    this._render();
  }

  private _render(): void {
    const host = this._host;
    if (!host.isConnected || this._stack === undefined) return;
    if (!this._root) {
      const shadow = host.shadowRoot ?? host.attachShadow({ mode: "open" });
      shadow.innerHTML = `<style>${styles}${HOST_STYLES}${CARD_STYLES}</style><ha-card></ha-card>`;
      this._root = createRoot(shadow.lastElementChild as HTMLElement);
    }
    const sections = this._config.sections ?? [];
    this._root.render(
      <StrictMode>
        {this._transport ? (
          <TransportContext.Provider value={this._transport}>
            <Card sections={sections} height={this._config.height ?? null} />
          </TransportContext.Provider>
        ) : (
          <p className="notice">{t("ha.no_stack")}</p>
        )}
      </StrictMode>,
    );
  }
}

export const view = (host: HTMLElement): View => new CardView(host);
