/**
 * The bots this server runs and how each is doing, for the admin panel: registered as `PlatformsLive` starts them
 * (stopped when their scope closes), marked unhealthy / running again from the adapters' health reports
 * (`AdapterEventsLive`), with their outbound queue's figures.
 */
import type { OutboundQueue } from "@groupbuy/adapters"
import type { BotStatus } from "@groupbuy/core"
import { Clock, Context, DateTime, Effect, Layer, Ref, type Scope } from "effect"

interface Entry {
  readonly id: string
  readonly platform: BotStatus["platform"]
  readonly username: string | null
  readonly state: BotStatus["state"]
  readonly startedAt: number
  readonly lastError: { readonly reason: string; readonly detail: string; readonly at: number } | null
  readonly stats: Effect.Effect<OutboundQueue.OutboundStats>
}

export interface BotStatusesService {
  /** A bot started; it is shown `stopped` once the scope closes. */
  readonly register: (bot: {
    readonly id: string
    readonly platform: BotStatus["platform"]
    readonly username: string | null
    readonly stats: Effect.Effect<OutboundQueue.OutboundStats>
  }) => Effect.Effect<void, never, Scope.Scope>
  readonly unhealthy: (id: string, reason: string, detail: string) => Effect.Effect<void>
  readonly healthy: (id: string) => Effect.Effect<void>
  readonly list: Effect.Effect<ReadonlyArray<BotStatus>>
}

export class BotStatuses extends Context.Tag("@groupbuy/server/BotStatuses")<BotStatuses, BotStatusesService>() {}

export const BotStatusesLive = Layer.effect(
  BotStatuses,
  Effect.gen(function* () {
    const entries = yield* Ref.make(new Map<string, Entry>())
    const update = (id: string, f: (entry: Entry) => Entry) =>
      Ref.update(entries, (map) => {
        const entry = map.get(id)
        return entry === undefined ? map : new Map(map).set(id, f(entry))
      })

    const register: BotStatusesService["register"] = (bot) =>
      Effect.gen(function* () {
        const startedAt = yield* Clock.currentTimeMillis
        yield* Ref.update(entries, (map) =>
          new Map(map).set(bot.id, { ...bot, state: "running", startedAt, lastError: null })
        )
        yield* Effect.addFinalizer(() => update(bot.id, (entry) => ({ ...entry, state: "stopped" })))
      })

    const unhealthy = (id: string, reason: string, detail: string) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) =>
        update(id, (entry) => ({ ...entry, state: "unhealthy", lastError: { reason, detail, at } }))
      )

    const healthy = (id: string) =>
      update(id, (entry) => (entry.state === "unhealthy" ? { ...entry, state: "running" } : entry))

    const list = Effect.gen(function* () {
      const map = yield* Ref.get(entries)
      return yield* Effect.forEach([...map.values()], (entry) =>
        Effect.gen(function* () {
          const stats = entry.state === "stopped" ? undefined : yield* entry.stats
          return {
            id: entry.id,
            platform: entry.platform,
            username: entry.username,
            state: entry.state,
            startedAt: DateTime.unsafeMake(entry.startedAt),
            lastError:
              entry.lastError === null
                ? null
                : {
                    reason: entry.lastError.reason,
                    detail: entry.lastError.detail,
                    at: DateTime.unsafeMake(entry.lastError.at)
                  },
            outbound:
              stats === undefined
                ? null
                : { sent: stats.sent, failed: stats.failed, pending: stats.pending, retried: stats.retried }
          } satisfies BotStatus
        })
      )
    })

    return BotStatuses.of({ register, unhealthy, healthy, list })
  })
)
