// <mediahub-card> (custom:mediahub-card on a dashboard) and its visual editor. Home Assistant
// loads this module on every page (the integration adds it as an extra module), so the card
// needs no separate install.

import { StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { loadLanguage, pickLanguage, t, type MessageKey } from "../i18n";
import styles from "../styles.css?inline";
import { TransportContext, type Transport } from "../transport";
import { Card, SECTIONS, type Section } from "./CardContent";
import { HOST_STYLES } from "./host";
import { homeAssistantTransport, stackFor, type Hass, type Stack } from "./transport";

export interface CardConfig {
  type: string;
  sections?: Section[];
  height?: number;
  /** Which MediaHub stack, when there are several (the first otherwise). */
  entry_id?: string;
}

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

class MediaHubCard extends HTMLElement {
  private _config: CardConfig = { type: "custom:mediahub-card" };
  private _hass: Hass | null = null;
  private _root: Root | null = null;
  private _stack: Stack | null | undefined;
  private _transport: Transport | null = null;

  static getConfigElement(): HTMLElement {
    return document.createElement("mediahub-card-editor");
  }

  static getStubConfig(): CardConfig {
    return { type: "custom:mediahub-card", sections: [...SECTIONS] };
  }

  setConfig(config: CardConfig): void {
    if (config.sections && !config.sections.every((s) => SECTIONS.includes(s))) {
      throw new Error(`sections: choose among ${SECTIONS.join(", ")}`);
    }
    const stackChanged = config.entry_id !== this._config.entry_id;
    this._config = config;
    if (stackChanged && this._hass) void this._findStack(this._hass);
    this._render();
  }

  set hass(hass: Hass) {
    const first = this._hass === null;
    this._hass = hass;
    if (first) void this._findStack(hass);
  }

  getCardSize(): number {
    return this._config.height ? Math.ceil(this._config.height / 50) : 4;
  }

  disconnectedCallback(): void {
    this._root?.unmount();
    this._root = null;
  }

  connectedCallback(): void {
    this._render();
  }

  private async _findStack(hass: Hass): Promise<void> {
    await loadLanguage(pickLanguage([hass.language]));
    this._stack = await stackFor(hass, this._config.entry_id);
    this._transport = this._stack ? homeAssistantTransport(hass, this._stack) : null;
    this._render();
  }

  private _render(): void {
    if (!this.isConnected || this._stack === undefined) return;
    if (!this._root) {
      const shadow = this.shadowRoot ?? this.attachShadow({ mode: "open" });
      shadow.innerHTML = `<style>${styles}${HOST_STYLES}${CARD_STYLES}</style><ha-card></ha-card>`;
      this._root = createRoot(shadow.lastElementChild as HTMLElement);
    }
    const sections = this._config.sections ?? [...SECTIONS];
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

const SECTION_LABELS: Record<Section, MessageKey> = { search: "search.submit", downloads: "downloads.list", ready: "ready.title" };
const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The card's visual editor: which sections, and its height. */
class MediaHubCardEditor extends HTMLElement {
  private _config: CardConfig = { type: "custom:mediahub-card" };

  setConfig(config: CardConfig): void {
    this._config = config;
    this._render();
  }

  set hass(hass: Hass) {
    void loadLanguage(pickLanguage([hass.language])).then(() => this._render());
  }

  private _change(config: CardConfig): void {
    this._config = config;
    this.dispatchEvent(new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }));
  }

  private _render(): void {
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: "open" });
    const chosen = this._config.sections ?? [...SECTIONS];
    shadow.innerHTML = `<style>label{display:flex;gap:8px;align-items:center;margin:6px 0}fieldset{border:0;padding:0;margin:0 0 8px}</style>
      <fieldset><legend>${escape(t("card.sections"))}</legend>${SECTIONS.map(
        (s) => `<label><input type="checkbox" name="${s}" ${chosen.includes(s) ? "checked" : ""}> ${escape(t(SECTION_LABELS[s]))}</label>`,
      ).join("")}</fieldset>
      <label>${escape(t("card.height"))} <input type="number" name="height" min="100" max="2000" step="10" value="${this._config.height ?? ""}"></label>`;
    for (const box of shadow.querySelectorAll<HTMLInputElement>("input[type=checkbox]")) {
      box.addEventListener("change", () => {
        const sections = SECTIONS.filter((s) => (s === box.name ? box.checked : chosen.includes(s)));
        this._change({ ...this._config, sections });
      });
    }
    const height = shadow.querySelector<HTMLInputElement>("input[name=height]");
    height?.addEventListener("change", () => {
      const value = Number.parseInt(height.value, 10);
      const config = { ...this._config };
      delete config.height;
      this._change(Number.isFinite(value) && value > 0 ? { ...config, height: value } : config);
    });
  }
}

if (!customElements.get("mediahub-card")) customElements.define("mediahub-card", MediaHubCard);
if (!customElements.get("mediahub-card-editor")) customElements.define("mediahub-card-editor", MediaHubCardEditor);

interface CustomCard {
  type: string;
  name: string;
  description: string;
  preview: boolean;
}
const registry = window as unknown as { customCards?: CustomCard[] };
registry.customCards ??= [];
if (!registry.customCards.some((c) => c.type === "mediahub-card")) {
  registry.customCards.push({
    type: "mediahub-card",
    name: "MediaHub",
    description: "Search, the active downloads and what is ready to watch.",
    preview: true,
  });
}
