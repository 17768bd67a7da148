// The module Home Assistant loads on every page (the integration adds it as an extra module, and
// the sidebar panel names it): the loader. It defines <mediahub-card> and <mediahub-panel>, offers
// the card in the dashboard's card picker, and checks a card's configuration; the app (React and
// all, hashed chunks) is imported only when one of them is first shown, and the card's editor
// only when a dashboard is edited. No React here: it stays a few KB (tests/components/mediahub/
// test_panel_module.py checks).

import { cardSize, checkCardConfig, SECTIONS, stubConfig, type CardConfig } from "./config";
import { LazyElement, type ViewModule } from "./lazy";

class MediaHubCard extends LazyElement {
  private _config: CardConfig = { type: "custom:mediahub-card" };

  static async getConfigElement(): Promise<HTMLElement> {
    await import("./editor");
    return document.createElement("mediahub-card-editor");
  }

  static getStubConfig(): CardConfig {
    return stubConfig();
  }

  protected loadView(): Promise<ViewModule> {
    return import("./card");
  }

  setConfig(config: CardConfig): void {
    checkCardConfig(config);
    this._config = config;
    // Its sections spelled out: the app's chunk knows them from here, importing nothing of the loader.
    this.setProperty("config", { ...config, sections: config.sections ?? [...SECTIONS] });
  }

  get hass(): unknown {
    return this.property("hass");
  }

  set hass(hass: unknown) {
    this.setProperty("hass", hass);
  }

  getCardSize(): number {
    return cardSize(this._config);
  }
}

class MediaHubPanel extends LazyElement {
  protected loadView(): Promise<ViewModule> {
    return import("./panel");
  }

  get hass(): unknown {
    return this.property("hass");
  }
  set hass(value: unknown) {
    this.setProperty("hass", value);
  }
  get narrow(): unknown {
    return this.property("narrow");
  }
  set narrow(value: unknown) {
    this.setProperty("narrow", value);
  }
  get route(): unknown {
    return this.property("route");
  }
  set route(value: unknown) {
    this.setProperty("route", value);
  }
  get panel(): unknown {
    return this.property("panel");
  }
  set panel(value: unknown) {
    this.setProperty("panel", value);
  }
}

if (!customElements.get("mediahub-card")) customElements.define("mediahub-card", MediaHubCard);
if (!customElements.get("mediahub-panel")) customElements.define("mediahub-panel", MediaHubPanel);

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
