/**
 * The bot registry (issue #15): the Telegram and VK bots this instance runs are core's `bots` records. Every record
 * with status `active` and role `main` or `referral` runs in its own scope (its token opened with `BotTokens`, the
 * adapter made with the fleet's `TELEGRAM_API_ROOT` / `VK_API_BASE_URL`, added to `BotFleet`, `BotStatuses` and
 * `BotLinks`); a record paused, blocked, deleted, demoted to `fallback` or given another token is stopped (its scope
 * closed). A `fallback` does not run until the failover monitor promotes it with `Bots.setRole(id, "main")`.
 *
 * The registry reconciles on a short period (comparing `Bots.version()` first, so an idle server reads one row) in
 * every instance that runs bots; `reconcileNow()` does it at once, for the API's handlers after they change a record.
 * In an instance that runs no bots (the chat node) `reconcileNow()` does nothing.
 *
 * The loop itself is `BotRegistryLoop.ts`; `PlatformsLive` serves it here while the platforms run.
 */
import { Context, Effect, Layer, Ref, type Scope } from "effect"

export interface BotRegistryService {
  /** Reads the records now and starts / stops bots to match (after an admin or an owner changed a record). */
  readonly reconcileNow: () => Effect.Effect<void>
  /** The ids of the records' bots running in this instance now. */
  readonly running: () => Effect.Effect<ReadonlyArray<string>>
  /** The loop of this instance, while the scope lives (`PlatformsLive`). */
  readonly serve: (loop: {
    readonly reconcileNow: () => Effect.Effect<void>
    readonly running: () => Effect.Effect<ReadonlyArray<string>>
  }) => Effect.Effect<void, never, Scope.Scope>
}

export class BotRegistry extends Context.Tag("@groupbuy/server/BotRegistry")<BotRegistry, BotRegistryService>() {}

type Loop = Parameters<BotRegistryService["serve"]>[0]

const idle: Loop = { reconcileNow: () => Effect.void, running: () => Effect.succeed([]) }

export const BotRegistryLive = Layer.effect(
  BotRegistry,
  Effect.gen(function* () {
    const current = yield* Ref.make<Loop>(idle)
    return BotRegistry.of({
      reconcileNow: () => Effect.flatMap(Ref.get(current), (loop) => loop.reconcileNow()),
      running: () => Effect.flatMap(Ref.get(current), (loop) => loop.running()),
      serve: (loop) => Effect.acquireRelease(Ref.set(current, loop), () => Ref.set(current, idle))
    })
  })
)
