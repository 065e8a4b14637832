/**
 * The real engine for end-to-end adapter tests: the router (in-memory sessions, test payment gateway, the given
 * broadcast channels) over every core Live layer on a fresh PGlite database, with `Deliver` provided by a
 * `BotFleet` of the running bots.
 */
import { CoreServicesLive } from "@groupbuy/core"
import { PgliteTest } from "@groupbuy/core/testing"
import {
  type BroadcastChannel,
  BroadcastChannelsStatic,
  PaymentGatewayTest,
  RouterLive,
  type RouterOptions,
  SessionStoreMemory
} from "@groupbuy/router"
import { Effect, Layer } from "effect"
import { AdapterEvents } from "../../src/shared/AdapterEvents.js"
import { BotFleet } from "../../src/shared/BotFleet.js"
import { TurnHandler } from "../../src/shared/TurnHandler.js"

/**
 * Router + core + fleet + adapter events: everything a bot needs; the fleet delivers proactive messages. Every part
 * is `Layer.fresh`: @effect/vitest memoises layers across the suites of a file, and each suite needs its own engine.
 */
export const engineLayer = (channels: ReadonlyArray<BroadcastChannel> = [], options: RouterOptions = {}) =>
  Layer.fresh(TurnHandler.fromRouter).pipe(
    Layer.provideMerge(RouterLive(options)),
    Layer.provideMerge(
      Layer.mergeAll(
        Layer.fresh(SessionStoreMemory),
        BroadcastChannelsStatic(channels),
        Layer.fresh(PaymentGatewayTest),
        Layer.fresh(BotFleet.layer)
      )
    ),
    Layer.provideMerge(Layer.fresh(AdapterEvents.layer)),
    Layer.provideMerge(Layer.fresh(CoreServicesLive).pipe(Layer.provideMerge(PgliteTest)))
  )

/** The engine's `TurnHandler`, counting the turns it completed (drivers wait for them). */
export const countingTurns = Effect.map(TurnHandler, (base) => {
  let completed = 0
  const handler = TurnHandler.of({
    handle: (update, capabilities) =>
      Effect.ensuring(
        base.handle(update, capabilities),
        Effect.sync(() => void completed++)
      ),
    register: base.register
  })
  return { handler, turns: () => completed }
})
