/**
 * Hosting the conversation flows in a chat: a turn of the active flow's machine (restored from the session), its
 * requests performed by `performRequest`, its snapshot stored back — or removed when the flow is done.
 */
import type { User } from "@groupbuy/core"
import { Effect, Schema } from "effect"
import type { AnyStateMachine } from "xstate"
import { type FlowName, flows, migrateSnapshot } from "../flows/index.js"
import { type Language, text } from "../Messages.js"
import type { Reply } from "../Model.js"
import { flowActionData } from "./ActionCode.js"
import { performRequest } from "./FlowRequests.js"
import { runFlowTurn, type UnstampedEvent } from "./FlowRunner.js"
import { emit, type TurnState, withoutFlow } from "./Turn.js"
import { say } from "./Views.js"

/** A turn after a flow step, and the flow's name when that step finished it. */
export interface Hosted {
  readonly turn: TurnState
  readonly finished: FlowName | undefined
}

export const flowLabel = (language: Language, name: FlowName) => text(language, `flow.${name}`)

const wrapFlowReply = (reply: Reply): Reply =>
  reply._tag === "Toast" || reply.keyboard === undefined
    ? reply
    : {
        ...reply,
        keyboard: {
          rows: reply.keyboard.rows.map((row) =>
            row.map((b) => (b._tag === "Action" ? { ...b, data: flowActionData(b.data) } : b))
          )
        }
      }

/** Runs one turn of flow `name` (a start when `event` is undefined or the stored snapshot cannot be carried over). */
const runFlow = (turn: TurnState, name: FlowName, input: unknown, event: UnstampedEvent | undefined) =>
  Effect.gen(function* () {
    const definition = flows[name]
    const stored = turn.session.flow
    let restarted: ReadonlyArray<Reply> = []
    let snapshot = undefined
    let send = event
    if (stored !== undefined && stored.name === name && event !== undefined) {
      snapshot = migrateSnapshot(name, stored.version, stored.snapshot)
      if (snapshot === undefined) {
        // an older version that cannot be carried over: restart politely, never leave the user stuck
        restarted = [say(turn.language, "flow.restarted", { flow: flowLabel(turn.language, name) })]
        send = undefined
      }
    }
    const decodedInput = yield* Schema.decodeUnknown(definition.input as Schema.Schema<unknown>)(input).pipe(
      Effect.orDie
    )
    // a registration inside the turn makes the account known to the requests after it
    let user: User | undefined = turn.user
    const result = yield* runFlowTurn({
      flow: name,
      machine: definition.machine as AnyStateMachine,
      input: decodedInput,
      snapshot,
      event: send,
      perform: (request) =>
        Effect.map(performRequest({ ref: turn.ref, user, language: turn.language }, request), (performed) => {
          if (performed.user !== undefined) user = performed.user
          return performed.event
        })
    })
    const replied = emit({ ...turn, user }, ...restarted, ...result.replies.map(wrapFlowReply))
    if (result.done) {
      const { flow: _ended, ...rest } = replied.session
      return { turn: { ...replied, session: rest }, finished: name } satisfies Hosted
    }
    const flow = {
      name,
      version: definition.version,
      input: decodedInput,
      snapshot: result.snapshot,
      updatedAt: turn.now
    }
    return { turn: { ...replied, session: { ...replied.session, flow } }, finished: undefined } satisfies Hosted
  })

/** Starts flow `name` afresh (a flow or prompt in progress is dropped). */
export const startFlow = (turn: TurnState, name: FlowName, input: unknown) =>
  runFlow({ ...turn, session: withoutFlow(turn.session) }, name, input, undefined)

/** Feeds `event` to the active flow; undefined when no flow is active. */
export const continueFlow = (turn: TurnState, event: UnstampedEvent) => {
  const flow = turn.session.flow
  return flow === undefined ? undefined : runFlow(turn, flow.name, flow.input, event)
}
