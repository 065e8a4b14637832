/**
 * The `setup` every flow machine starts from: the engine's events in, replies and requests out, the flow's own
 * context, input and output, and the guards and actions the step builders of `Steps` refer to by name.
 */
import { Either } from "effect"
import {
  type ActionFunction,
  assign,
  emit,
  type GuardPredicate,
  type NonReducibleUnknown,
  type ParameterizedObject,
  setup,
  type Values
} from "xstate"
import type { Reply } from "../../Model.js"
import { type MessageKey, text } from "../../Messages.js"
import type { Problem } from "../parse/Problem.js"
import { isSkipWord } from "../parse/Skip.js"
import type { FlowEmitted, FlowEvent, FlowRequest } from "../Protocol.js"
import {
  actionOf,
  ask,
  failureText,
  type FlowContext,
  isFailed,
  isUserInput,
  reason,
  replyOf,
  requestOf
} from "./Kit.js"

interface EventArgs {
  readonly event: FlowEvent
}

/**
 * What people type to leave an optional field empty, as the profile's prompts invite ("-" to remove): a dash, "нет",
 * "пропустить", "skip", "no", "none" (case and surrounding spaces ignored).
 */

/** The guards every flow machine has. */
const flowGuards = {
  isUserInput: ({ event }: EventArgs) => isUserInput(event),
  /** a skippable step's Skip button, or the same typed in words */
  isSkip: ({ event }: EventArgs) => actionOf(event) === "skip" || (event.type === "text" && isSkipWord(event.text))
}

/** A guard: the button pressed is the one whose action is `name`. */
export const isAction =
  (name: string) =>
  ({ event }: EventArgs) =>
    actionOf(event) === name

/** A guard: the event is the engine's answer to `request`, whatever it is (done, or failed). */
export const isResultOf =
  (request: FlowRequest["_tag"]) =>
  ({ event }: EventArgs) =>
    isFailed(event, request) || (event.type === "io.done" && event.request === request)

/** An action that sets the notice shown above the next prompt. */
const notice = <C extends FlowContext>(
  message: (args: { readonly context: C; readonly event: FlowEvent }) => string | null
) => assign<C, FlowEvent, undefined, FlowEvent, never>((args) => ({ notice: message(args) }) as Partial<C>)

/** An action whose notice is the catalogue's text for `key`. */
export const noticeOf = <C extends FlowContext>(key: MessageKey) =>
  notice<C>(({ context }) => text(context.language, key))

/** An action whose notice says why `parse` refuses the input (none when it accepts it). */
export const rejectBy = <C extends FlowContext>(
  parse: (event: FlowEvent, context: C) => Either.Either<unknown, Problem>
) => notice<C>(({ context, event }) => reason(context.language, parse(event, context)))

/** An action that shows the reply `show` makes of the context. */
export const reply = <C extends FlowContext>(show: (context: C) => Reply) =>
  emit<C, FlowEvent, undefined, FlowEvent, FlowEmitted>(({ context }) => replyOf(show(context)))

/** An action that asks the engine to perform the request `make` makes of the context. */
export const request = <C extends FlowContext>(make: (context: C) => FlowRequest) =>
  emit<C, FlowEvent, undefined, FlowEvent, FlowEmitted>(({ context }) => requestOf(make(context)))

/** The actions every flow machine has. */
const flowActions = <C extends FlowContext>() => ({
  clearNotice: notice<C>(() => null),
  noticeFirstStep: noticeOf<C>("common.firstStep"),
  noticeUnexpected: noticeOf<C>("common.unexpected"),
  noticeFailure: notice<C>(({ context, event }) => failureText(context.language, event)),
  replyWait: reply<C>((context) => ask({ ...context, notice: null }, "common.wait", [], { back: false }))
})

type ParamsMap = Record<string, ParameterizedObject["params"] | undefined>
/** xstate's own (unexported) `ToParameterizedObject`: the `{ type, params }` union of a map of names. */
type Named<T extends ParamsMap> = Values<{ [K in keyof T as K & string]: { type: K & string; params: T[K] } }>
type FlowGuards = { [K in keyof typeof flowGuards]: undefined }
type FlowActions = { [K in keyof ReturnType<typeof flowActions>]: undefined }

/** Guards `G` of a machine whose guards are `GS`. */
type Guards<C extends FlowContext, G extends ParamsMap, GS extends ParamsMap> = {
  [K in keyof G]: GuardPredicate<C, FlowEvent, G[K], Named<GS>>
}
/** Actions `A` of a machine whose actions are `AS` and guards `GS`. */
type Actions<C extends FlowContext, A extends ParamsMap, AS extends ParamsMap, GS extends ParamsMap> = {
  [K in keyof A]: ActionFunction<C, FlowEvent, FlowEvent, A[K], never, Named<AS>, Named<GS>, never, FlowEmitted>
}

/**
 * `setup` for a flow with context `C`, input `I` and output `O`: its own `guards` and `actions` join the shared ones
 * (`isUserInput`, `clearNotice`, `noticeFirstStep`, `noticeUnexpected`, `noticeFailure`, `replyWait`).
 */
export const flowSetup =
  <C extends FlowContext, I, O extends NonReducibleUnknown>() =>
  <G extends ParamsMap, A extends ParamsMap>(implementations: {
    readonly guards: Guards<C, G, G & FlowGuards>
    readonly actions: Actions<C, A, A & FlowActions, G & FlowGuards>
  }) =>
    setup<C, FlowEvent, {}, {}, A & FlowActions, G & FlowGuards, never, string, I, O, FlowEmitted>({
      types: { context: {} as C, input: {} as I, events: {} as FlowEvent, emitted: {} as FlowEmitted, output: {} as O },
      // TypeScript cannot see that a spread of two mapped types is the mapped type of their intersection
      guards: { ...flowGuards, ...implementations.guards } as Guards<C, G & FlowGuards, G & FlowGuards>,
      actions: { ...flowActions<C>(), ...implementations.actions } as Actions<
        C,
        A & FlowActions,
        A & FlowActions,
        G & FlowGuards
      >
    })
