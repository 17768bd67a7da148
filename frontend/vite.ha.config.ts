// Home Assistant's module: <mediahub-panel> for the sidebar and <mediahub-card> for dashboards, which the
// integration serves (custom_components/mediahub/panel.py).
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { writeCompressedSiblings } from "./compress";

const OUT_DIR = "../custom_components/mediahub/frontend";

export default defineConfig({
  plugins: [react(), { name: "mediahub-compress", apply: "build", closeBundle: () => writeCompressedSiblings(OUT_DIR) }],
  publicDir: false,
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: false,
    rollupOptions: {
      input: "src/ha/main.ts",
      output: { entryFileNames: "mediahub.js", inlineDynamicImports: true },
    },
  },
});
