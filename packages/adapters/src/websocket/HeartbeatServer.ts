/**
 * The WebSocket server plumbing the web chat and the server's chat hub share: the Origin allow-list, refusing an
 * upgrade before a socket exists, and a `noServer` server with a heartbeat.
 */
import type { Duplex } from "node:stream"
import { Effect, type Scope } from "effect"
import { type ServerOptions, type WebSocket, WebSocketServer } from "ws"

/** Whether a browser `Origin` may open a socket: listed (or `"*"` listed), or missing when that is allowed. */
export const originAllowed = (allowed: ReadonlyArray<string>, allowMissing: boolean, origin: string | undefined) =>
  origin === undefined ? allowMissing : allowed.includes("*") || allowed.includes(origin)

/** Answers an HTTP upgrade with an error status and closes the socket (before any WebSocket exists). */
export const refuse = (socket: Duplex, status: number, reason: string) => {
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`
    )
  }
  socket.destroy()
}

/** What the heartbeat needs of a connection: its socket and whether it answered the last ping. */
export interface HeartbeatConnection {
  readonly ws: WebSocket
  alive: boolean
}

/**
 * A `noServer` WebSocket server whose heartbeat pings every live connection each `heartbeatMs` and terminates the
 * ones that did not answer the previous ping (a peer gone without a close frame); on release every connection is
 * closed with `shutdownCode` and the server after them. The widget's `/ws/chat` and the server's hub share it.
 */
export const heartbeatServer = (
  options: Omit<ServerOptions, "noServer" | "clientTracking">,
  live: Iterable<HeartbeatConnection>,
  heartbeatMs: number,
  shutdownCode: number
): Effect.Effect<WebSocketServer, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => {
        const server = new WebSocketServer({ ...options, noServer: true, clientTracking: false })
        const heartbeat = setInterval(() => {
          for (const connection of live) {
            if (!connection.alive) {
              connection.ws.terminate()
              continue
            }
            connection.alive = false
            connection.ws.ping()
          }
        }, heartbeatMs)
        heartbeat.unref()
        return { server, heartbeat }
      }),
      ({ heartbeat, server }) =>
        Effect.async<void>((resume) => {
          clearInterval(heartbeat)
          for (const connection of live) connection.ws.close(shutdownCode, "server shutting down")
          server.close(() => resume(Effect.void))
        })
    ),
    ({ server }) => server
  )
