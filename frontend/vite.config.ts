import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type Plugin } from "vitest/config";
import react from "@vitejs/plugin-react";
import { writeCompressedSiblings } from "./compress";
import de from "./src/i18n/de";
import en from "./src/i18n/en";
import es from "./src/i18n/es";
import fr from "./src/i18n/fr";
import nl from "./src/i18n/nl";

const OUT_DIR = "../custom_components/mediahub/sidecar/static";
const CATALOGS = { en, de, fr, es, nl };
// The units format.ts writes with Intl ([unit, unitDisplay]).
const UNITS: [string, "narrow" | "short"][] = [
  ["second", "narrow"],
  ["minute", "narrow"],
  ["hour", "narrow"],
  ["day", "narrow"],
  ["minute", "short"],
];

/** What the sidecar needs to write the first frame itself (sidecar/first_frame.py): each
 * language's catalog, and how its Intl writes the numbers on that frame (separators, the
 * percent sign's place, each unit's pattern for one and for other counts), so the server's
 * words and numbers are the browser's, never copied by hand. */
function firstFrameWords(): string {
  const languages = Object.fromEntries(
    Object.entries(CATALOGS).map(([language, catalog]) => {
      const parts = new Intl.NumberFormat(language, { minimumFractionDigits: 1 }).formatToParts(12345.5);
      const unit = (name: string, display: string, value: number) =>
        new Intl.NumberFormat(language, { style: "unit", unit: name, unitDisplay: display as "narrow" | "short", maximumFractionDigits: 0 })
          .format(value)
          .replace(String(value), "{0}");
      return [
        language,
        {
          catalog,
          numbers: {
            decimal: parts.find((part) => part.type === "decimal")?.value ?? ".",
            group: parts.find((part) => part.type === "group")?.value ?? ",",
            // Spanish writes 1000 but 12.345: grouping starts at five digits there.
            min_grouping: /\d\D\d/.test(new Intl.NumberFormat(language).format(1000)) ? 1 : 2,
            percent: new Intl.NumberFormat(language, { style: "percent" }).format(0.5).replace("50", "{0}"),
            zero_is_one: new Intl.PluralRules(language).select(0) === "one",
            units: Object.fromEntries(
              UNITS.map(([name, display]) => [`${name} ${display}`, { one: unit(name, display, 1), other: unit(name, display, 2) }]),
            ),
          },
        },
      ];
    }),
  );
  return JSON.stringify({ languages });
}

const STYLESHEET = /<link rel="stylesheet"[^>]*href="\/(assets\/[^"]+\.css)"[^>]*>/;

/** After the build: the stylesheet goes inline into index.html (the first paint then waits for
 * no second request; the sidecar's CSP allows that one <style> by its hash), and every text
 * file gets `.br` and `.gz` siblings at the highest levels, which the sidecar sends as they are,
 * chosen by the browser's Accept-Encoding. */
function finishBuild(): Plugin {
  return {
    name: "mediahub-finish-build",
    apply: "build",
    // The app's chunk is imported dynamically by the small entry (which starts fetching the
    // state first); preloading it lets both download at once. At low priority: the static
    // frame's first paint needs neither.
    transformIndexHtml(_html, context) {
      // Only the app: a language's messages load when that language is chosen (i18n/index.ts).
      const chunks = Object.values(context.bundle ?? {}).filter(
        (file) => file.type === "chunk" && file.isDynamicEntry && file.facadeModuleId?.endsWith("/src/mount.tsx"),
      );
      return chunks.map((chunk) => ({
        tag: "link",
        attrs: {
          rel: "modulepreload",
          fetchpriority: "low",
          crossorigin: true,
          href: `/${chunk.fileName}`,
        },
        injectTo: "head" as const,
      }));
    },
    closeBundle() {
      const page = join(OUT_DIR, "index.html");
      const html = readFileSync(page, "utf8");
      const link = STYLESHEET.exec(html);
      if (link?.[1]) {
        const css = readFileSync(join(OUT_DIR, link[1]), "utf8").trim();
        writeFileSync(page, html.replace(link[0], () => `<style>${css}</style>`));
      }
      writeFileSync(join(OUT_DIR, "first-frame.json"), firstFrameWords());
      writeCompressedSiblings(OUT_DIR);
    },
  };
}

// Built into the sidecar's static folder; no inline script (the panel's CSP forbids it).
export default defineConfig({
  plugins: [react(), finishBuild()],
  base: "/",
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
