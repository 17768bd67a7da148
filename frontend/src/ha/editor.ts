// <mediahub-card-editor>: the card's visual editor (which sections, and its height), a chunk of
// its own that the loader imports only when a dashboard is edited (main.ts, getConfigElement).

import { loadLanguage, pickLanguage, t, type MessageKey } from "../i18n";
import type { CardConfig, Section } from "./config";
import type { Hass } from "./transport";

// The card's sections, as the card offers them (the loader's: nothing of it is imported here, so
// that this chunk never loads the loader a second time).
const card = customElements.get("mediahub-card") as unknown as { getStubConfig(): Required<Pick<CardConfig, "sections">> } | undefined;
const SECTIONS: readonly Section[] = card?.getStubConfig().sections ?? [];

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

if (!customElements.get("mediahub-card-editor")) customElements.define("mediahub-card-editor", MediaHubCardEditor);
