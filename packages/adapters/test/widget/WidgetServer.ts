/**
 * The host page for the widget's browser tests, as a real deployment would serve it: one HTTP server on 127.0.0.1
 * with the page, `/widget.js` (built by esbuild exactly like `npm run build`), the guest-token endpoint and the
 * WebSocket endpoint `/ws/chat` mounted through the adapter's `handleUpgrade`.
 */
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { Effect, Either } from "effect"
import { build } from "esbuild"
import * as ChatToken from "../../src/websocket/ChatToken.js"
import * as WebSocketAdapter from "../../src/websocket/WebSocketAdapter.js"

export const tokens: ChatToken.TokenConfig = {
  secret: "widget-test-secret-widget-test-secret-0123",
  issuer: "groupbuy-widget-test",
  audience: "groupbuy-chat"
}

/** The same options as the package's `build` script. */
export const buildWidget = Effect.promise(async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("../../src/widget/ChatWidget.ts", import.meta.url))],
    bundle: true,
    format: "iife",
    target: "es2020",
    minify: true,
    legalComments: "none",
    write: false
  })
  return result.outputFiles[0]!.text
})

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    request.on("error", reject)
  })

const page = (server: string, theme: string | undefined) => `<!doctype html>
<html lang="ru">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Магазин</title>
<style>body { font-family: sans-serif; margin: 40px; background: #fafafa; }</style></head>
<body>
<h1>Совместные закупки</h1>
<p>Страница магазина со встроенным чатом.</p>
<script src="/widget.js" data-server="${server}"${theme === undefined ? "" : ` data-theme="${theme}"`} defer></script>
</body>
</html>`

/** Serves the widget over the adapter, routing turns to the `TurnHandler` in context. */
export const serveWidget = Effect.gen(function* () {
  const script = yield* buildWidget
  let chat: WebSocketAdapter.WebSocketChat | undefined
  let origin = ""
  const upgraded = new Set<import("node:stream").Duplex>()
  const run = (effect: Effect.Effect<unknown, unknown>) => Effect.runPromise(Effect.either(effect))
  const server = yield* Effect.acquireRelease(
    Effect.async<Server>((resume) => {
      const http = createServer((request, response) => {
        const url = new URL(request.url ?? "/", origin)
        if (request.method === "GET" && url.pathname === "/widget.js") {
          response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script)
        } else if (request.method === "GET" && url.pathname === "/") {
          const theme = url.searchParams.get("theme") ?? undefined
          response
            .writeHead(200, { "content-type": "text/html; charset=utf-8" })
            .end(page(`${origin.replace(/^http/, "ws")}/ws/chat`, theme))
        } else if (request.method === "POST" && url.pathname === "/api/chat/token") {
          void readBody(request).then(async (body) => {
            let previous: unknown
            try {
              previous = (JSON.parse(body || "{}") as { previous?: unknown }).previous
            } catch {
              previous = undefined
            }
            const issued = await run(
              typeof previous === "string"
                ? ChatToken.renewGuestToken(tokens, previous)
                : ChatToken.issueGuestToken(tokens)
            )
            if (Either.isLeft(issued)) {
              response.writeHead(401, { "content-type": "application/json" }).end('{"error":"invalid token"}')
              return
            }
            const { expiresAt, token } = issued.right as ChatToken.IssuedToken
            response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, expiresAt }))
          })
        } else if (url.pathname === "/favicon.ico") {
          response.writeHead(204).end()
        } else {
          response.writeHead(404).end()
        }
      })
      http.on("upgrade", (request, socket, head) => {
        if (new URL(request.url ?? "/", origin).pathname === "/ws/chat" && chat !== undefined) {
          upgraded.add(socket)
          socket.once("close", () => upgraded.delete(socket))
          chat.handleUpgrade(request, socket, head)
        } else socket.destroy()
      })
      http.listen(0, "127.0.0.1", () => resume(Effect.succeed(http)))
    }),
    (http) =>
      Effect.async<void>((resume) => {
        http.closeAllConnections()
        http.close(() => resume(Effect.void))
      })
  )
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  chat = yield* WebSocketAdapter.make({ id: "web", tokens, allowedOrigins: [origin] }).pipe(Effect.orDie)
  /** cuts every WebSocket connection abruptly, like a network failure */
  const dropConnections = () => {
    for (const socket of upgraded) socket.destroy()
  }
  return { origin, chat, dropConnections }
})
