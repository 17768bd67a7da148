// Home Assistant's module (custom_components/mediahub/panel.py serves it): mediahub.js, the loader
// every Home Assistant page loads, defining <mediahub-panel> and <mediahub-card> with no React;
// the app, the card's editor and the other languages are hashed chunks beside it, imported when
// first needed and cached for good (a new build names new chunks, and a new loader).
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { writeCompressedSiblings } from "./compress";

const OUT_DIR = "../custom_components/mediahub/frontend";

export default defineConfig({
  plugins: [react(), { name: "mediahub-compress", apply: "build", closeBundle: () => writeCompressedSiblings(OUT_DIR) }],
  publicDir: false,
  // Library mode: plain dynamic imports, without Vite's preload helper (which chunks would import
  // from the loader, by a URL without its version); so React's production build is named here.
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    sourcemap: false,
    minify: true,
    lib: { entry: "src/ha/main.ts", formats: ["es"], fileName: () => "mediahub.js" },
    rollupOptions: { output: { chunkFileNames: "chunks/[name]-[hash].js", minify: true } },
  },
});
