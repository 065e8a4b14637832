/**
 * WebSocket endpoints served by `ws` servers of their own (the web chat adapter's `handleUpgrade`, the chat hub) on
 * the Effect HTTP server's Node server: the Node server's `upgrade` events for a registered path go to that handler
 * and never reach the Effect router.
 */
import { Context, Effect, Layer, type Scope } from "effect"
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { Duplex } from "node:stream"

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void

export class UpgradeRouter extends Context.Tag("@groupbuy/server/UpgradeRouter")<
  UpgradeRouter,
  {
    readonly server: Server
    readonly mount: (path: string, handler: UpgradeHandler) => Effect.Effect<void, never, Scope.Scope>
  }
>() {}

export const UpgradeRouterLive = Layer.sync(UpgradeRouter, () => {
  const server = createServer()
  const handlers = new Map<string, UpgradeHandler>()
  const emit = server.emit.bind(server) as (event: string, ...args: Array<unknown>) => boolean
  server.emit = ((event: string, ...args: Array<unknown>) => {
    if (event === "upgrade") {
      const request = args[0] as IncomingMessage
      const path = (request.url ?? "/").split("?")[0]!
      // a mount path ending in "/" also serves the paths one segment below it (`/ws/procurement/{id}`)
      const handler = handlers.get(path) ?? handlers.get(path.slice(0, path.lastIndexOf("/") + 1))
      if (handler !== undefined) {
        handler(request, args[1] as Duplex, args[2] as Buffer)
        return true
      }
    }
    return emit(event, ...args)
  }) as typeof server.emit
  return UpgradeRouter.of({
    server,
    mount: (path, handler) =>
      Effect.acquireRelease(
        Effect.sync(() => void handlers.set(path, handler)),
        () => Effect.sync(() => void handlers.delete(path))
      )
  })
})
