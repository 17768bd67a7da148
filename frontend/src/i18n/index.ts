// The panel's words, in the user's language: the browser's on the sidecar, the Home Assistant
// user's in HA. English is built in; another language is its own small chunk, loaded only when
// chosen. Numbers, sizes, speeds and times go through `Intl` in that language (format.ts).

import en, { type Catalog, type MessageKey } from "./en";

export type { Catalog, MessageKey } from "./en";
export const LANGUAGES = ["en", "de", "fr", "es", "nl"] as const;
export type Language = (typeof LANGUAGES)[number];

const LOADERS: Record<Exclude<Language, "en">, () => Promise<{ default: Catalog }>> = {
  de: () => import("./de"),
  fr: () => import("./fr"),
  es: () => import("./es"),
  nl: () => import("./nl"),
};

let active: { language: Language; catalog: Catalog } = { language: "en", catalog: en };

/** The first of the user's languages the panel speaks (`de-AT` → `de`), else English. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    const found = LANGUAGES.find((language) => language === base);
    if (found) return found;
  }
  return "en";
}

/** Speak `language` from now on (its catalog loaded first). */
export async function loadLanguage(language: Language): Promise<void> {
  const catalog = language === "en" ? en : (await LOADERS[language]()).default;
  active = { language, catalog };
}

export function language(): Language {
  return active.language;
}

/** Whether the catalogs have `key`: for keys made from the engine's codes. */
export function known(key: string): key is MessageKey {
  return key in active.catalog;
}

/** A qBittorrent category as the panel names it ("" is all of them): its own name if unknown. */
export function categoryLabel(category: string): string {
  const key = `category.${category || "all"}`;
  return known(key) ? t(key) : category;
}

/** The message `key`, its `{placeholders}` filled with `values` (values only: never words). */
export function t(key: MessageKey, values: Readonly<Record<string, string | number>> = {}): string {
  return active.catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** An error's text in the user's language: the catalog's for its code (`error.<code>`, the key
 * Home Assistant's translations use too) with its placeholders filled in, or `fallback` (the
 * server's own words) for a code this build does not know. */
export function errorText(code: string, placeholders: Readonly<Record<string, string>>, fallback: string): string {
  const key = `error.${code}`;
  return known(key) ? t(key, placeholders) : fallback;
}
