import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vitest/config";
import react from "@vitejs/plugin-react";

const OUT_DIR = "../custom_components/mediahub/hub/panel/static";
const COMPRESSIBLE = /\.(js|css|html|svg|webmanifest|json)$/;

/** Writes `<file>.br` and `<file>.gz` beside every text file of the build, at the highest
 * levels: the sidecar sends them as they are, chosen by the browser's Accept-Encoding. */
function precompress(): Plugin {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return {
    name: "mediahub-precompress",
    apply: "build",
    closeBundle() {
      for (const file of walk(OUT_DIR).filter((path) => COMPRESSIBLE.test(path))) {
        const body = readFileSync(file);
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

// Built into the sidecar's static folder; no inline script (the panel's CSP forbids it).
export default defineConfig({
  plugins: [react(), precompress()],
  base: "/",
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
