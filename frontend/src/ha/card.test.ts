// @vitest-environment happy-dom
// The card as the loader defines it: its configuration as a dashboard gives it, and its visual
// editor (a chunk of its own, fetched when asked for) and its changes.
import { describe, expect, it } from "vitest";
import "./main";

interface CardElement extends HTMLElement {
  setConfig(config: Record<string, unknown>): void;
  getCardSize(): number;
}

async function editorFor(config: Record<string, unknown>) {
  const Card = customElements.get("mediahub-card") as unknown as { getConfigElement(): Promise<CardElement> };
  const editor = await Card.getConfigElement();
  editor.setConfig(config);
  const changes: unknown[] = [];
  editor.addEventListener("config-changed", (event) => changes.push((event as CustomEvent<{ config: unknown }>).detail.config));
  return { editor, changes, root: editor.shadowRoot as ShadowRoot };
}

describe("custom:mediahub-card", () => {
  it("is offered in the dashboard's card picker, with every section by default", () => {
    const cards = (window as unknown as { customCards: { type: string }[] }).customCards;
    expect(cards.map((c) => c.type)).toContain("mediahub-card");
    const Card = customElements.get("mediahub-card") as unknown as { getStubConfig(): unknown };
    expect(Card.getStubConfig()).toEqual({ type: "custom:mediahub-card", sections: ["search", "downloads", "ready"] });
  });

  it("refuses a section it does not have, saying which it has", () => {
    const card = document.createElement("mediahub-card") as CardElement;
    expect(() => card.setConfig({ type: "custom:mediahub-card", sections: ["weather"] })).toThrow(
      "sections: choose among search, downloads, ready",
    );
    card.setConfig({ type: "custom:mediahub-card", height: 400 });
    expect(card.getCardSize()).toBe(8);
  });

  it("edits its sections and its height, and an empty height fits the content", async () => {
    const { root, changes } = await editorFor({ type: "custom:mediahub-card", sections: ["search", "downloads", "ready"] });
    const search = root.querySelector<HTMLInputElement>("input[name=search]");
    expect(search?.checked).toBe(true);
    if (!search) throw new Error("no search box");
    search.checked = false;
    search.dispatchEvent(new Event("change"));
    expect(changes.at(-1)).toEqual({ type: "custom:mediahub-card", sections: ["downloads", "ready"] });

    const height = root.querySelector<HTMLInputElement>("input[name=height]");
    if (!height) throw new Error("no height field");
    height.value = "320";
    height.dispatchEvent(new Event("change"));
    expect(changes.at(-1)).toMatchObject({ height: 320 });
    height.value = "";
    height.dispatchEvent(new Event("change"));
    expect(changes.at(-1)).not.toHaveProperty("height");
  });
});
