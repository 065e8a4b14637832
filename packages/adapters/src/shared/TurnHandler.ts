/**
 * The seam between an adapter and the conversation engine: one decoded `Update` in, the replies of that turn out,
 * already fitted to the capabilities the adapter declared. `TurnHandler.fromRouter` provides it from the router;
 * tests and the console example may provide their own.
 */
import { type Capabilities, type Reply, Router, type Update } from "@groupbuy/router"
import { Context, Effect, Layer } from "effect"

export interface TurnHandlerService {
  /** never fails: the engine answers its own failures with an apology */
  readonly handle: (update: Update, capabilities: Capabilities) => Effect.Effect<ReadonlyArray<Reply>>
  /** declares a bot's capabilities, so that proactive messages to it can be fitted */
  readonly register: (bot: string, capabilities: Capabilities) => Effect.Effect<void>
}

export class TurnHandler extends Context.Tag("@groupbuy/adapters/TurnHandler")<TurnHandler, TurnHandlerService>() {
  /** The router's `handle` and `register`. */
  static readonly fromRouter: Layer.Layer<TurnHandler, never, Router> = Layer.effect(
    TurnHandler,
    Effect.map(Router, (router) => ({
      handle: (update, capabilities) => router.handle(update, capabilities),
      register: (bot, capabilities) => router.register(bot, capabilities)
    }))
  )
}
