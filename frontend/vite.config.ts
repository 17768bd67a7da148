import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Built into the sidecar's static folder; no inline script (the panel's CSP forbids it).
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../custom_components/mediahub/hub/panel/static",
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
