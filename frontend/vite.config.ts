import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type Plugin } from "vitest/config";
import react from "@vitejs/plugin-react";
import { writeCompressedSiblings } from "./compress";

const OUT_DIR = "../custom_components/mediahub/sidecar/static";
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
