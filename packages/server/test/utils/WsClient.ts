/** A small WebSocket test client that records every JSON frame and close code. */
import { Effect } from "effect"
import { WebSocket } from "ws"

export interface WsClient {
  readonly frames: Array<Record<string, any>>
  readonly closed: () => { code: number; reason: string } | undefined
  readonly send: (frame: unknown) => Effect.Effect<void>
  /** sends raw text as it is (oversized or malformed frames) */
  readonly sendRaw: (text: string) => Effect.Effect<void>
  /** the first frame (from `from` on) that matches, waiting up to 10 s */
  readonly next: (match: (f: Record<string, any>) => boolean, from?: number) => Effect.Effect<Record<string, any>>
  readonly waitClosed: Effect.Effect<{ code: number; reason: string }>
  readonly close: Effect.Effect<void>
}

export interface WsOptions {
  /**
   * The `Origin` header, as a browser sends it: by default the server's own origin (the URL with http(s)); `null`
   * sends none (a non-browser client).
   */
  readonly origin?: string | null
  /** closes the socket (without waiting for anything) as soon as a frame that matches arrives */
  readonly closeWhen?: (f: Record<string, any>) => boolean
}

/** How a connection attempt ended: open, or refused at the HTTP upgrade with this status. */
export type WsAttempt =
  { readonly _tag: "Open"; readonly client: WsClient } | { readonly _tag: "Refused"; readonly status: number }

const poll = <A>(get: () => A | undefined, what: string) =>
  Effect.async<A>((resume) => {
    const started = Date.now()
    const timer = setInterval(() => {
      const value = get()
      if (value !== undefined) {
        clearInterval(timer)
        resume(Effect.succeed(value))
      } else if (Date.now() - started > 10_000) {
        clearInterval(timer)
        resume(Effect.dieMessage(`timed out waiting for ${what}`))
      }
    }, 10)
    return Effect.sync(() => clearInterval(timer))
  })

const closeSocket = (ws: WebSocket) =>
  // resolves once the closing handshake finished (or after 2 s)
  Effect.async<void>((done) => {
    if (ws.readyState === WebSocket.CLOSED) return done(Effect.void)
    const timer = setTimeout(() => {
      ws.terminate()
      done(Effect.void)
    }, 2000)
    ws.once("close", () => {
      clearTimeout(timer)
      done(Effect.void)
    })
    ws.close()
  })

/** Opens a connection, or reports the HTTP status that refused the upgrade; closed when the scope closes. */
export const attemptWs = (url: string, options: WsOptions = {}) =>
  Effect.acquireRelease(
    Effect.async<{ attempt: WsAttempt; ws: WebSocket }>((resume) => {
      const origin = options.origin === undefined ? new URL(url.replace(/^ws/, "http")).origin : options.origin
      const ws = new WebSocket(url, origin === null ? {} : { origin })
      const frames: Array<Record<string, any>> = []
      let closed: { code: number; reason: string } | undefined
      ws.on("message", (data) => {
        const frame = JSON.parse(String(data))
        frames.push(frame)
        if (options.closeWhen?.(frame)) ws.close()
      })
      ws.on("close", (code, reason) => (closed = { code, reason: String(reason) }))
      ws.on("error", () => undefined)
      ws.once("unexpected-response", (_request, response) => {
        resume(Effect.succeed({ attempt: { _tag: "Refused", status: response.statusCode ?? 0 }, ws }))
        response.resume()
      })
      ws.once("open", () =>
        resume(
          Effect.succeed({
            ws,
            attempt: {
              _tag: "Open",
              client: {
                frames,
                closed: () => closed,
                send: (frame) => Effect.sync(() => ws.send(JSON.stringify(frame))),
                sendRaw: (text) => Effect.sync(() => ws.send(text)),
                next: (match, from = 0) => poll(() => frames.slice(from).find(match), "a frame"),
                waitClosed: poll(() => closed, "close"),
                close: closeSocket(ws)
              }
            }
          })
        )
      )
    }),
    ({ ws }) => closeSocket(ws)
  ).pipe(Effect.map(({ attempt }) => attempt))

/** Opens a connection (dies if the upgrade is refused); closed when the scope closes. */
export const connectWs = (url: string, options: WsOptions = {}) =>
  Effect.flatMap(attemptWs(url, options), (attempt) =>
    attempt._tag === "Open"
      ? Effect.succeed(attempt.client)
      : Effect.dieMessage(`the WebSocket upgrade was refused with HTTP ${attempt.status}`)
  )
