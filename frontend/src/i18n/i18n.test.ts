// Every language speaks every message English has, with the same placeholders; the panel
// picks the user's language and formats numbers and times in it.
import { afterEach, describe, expect, it } from "vitest";
import { formatBytes, formatPercent, formatReason, formatStall, formatWhen } from "../format";
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

  it("says the engine's reasons from their codes, never in its English", async () => {
    const tooBig = {
      code: "too_big",
      text: "too big: 58.0 GB > 20.0 GB",
      values: { size: "58.0 GB", limit: "20.0 GB", size_bytes: String(58 * 1024 ** 3), limit_bytes: String(20 * 1024 ** 3) },
    };
    const cam = { code: "blocked_source", text: "CAM", values: { source: "CAM" } };
    const stall = { code: "no_peers" as const, minutes: 34, text: "no peers for 34 min" };
    await loadLanguage("de");
    expect(formatReason(tooBig)).toBe("zu groß: 58,0 GB > 20,0 GB");
    expect(formatReason(cam)).toBe("CAM ist gesperrt");
    expect(formatStall(stall)).toBe("keine Peers seit 34 Min.");
    // A code this build does not know yet: the engine's words rather than nothing.
    expect(formatReason({ code: "new_rule", text: "a new rule", values: {} })).toBe("a new rule");
    await loadLanguage("en");
    expect(formatReason(tooBig)).toBe("too big: 58.0 GB > 20.0 GB");
    expect(formatStall(stall)).toBe("no peers for 34 min");
  });
});
