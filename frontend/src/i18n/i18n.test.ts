// Every language speaks every message English has, with the same placeholders; the panel
// picks the user's language and formats numbers and times in it.
import { afterEach, describe, expect, it } from "vitest";
import { formatBytes, formatPercent, formatWhen } from "../format";
import { LANGUAGES, loadLanguage, pickLanguage, t, type Catalog } from ".";
import en from "./en";

const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();

afterEach(() => loadLanguage("en"));

describe("the message catalogs", () => {
  for (const language of LANGUAGES.filter((l) => l !== "en")) {
    it(`${language} has every English key, the same placeholders, and nothing else`, async () => {
      const catalog = ((await import(`./${language}.ts`)) as { default: Catalog }).default;
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
      for (const [key, english] of Object.entries(en)) {
        expect(placeholders(catalog[key as keyof Catalog]), `${language}: ${key}`).toEqual(placeholders(english));
        expect(catalog[key as keyof Catalog].trim(), `${language}: ${key}`).not.toBe("");
      }
    });
  }
});

describe("the panel's language", () => {
  it("is the first of the user's that it speaks, else English", () => {
    expect(pickLanguage(["de-AT", "en"])).toBe("de");
    expect(pickLanguage(["pt-BR", "nl-BE"])).toBe("nl");
    expect(pickLanguage(["ja"])).toBe("en");
  });

  it("fills placeholders with values and formats numbers and times with Intl", async () => {
    await loadLanguage("de");
    expect(t("search.download_label", { title: "Dune" })).toBe("Dune herunterladen");
    expect(formatBytes(1536)).toBe("1,5 KB");
    expect(formatPercent(0.43)).toBe("43\u00a0%"); // a no-break space, as German writes it
    expect(formatWhen(1000, 1000 + 7200)).toBe("vor 2 Std.");
    await loadLanguage("fr");
    expect(t("downloads.free", { size: formatBytes(4.2 * 1024 ** 3) })).toBe("4,2 GB libres");
  });
});
