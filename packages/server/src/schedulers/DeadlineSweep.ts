/**
 * The deadline sweep on a schedule: at start-up and then every `interval` (a minute by default), ACTIVE procurements
 * whose deadline passed become STOPPED (`Procurements.sweepExpired`, which notifies through the domain events), on one
 * instance at a time. Listings leave such procurements out even before the sweep reaches them.
 */
import { Procurements } from "@groupbuy/core"
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

/** The schedulers of a server: on every role but the chat node (which serves the hub only). */
export const SchedulersForRole = Layer.unwrapEffect(
  Effect.map(ServerConfig, (settings) =>
    settings.role === "chat" ? Layer.empty : DeadlineSweepLive().pipe(Layer.provide(SingleRunnerLive))
  )
)
