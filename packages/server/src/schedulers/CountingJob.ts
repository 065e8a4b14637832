/** A job that runs on a schedule on one instance at a time and counts what it did. */
import { type Duration, Effect, Layer, Option, Schedule } from "effect"
import { SingleRunner } from "./SingleRunner.js"

/**
 * Runs `job` now and then every `interval` while the layer lives, on one instance at a time (the `SingleRunner` job
 * `name`). A positive count is logged as `done` with `{ [field]: count }`; a failed run is logged (as `label`) and
 * retried next time.
 */
export const countingJobLive = <R>(
  job: Effect.Effect<number, never, R>,
  options: {
    readonly name: string
    readonly label: string
    readonly done: string
    readonly field: string
    readonly interval: Duration.DurationInput
  }
) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const runner = yield* SingleRunner
      const once = runner.run(options.name, job).pipe(
        Effect.tap((count) =>
          Option.isSome(count) && count.value > 0
            ? Effect.logInfo(options.done, { [options.field]: count.value })
            : Effect.void
        ),
        Effect.catchAllCause((cause) => Effect.logWarning(`${options.label} failed; retrying on schedule`, cause))
      )
      yield* Effect.forkScoped(Effect.repeat(once, Schedule.spaced(options.interval)))
    })
  )
