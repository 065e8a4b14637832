/**
 * One turn of a flow machine: restore the persisted snapshot (or start from input), send the event, collect emitted
 * replies and requests, perform each request through `perform` and feed the outcome back, then persist and stop.
 * Machines are pure, so a turn is replayable; an error inside a machine ends the turn as `error` (never a throw).
 */
import { Clock, Data, Effect } from "effect"
import { type AnyStateMachine, createActor, type Snapshot } from "xstate"
import type { FlowEvent, FlowRequest } from "../flows/Protocol.js"
import type { Reply } from "../Model.js"

/** The machine failed (an action threw, or the snapshot could not be restored). */
export class FlowCrashed extends Data.TaggedError("FlowCrashed")<{ readonly flow: string; readonly cause: unknown }> {}

/** An event without its clock stamp: the runner adds `now`. */
export type UnstampedEvent = FlowEvent extends infer E ? (E extends FlowEvent ? Omit<E, "now"> : never) : never

export interface TurnResult {
  readonly replies: ReadonlyArray<Reply>
  readonly snapshot: unknown
  readonly done: boolean
  readonly output: unknown
}

/** More requests than this in one turn means a machine loops: the turn fails instead of spinning. */
const MAX_REQUESTS_PER_TURN = 16

export const runFlowTurn = <E, R>(options: {
  readonly flow: string
  readonly machine: AnyStateMachine
  readonly input: unknown
  readonly snapshot: Snapshot<unknown> | undefined
  readonly event: UnstampedEvent | undefined
  readonly perform: (request: FlowRequest) => Effect.Effect<UnstampedEvent, E, R>
}): Effect.Effect<TurnResult, FlowCrashed | E, R> =>
  Effect.gen(function* () {
    const replies: Array<Reply> = []
    const requests: Array<FlowRequest> = []
    let failure: unknown = undefined
    let failed = false
    const actor = yield* Effect.try({
      try: () =>
        createActor(options.machine, {
          input: options.input,
          ...(options.snapshot === undefined ? {} : { snapshot: options.snapshot })
        }),
      catch: (cause) => new FlowCrashed({ flow: options.flow, cause })
    })
    actor.on("reply", (emitted: { readonly reply: Reply }) => {
      replies.push(emitted.reply)
    })
    actor.on("request", (emitted: { readonly request: FlowRequest }) => {
      requests.push(emitted.request)
    })
    // an error observer keeps xstate from re-throwing asynchronously
    actor.subscribe({
      error: (cause) => {
        failed = true
        failure = cause
      }
    })
    const guarded = (run: () => void) =>
      Effect.try({ try: run, catch: (cause) => new FlowCrashed({ flow: options.flow, cause }) }).pipe(
        Effect.flatMap(() =>
          failed ? Effect.fail(new FlowCrashed({ flow: options.flow, cause: failure })) : Effect.void
        )
      )
    const send = (event: UnstampedEvent) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => guarded(() => actor.send({ ...event, now } as FlowEvent)))
    return yield* Effect.gen(function* () {
      yield* guarded(() => actor.start())
      if (options.event !== undefined) yield* send(options.event)
      let performed = 0
      while (requests.length > 0) {
        performed += 1
        if (performed > MAX_REQUESTS_PER_TURN) {
          return yield* new FlowCrashed({ flow: options.flow, cause: "too many requests in one turn" })
        }
        const request = requests.shift()!
        const outcome = yield* options.perform(request)
        yield* send(outcome)
      }
      const snapshot = actor.getSnapshot()
      if (snapshot.status === "error") return yield* new FlowCrashed({ flow: options.flow, cause: snapshot.error })
      const persisted = actor.getPersistedSnapshot()
      // a JSON round trip now: what we store is exactly what a restart restores
      return {
        replies,
        snapshot: JSON.parse(JSON.stringify(persisted)) as unknown,
        done: snapshot.status === "done",
        output: snapshot.output
      }
    }).pipe(Effect.ensuring(Effect.sync(() => actor.stop())))
  })
