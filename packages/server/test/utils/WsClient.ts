/** A small WebSocket test client that records every JSON frame and close code. */
import { Effect } from "effect"
import { WebSocket } from "ws"

export interface WsClient {
  readonly frames: Array<Record<string, any>>
  readonly closed: () => { code: number; reason: string } | undefined
  readonly send: (frame: unknown) => Effect.Effect<void>
  /** the first frame (from `from` on) that matches, waiting up to 10 s */
  readonly next: (match: (f: Record<string, any>) => boolean, from?: number) => Effect.Effect<Record<string, any>>
  readonly waitClosed: Effect.Effect<{ code: number; reason: string }>
  readonly close: Effect.Effect<void>
}

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

export const connectWs = (url: string) =>
  Effect.acquireRelease(
    Effect.async<WsClient>((resume) => {
      const ws = new WebSocket(url)
      const frames: Array<Record<string, any>> = []
      let closed: { code: number; reason: string } | undefined
      ws.on("message", (data) => frames.push(JSON.parse(String(data))))
      ws.on("close", (code, reason) => (closed = { code, reason: String(reason) }))
      ws.on("error", () => undefined)
      ws.once("open", () =>
        resume(
          Effect.succeed({
            frames,
            closed: () => closed,
            send: (frame) => Effect.sync(() => ws.send(JSON.stringify(frame))),
            next: (match, from = 0) => poll(() => frames.slice(from).find(match), "a frame"),
            waitClosed: poll(() => closed, "close"),
            // resolves once the closing handshake finished (or after 2 s)
            close: Effect.async<void>((done) => {
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
          })
        )
      )
    }),
    (c) => c.close
  )
