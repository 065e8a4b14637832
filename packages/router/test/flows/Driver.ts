/**
 * A pure test driver for flow machines, one turn at a time as the engine runs them: restore the JSON snapshot →
 * send one event → collect what the machine emitted → persist → JSON round trip. Also records which transition
 * definitions fired, so generated-path tests can prove every transition was taken.
 */
import {
  type AnyStateMachine,
  type AnyTransitionDefinition,
  createActor,
  type InputFrom,
  type Snapshot,
  type StateValue
} from "xstate"
import type { Reply } from "../../src/Model.js"
import type { FlowEvent, FlowRequest } from "../../src/flows/Protocol.js"

/** 21.11.2026 12:00 Moscow time (09:00 UTC). */
export const NOW = Date.UTC(2026, 10, 21, 9, 0, 0)

export interface Turn {
  readonly replies: ReadonlyArray<Reply>
  readonly requests: ReadonlyArray<FlowRequest>
  /** the persisted snapshot, after a JSON round trip */
  readonly snapshot: Snapshot<unknown>
  readonly status: "active" | "done" | "error" | "stopped"
  readonly value: StateValue
  readonly context: Record<string, unknown>
  readonly output: unknown
  readonly transitions: ReadonlyArray<AnyTransitionDefinition>
  /** restoring the persisted JSON gives the same state value and context */
  readonly restoresExactly: boolean
}

/** One turn: start the machine (no snapshot) or restore it, then send `event` (if any). */
export const turn = <M extends AnyStateMachine>(
  machine: M,
  options: {
    readonly input: InputFrom<M>
    readonly snapshot?: Snapshot<unknown> | undefined
    readonly event?: FlowEvent | undefined
  }
): Turn => {
  const replies: Array<Reply> = []
  const requests: Array<FlowRequest> = []
  const transitions: Array<AnyTransitionDefinition> = []
  const restored = options.snapshot === undefined ? undefined : JSON.parse(JSON.stringify(options.snapshot))
  const actor = createActor(machine as AnyStateMachine, {
    input: options.input,
    ...(restored === undefined ? {} : { snapshot: restored }),
    inspect: (e) => {
      if (e.type === "@xstate.microstep")
        transitions.push(...(e as unknown as { _transitions: Array<AnyTransitionDefinition> })._transitions)
    }
  })
  const subs = [
    actor.on("reply", (e: { reply: Reply }) => replies.push(e.reply)),
    actor.on("request", (e: { request: FlowRequest }) => requests.push(e.request))
  ]
  actor.start()
  if (options.event !== undefined) actor.send(options.event)
  const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as Snapshot<unknown>
  const current = actor.getSnapshot()
  for (const sub of subs) sub.unsubscribe()
  actor.stop()
  const again = createActor(machine as AnyStateMachine, { input: options.input, snapshot: persisted })
  const restoredState = again.getSnapshot()
  const restoresExactly =
    JSON.stringify(restoredState.value) === JSON.stringify(current.value) &&
    JSON.stringify(restoredState.context) === JSON.stringify(current.context) &&
    restoredState.status === current.status
  return {
    restoresExactly,
    replies,
    requests,
    snapshot: persisted,
    status: current.status,
    value: current.value,
    context: current.context,
    output: current.output,
    transitions
  }
}

/** A scripted conversation: starts the machine, then `send` feeds one event per turn through a JSON snapshot. */
export class MachineDriver<M extends AnyStateMachine> {
  last: Turn
  readonly history: Array<Turn> = []

  constructor(
    readonly machine: M,
    readonly input: InputFrom<M>
  ) {
    this.last = turn(machine, { input })
    this.history.push(this.last)
  }

  send(event: FlowEvent): Turn {
    this.last = turn(this.machine, { input: this.input, snapshot: this.last.snapshot, event })
    this.history.push(this.last)
    return this.last
  }

  /** The plain text of the last turn's replies (spans joined, replies separated by a blank line). */
  get text(): string {
    return this.last.replies.map(replyText).join("\n\n")
  }
}

export const replyText = (reply: Reply): string =>
  reply._tag === "Toast"
    ? reply.text
    : (reply._tag === "Image" || reply._tag === "Document" ? reply.caption : reply.text).map((s) => s.text).join("")

/** Every button's `data` / `url` / label on the last reply, flattened. */
export const buttons = (reply: Reply | undefined) =>
  reply === undefined || reply._tag === "Toast" || reply.keyboard === undefined ? [] : reply.keyboard.rows.flat()

export const actionsOf = (reply: Reply | undefined): ReadonlyArray<string> =>
  buttons(reply).flatMap((b) => (b._tag === "Action" ? [b.data] : []))

export const ev = {
  text: (text: string, now = NOW): FlowEvent => ({ type: "text", text, now }),
  action: (action: string, now = NOW): FlowEvent => ({ type: "action", action, now }),
  contact: (phone: string, own = true, now = NOW): FlowEvent => ({ type: "contact", phone, own, now }),
  media: (kind: "photo" | "file", url: string, now = NOW): FlowEvent => ({ type: "media", kind, url, now }),
  back: (now = NOW): FlowEvent => ({ type: "back", now }),
  done: (request: FlowRequest["_tag"], data: unknown, now = NOW): FlowEvent => ({
    type: "io.done",
    request,
    data,
    now
  }),
  failed: (
    request: FlowRequest["_tag"],
    code: string,
    message: string,
    params?: Record<string, string>,
    now = NOW
  ): FlowEvent =>
    params === undefined
      ? { type: "io.failed", request, code, message, now }
      : { type: "io.failed", request, code, message, params, now }
}
