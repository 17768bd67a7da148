// The panel for Home Assistant's sidebar: one ES module defining <mediahub-panel>, which the
// integration serves (custom_components/mediahub/panel.py).
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  publicDir: false,
  build: {
    outDir: "../custom_components/mediahub/frontend",
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: false,
    rollupOptions: {
      input: "src/ha/panel.tsx",
      output: { entryFileNames: "mediahub-panel.js", inlineDynamicImports: true },
    },
  },
});
