/**
 * The web chat widget's demo page at `/widget` (the cabinet has `/`): a small page that loads `/widget.js` (the adapters' esbuild bundle). When the bundle
 * has not been built yet (`npm start` on a fresh checkout) it is built once, in memory, on first request.
 */
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { Effect, Layer } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { ServerConfig } from "../config/ServerConfig.js"

const adaptersRoot = () => dirname(dirname(createRequire(import.meta.url).resolve("@groupbuy/adapters")))

/** The widget bundle: dist/widget.js, or built from source with esbuild when missing. */
export const widgetBundle = Effect.cached(
  Effect.tryPromise(async () => {
    const root = adaptersRoot()
    const built = join(root, "dist", "widget.js")
    if (existsSync(built)) return readFileSync(built, "utf8")
    const esbuild = await import("esbuild")
    const result = await esbuild.build({
      entryPoints: [join(root, "src", "widget", "ChatWidget.ts")],
      bundle: true,
      format: "iife",
      target: "es2020",
      minify: true,
      legalComments: "none",
      write: false
    })
    return result.outputFiles[0]!.text
  })
)

const escapeAttribute = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)

/** The web chat's WebSocket URL, from `PUBLIC_URL` (never from request headers, which the client chooses). */
export const widgetSocketUrl = (publicUrl: string) => {
  const url = new URL(publicUrl)
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:"
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/ws/chat`
  url.search = ""
  url.hash = ""
  return url.href
}

const indexHtml = (server: string) => `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>GroupBuy — совместные закупки</title>
<style>body{font:16px system-ui,sans-serif;margin:0;padding:2rem;max-width:48rem}</style></head>
<body><h1>GroupBuy</h1><p>Совместные закупки в чате. Напишите <code>/start</code> в окне чата.</p>
<p><a href="/login">Личный кабинет</a> · <a href="/api/docs">API</a></p>
<script src="/widget.js" data-server="${escapeAttribute(server)}" data-open defer></script>
</body></html>`

export const WidgetRoutes = Layer.unwrapEffect(
  Effect.all([widgetBundle, ServerConfig]).pipe(
    Effect.map(([bundle, config]) => {
      // the widget needs an absolute ws:// URL of this server: the configured public one, the same for every request
      const page = indexHtml(widgetSocketUrl(config.publicUrl))
      return Layer.mergeAll(
        HttpLayerRouter.add(
          "GET",
          "/widget",
          Effect.sync(() => HttpServerResponse.text(page, { contentType: "text/html; charset=utf-8" }))
        ),
        HttpLayerRouter.add(
          "GET",
          "/widget.js",
          Effect.map(bundle, (js) =>
            HttpServerResponse.text(js, {
              contentType: "application/javascript; charset=utf-8",
              headers: { "cache-control": "public, max-age=300" }
            })
          ).pipe(Effect.orElseSucceed(() => HttpServerResponse.text("widget unavailable", { status: 503 })))
        )
      )
    })
  )
)
