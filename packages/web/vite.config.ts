/**
 * Two pages in one build: the cabinet (dist/index.html, served at `/`) and the admin panel
 * (dist/admin-panel/index.html, served at `/admin-panel/`), sharing hashed assets in dist/assets; no inline scripts
 * (strict CSP).
 */
import react from "@vitejs/plugin-react"
import { defineConfig } from "vite"

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // the CSP allows no inline script, and the wasm kernels must stay a separate file
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: { input: { cabinet: "index.html", admin: "admin-panel/index.html" } },
    // the entry holds React and Effect's HTTP client with core's schemas (~166 kB gzip, `npm run bench`); screens
    // are separate chunks
    chunkSizeWarningLimit: 700
  },
  server: { proxy: { "/api": "http://127.0.0.1:3000", "/ws": { target: "ws://127.0.0.1:3000", ws: true } } }
})
