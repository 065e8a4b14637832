/**
 * The web cabinet (`packages/web/dist`, a Vite build) at `/`: its files as built, and `index.html` for every other GET
 * the server has no route for (the SPA's own routes: `/login?code=…`, `/procurements/42/chat`, …). The admin panel,
 * the build's second page, answers every path under `/admin-panel/` with `admin-panel/index.html` (its own routes:
 * `/admin-panel/users?role=buyer`, …); `/admin-panel` without the slash is redirected there. Paths under `/api/` and
 * `/ws/` are never a page: an unknown one there stays a 404.
 *
 * Caching: `assets/*` carry a content hash in their names, so they are immutable for a year; `index.html` is
 * `no-cache` (a deployment is seen at once); other files (icons) an hour. The files are read once at start-up (the
 * build is under a megabyte). The CSP comes from SecurityHeaders.ts like on every page: the build has no inline
 * script, so `script-src 'self'` holds.
 */
import { HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Layer } from "effect"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { extname, join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"

/** Where `npm run build -w @groupbuy/web` writes the cabinet. */
export const WEB_DIST = fileURLToPath(new URL("../../../web/dist/", import.meta.url))

/** Paths that belong to the server: never answered with a page. */
export const NOT_THE_CABINET = /^\/(api|ws)(\/|$)/

/** Where the admin panel is served, and its page in the build. */
export const ADMIN_PANEL = "/admin-panel/"
const ADMIN_PAGE = "/admin-panel/index.html"

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json"
}

interface WebFile {
  readonly body: Uint8Array
  readonly contentType: string
  readonly cacheControl: string
}

const cacheControlOf = (path: string) =>
  path === "/index.html" || path === ADMIN_PAGE
    ? "no-cache"
    : path.startsWith("/assets/")
      ? "public, max-age=31536000, immutable"
      : "public, max-age=3600"

/** Every file of the build by its URL path (`/index.html`, `/assets/app-1a2b.js`). */
export const readWebBuild = (dist: string): ReadonlyMap<string, WebFile> => {
  const files = new Map<string, WebFile>()
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name)
      if (statSync(full).isDirectory()) walk(full)
      else {
        const path = `/${relative(dist, full).split(sep).join("/")}`
        files.set(path, {
          body: readFileSync(full),
          contentType: TYPES[extname(name).toLowerCase()] ?? "application/octet-stream",
          cacheControl: cacheControlOf(path)
        })
      }
    }
  }
  if (existsSync(join(dist, "index.html"))) walk(dist)
  return files
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GroupBuy</title></head>
<body><h1>The web cabinet is not built</h1><p>Run <code>npm run build -w @groupbuy/web</code> (or <code>npm start</code>,
which builds it when missing) and restart the server.</p><p><a href="/widget">Web chat</a> · <a href="/api/docs">API</a></p>
</body></html>`

const respond = (file: WebFile) =>
  HttpServerResponse.uint8Array(file.body, {
    contentType: file.contentType,
    headers: { "cache-control": file.cacheControl }
  })

/** The cabinet's routes over the files of a build directory. */
export const webRoutes = (dist: string = WEB_DIST) =>
  Layer.unwrapEffect(
    Effect.sync(() => {
      const files = readWebBuild(dist)
      const index = files.get("/index.html")
      const handler = Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
        let path: string
        try {
          path = decodeURIComponent(new URL(request.url, "http://x").pathname)
        } catch {
          return HttpServerResponse.empty({ status: 400 })
        }
        if (NOT_THE_CABINET.test(path)) return HttpServerResponse.empty({ status: 404 })
        if (path === "/admin-panel") return HttpServerResponse.redirect(ADMIN_PANEL, { status: 301 })
        const file = files.get(path)
        if (file !== undefined && path !== "/index.html" && path !== ADMIN_PAGE) return respond(file)
        // a missing hashed asset is a stale page asking for an old build: 404, not HTML under a .js name
        if (path.startsWith("/assets/")) return HttpServerResponse.empty({ status: 404 })
        const page = path.startsWith(ADMIN_PANEL) ? files.get(ADMIN_PAGE) : index
        return page === undefined
          ? HttpServerResponse.text(NOT_BUILT, {
              status: 503,
              contentType: "text/html; charset=utf-8",
              headers: { "cache-control": "no-store" }
            })
          : respond(page)
      })
      return Layer.mergeAll(HttpLayerRouter.add("GET", "/", handler), HttpLayerRouter.add("GET", "/*", handler))
    })
  )

/** The built cabinet of this checkout (`packages/web/dist`). */
export const WebRoutes = webRoutes()
