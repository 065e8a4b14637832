/**
 * The deadline sweep on a schedule: at start-up and then every `interval` (a minute by default), ACTIVE procurements
 * whose deadline passed become STOPPED (`Procurements.sweepExpired`, which notifies through the domain events), on one
 * instance at a time. Listings leave such procurements out even before the sweep reaches them. Beside it, hourly, the
 * purge of chat uploads that were never sent.
 */
import { Attachments, Procurements } from "@groupbuy/core"
import { Duration, Effect, Layer, Option, Schedule } from "effect"
import { ServerConfig } from "../config/ServerConfig.js"
import { SingleRunner, SingleRunnerLive } from "./SingleRunner.js"

export const DEADLINE_SWEEP_INTERVAL = Duration.minutes(1)

/** Sweeps now and then every `interval` while the layer lives; a failed sweep is logged and retried next time. */
export const DeadlineSweepLive = (interval: Duration.DurationInput = DEADLINE_SWEEP_INTERVAL) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const procurements = yield* Procurements
      const runner = yield* SingleRunner
      const sweep = runner.run("deadline-sweep", procurements.sweepExpired()).pipe(
        Effect.tap((stopped) =>
          Option.isSome(stopped) && stopped.value > 0
            ? Effect.logInfo("deadline sweep: procurements past their deadline stopped", { stopped: stopped.value })
            : Effect.void
        ),
        Effect.catchAllCause((cause) => Effect.logWarning("deadline sweep failed; retrying on schedule", cause))
      )
      yield* Effect.forkScoped(Effect.repeat(sweep, Schedule.spaced(interval)))
    })
  )

export const ATTACHMENT_PURGE_INTERVAL = Duration.hours(1)

/** Every `interval`, on one instance at a time: chat uploads never sent and older than a day are deleted. */
export const AttachmentPurgeLive = (interval: Duration.DurationInput = ATTACHMENT_PURGE_INTERVAL) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const attachments = yield* Attachments
      const runner = yield* SingleRunner
      const purge = runner.run("attachment-purge", attachments.purgeUnsent()).pipe(
        Effect.tap((removed) =>
          Option.isSome(removed) && removed.value > 0
            ? Effect.logInfo("attachment purge: unsent uploads removed", { removed: removed.value })
            : Effect.void
        ),
        Effect.catchAllCause((cause) => Effect.logWarning("attachment purge failed; retrying on schedule", cause))
      )
      yield* Effect.forkScoped(Effect.repeat(purge, Schedule.spaced(interval)))
    })
  )

/** The schedulers of a server: on every role but the chat node (which serves the hub only). */
export const SchedulersForRole = Layer.unwrapEffect(
  Effect.map(ServerConfig, (settings) =>
    settings.role === "chat"
      ? Layer.empty
      : Layer.merge(DeadlineSweepLive(), AttachmentPurgeLive()).pipe(Layer.provide(SingleRunnerLive))
  )
)
