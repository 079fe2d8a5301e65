// The console is served by the Python service at /console/ (backend/server/console.py) from
// the files this build writes into the package (backend/server/static/console/), which are
// committed: `make run` needs no node. Everything is local: no CDN, no web font.
import { defineConfig } from "vite";

export default defineConfig({
  base: "/console/",
  build: {
    outDir: "../backend/server/static/console",
    emptyOutDir: true,
    // No data: URIs (the CSP allows 'self' only) and no source maps in the package.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npm run dev` against `make run` on :8000
    proxy: { "/graphql": { target: "http://127.0.0.1:8000", ws: true }, "/exports": "http://127.0.0.1:8000" },
  },
});
