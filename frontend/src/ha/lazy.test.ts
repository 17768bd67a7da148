// @vitest-environment happy-dom
// The loader's elements before and after their app arrives: what Home Assistant sets on them
// early is applied once the app is there, as it would have been had the app been there all along.
import { describe, expect, it } from "vitest";
import { LazyElement, type View, type ViewModule } from "./lazy";

interface Seen {
  calls: string[];
  imports: number;
}

/** An element whose app arrives when the test says so (or fails to). */
function lazyElement(name: string) {
  const seen: Seen = { calls: [], imports: 0 };
  const arrivals: { arrive: () => void; fail: () => void }[] = [];
  class Element extends LazyElement {
    protected loadView(): Promise<ViewModule> {
      seen.imports += 1;
      return new Promise((resolve, reject) => {
        const view = (): View => ({
          update: (property, value) => seen.calls.push(`${property}=${JSON.stringify(value)}`),
          connected: () => seen.calls.push("connected"),
          disconnected: () => seen.calls.push("disconnected"),
        });
        arrivals.push({ arrive: () => resolve({ view }), fail: () => reject(new Error("chunk gone")) });
      });
    }
    set hass(value: unknown) {
      this.setProperty("hass", value);
    }
    get hass(): unknown {
      return this.property("hass");
    }
    set narrow(value: unknown) {
      this.setProperty("narrow", value);
    }
  }
  customElements.define(name, Element);
  const element = document.createElement(name) as Element;
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
  const arrival = (index: number) => {
    const found = arrivals[index];
    if (!found) throw new Error(`no import number ${index + 1}`);
    return found;
  };
  return { element, seen, arrival, settled };
}

describe("a lazily loaded element", () => {
  it("imports nothing until it is shown, then gives its app the latest of what was set", async () => {
    const { element, seen, arrival, settled } = lazyElement("lazy-early");
    element.hass = { language: "en", n: 1 };
    element.narrow = true;
    element.hass = { language: "en", n: 2 };
    expect(element.hass).toEqual({ language: "en", n: 2 });
    expect(seen.imports).toBe(0);

    document.body.append(element);
    expect(seen.imports).toBe(1);
    element.narrow = false; // while the chunk is on its way
    arrival(0).arrive();
    await settled();
    expect(seen.calls).toEqual(['hass={"language":"en","n":2}', "narrow=false", "connected"]);

    element.hass = { language: "de", n: 3 };
    expect(seen.calls.at(-1)).toBe('hass={"language":"de","n":3}');
    element.remove();
    document.body.append(element);
    expect(seen.calls.slice(-2)).toEqual(["disconnected", "connected"]);
    expect(seen.imports).toBe(1);
  });

  it("is not shown by its app if it left the page before the app arrived", async () => {
    const { element, seen, arrival, settled } = lazyElement("lazy-gone");
    document.body.append(element);
    element.hass = { n: 1 };
    element.remove();
    arrival(0).arrive();
    await settled();
    expect(seen.calls).toEqual(['hass={"n":1}']);
    document.body.append(element);
    expect(seen.calls.at(-1)).toBe("connected");
  });

  it("tries again the next time it is shown when its chunk did not arrive", async () => {
    const { element, seen, arrival, settled } = lazyElement("lazy-retry");
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      document.body.append(element);
      element.hass = { n: 1 };
      arrival(0).fail();
      await settled();
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
    }
    element.remove();
    document.body.append(element);
    expect(seen.imports).toBe(2);
    arrival(1).arrive();
    await settled();
    expect(seen.calls).toEqual(['hass={"n":1}', "connected"]);
  });
});

describe("<mediahub-card> before its app", () => {
  it("answers Home Assistant's questions from the loader alone", async () => {
    await import("./main");
    const card = document.createElement("mediahub-card") as HTMLElement & {
      setConfig(config: Record<string, unknown>): void;
      getCardSize(): number;
    };
    card.setConfig({ type: "custom:mediahub-card", height: 260 });
    expect(card.getCardSize()).toBe(6);
    expect(() => card.setConfig({ type: "custom:mediahub-card", sections: ["clock"] })).toThrow("sections: choose among");
    expect(card.getCardSize()).toBe(6); // a refused configuration changes nothing
    expect(card.shadowRoot).toBeNull();
  });
});
