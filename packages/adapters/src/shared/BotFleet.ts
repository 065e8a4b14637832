/**
 * The bots running in this process, by fleet id, and the router's `Deliver` port over them: a proactive message
 * for `ref` goes out through the bot `ref.bot`. Bots are added after they start, which breaks the cycle
 * router → Deliver → bots → router.
 */
import { type ChatRef, Deliver, DeliveryFailed, type DeliveryReceipt, type Reply } from "@groupbuy/router"
import { Context, Effect, Layer, type Scope } from "effect"
import type { OutboundStats } from "./OutboundQueue.js"

/** What the fleet needs of a running bot (Telegram, VK, or any other adapter). */
export interface FleetBot {
  readonly id: string
  readonly deliver: (
    ref: ChatRef,
    replies: ReadonlyArray<Reply>
  ) => Effect.Effect<DeliveryReceipt | void, { readonly unreachable: boolean }>
  readonly stats: Effect.Effect<OutboundStats>
}

export interface BotFleetService {
  /** adds a bot for as long as the scope lives */
  readonly add: (bot: FleetBot) => Effect.Effect<void, never, Scope.Scope>
  readonly get: (id: string) => FleetBot | undefined
  readonly ids: () => ReadonlyArray<string>
}

export class BotFleet extends Context.Tag("@groupbuy/adapters/BotFleet")<BotFleet, BotFleetService>() {
  /** The registry and the `Deliver` port over it. */
  static readonly layer: Layer.Layer<BotFleet | Deliver> = Layer.effectContext(
    Effect.sync(() => {
      const bots = new Map<string, FleetBot>()
      const fleet: BotFleetService = {
        add: (bot) =>
          Effect.acquireRelease(
            Effect.sync(() => void bots.set(bot.id, bot)),
            () => Effect.sync(() => void bots.delete(bot.id))
          ),
        get: (id) => bots.get(id),
        ids: () => [...bots.keys()]
      }
      const deliver = Deliver.of({
        deliver: (ref, replies) => {
          const bot = bots.get(ref.bot)
          if (bot === undefined)
            return Effect.fail(new DeliveryFailed({ ref, unreachable: false, cause: `no running bot ${ref.bot}` }))
          return bot
            .deliver(ref, replies)
            .pipe(Effect.mapError((cause) => new DeliveryFailed({ ref, unreachable: cause.unreachable, cause })))
        }
      })
      return Context.make(BotFleet, fleet).pipe(Context.add(Deliver, deliver))
    })
  )
}
