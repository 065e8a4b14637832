/** Reply and event helpers and the step builders every flow machine shares (its `setup` is `FlowSetup`'s). */
import type { Language } from "@groupbuy/core"
import { Either } from "effect"
import type { Button, Reply, Span } from "../../Model.js"
import { type MessageKey, t } from "../messages.js"
import type { Problem } from "../parse/Problem.js"
import { CANCEL_ACTION, BACK_ACTION, type FlowEvent, type FlowRequest } from "../Protocol.js"

/** What every flow keeps: the user's language and a notice (why the last input was refused) for the next prompt. */
export interface FlowContext {
  readonly language: Language
  readonly notice: string | null
}

export type Row = ReadonlyArray<Button>

export const action = (label: string, data: string): Button => ({ _tag: "Action", label, data })

/** The last keyboard row: Back (unless this is the first step) and Cancel. */
export const navigation = (language: Language, back: boolean): Row =>
  back
    ? [action(t(language, "common.back"), BACK_ACTION), action(t(language, "common.cancel"), CANCEL_ACTION)]
    : [action(t(language, "common.cancel"), CANCEL_ACTION)]

/** A prompt: the pending notice (if any) above `body`, the given button rows and the navigation row. */
export const prompt = (
  context: FlowContext,
  body: ReadonlyArray<Span>,
  rows: ReadonlyArray<Row>,
  options: { readonly back: boolean } = { back: true }
): Reply => ({
  _tag: "Text",
  text: context.notice === null ? body : [{ text: `${context.notice}\n\n` }, ...body],
  keyboard: { rows: [...rows, navigation(context.language, options.back)] }
})

export const replyOf = (reply: Reply) => ({ type: "reply" as const, reply })
export const requestOf = (request: FlowRequest) => ({ type: "request" as const, request })

/** A prompt whose body is the catalogue's text for `key` (with `params`); Back is shown unless `back` is false. */
export const ask = (
  context: FlowContext,
  key: MessageKey,
  rows: ReadonlyArray<Row> = [],
  options: { readonly back?: boolean; readonly params?: Readonly<Record<string, string>> } = {}
) =>
  replyOf(prompt(context, [{ text: t(context.language, key, options.params) }], rows, { back: options.back ?? true }))

/** A summary line: the label in bold, then the value. */
export const line = (label: string, value: string): ReadonlyArray<Span> => [
  { text: `${label}: `, bold: true },
  { text: `${value}\n` }
]

/** A closing message (final states): no Cancel, since there is nothing left to cancel. */
export const closing = (body: ReadonlyArray<Span>, rows: ReadonlyArray<Row> = []): Reply =>
  rows.length === 0 ? { _tag: "Text", text: body } : { _tag: "Text", text: body, keyboard: { rows } }

/** Events that come from the user (as opposed to I/O results). */
export const isUserInput = (event: FlowEvent): boolean =>
  event.type === "text" ||
  event.type === "action" ||
  event.type === "contact" ||
  event.type === "media" ||
  event.type === "back"

export const textOf = (event: FlowEvent): string => (event.type === "text" ? event.text : "")

export const actionOf = (event: FlowEvent): string => (event.type === "action" ? event.action : "")

/** The localised reason a parse failed, or null when it succeeded. */
export const reason = <A>(language: Language, result: Either.Either<A, Problem>): string | null =>
  Either.isLeft(result) ? t(language, result.left.key, result.left.params) : null

/** The value of a successful parse (callers check success in a guard first). */
export const valueOf = <A>(result: Either.Either<A, Problem>, fallback: A): A =>
  Either.isRight(result) ? result.right : fallback

/** `io.done` for `request` whose `data` passes `check`. */
export const isDone = <T>(
  event: FlowEvent,
  request: FlowRequest["_tag"],
  check: (data: unknown) => data is T
): event is Extract<FlowEvent, { type: "io.done" }> & { readonly data: T } =>
  event.type === "io.done" && event.request === request && check(event.data)

export const isFailed = (
  event: FlowEvent,
  request: FlowRequest["_tag"]
): event is Extract<FlowEvent, { type: "io.failed" }> => event.type === "io.failed" && event.request === request

/** The engine's localised failure message, or a generic one when it sent none. */
export const failureText = (language: Language, event: FlowEvent): string =>
  event.type === "io.failed" && event.message.trim() !== "" ? event.message : t(language, "common.failed")

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/** A type guard for an object whose listed fields are strings (or null where allowed). */
export const hasStrings =
  <K extends string, N extends string = never>(keys: ReadonlyArray<K>, nullable: ReadonlyArray<N> = []) =>
  (data: unknown): data is { readonly [P in K]: string } & { readonly [P in N]: string | null } =>
    isRecord(data) &&
    keys.every((k) => typeof data[k] === "string") &&
    nullable.every((k) => data[k] === null || typeof data[k] === "string")

/*
 * Step builders: the state configs the flows repeat, as functions of the names they differ in. Each returns
 * `{ [state]: config }` to spread into `states`, so a state's own name is written once. Guard and action names stay
 * literal types, so `createMachine` checks every one against the machine's `setup`.
 */

/** A transition the caller spells out (a choice on a confirm step, an I/O outcome, an extra input). */
export interface Step<G extends string, A extends string> {
  readonly guard?: G
  readonly target?: string
  readonly reenter?: boolean
  readonly actions?: A | ReadonlyArray<A>
}

/** Show the step again (its entry asks anew) after `actions` set the notice. */
const stay = <S extends string, A extends string>(self: S, actions: A) => ({
  target: self,
  reenter: true as const,
  actions
})

/** Back to `back`, or, on the first step (`null`), stay and say that this is the first step. */
const backFrom = <S extends string>(self: S, back: string | null) =>
  back === null ? stay(self, "noticeFirstStep") : back

const unexpected = <S extends string, A extends string>(self: S, actions: A) => ({
  guard: "isUserInput" as const,
  ...stay(self, actions)
})

const state = <S extends string, C>(self: S, config: C) => ({ [self]: config }) as { readonly [K in S]: C }

/**
 * A step filled by a typed value (or a media message): entry `ask` then clear the notice; Back; a `valid` value is
 * saved by `save` and goes `next`, any other one re-asks with `reject`; with `skip` (an action name), the "skip"
 * action (`isSkip`) runs it and goes `next`; other input re-asks with `unexpected` (`noticeUnexpected`). `on` adds
 * transitions for other kinds of input (a shared contact).
 */
export const typedStep = <
  const S extends string,
  const Q extends string,
  const G extends string,
  const V extends string,
  const R extends string,
  const U extends string = "noticeUnexpected",
  const O extends { readonly contact?: ReadonlyArray<Step<string, string>> } = {},
  const K extends string | undefined = undefined
>(
  self: S,
  step: {
    readonly ask: Q
    readonly valid: G
    readonly save: V
    readonly reject: R
    readonly next: string
    /** null on the first step */
    readonly back: string | null
    /** the action that skips the step (the step cannot be skipped without one) */
    readonly skip?: K
    /** the event the value comes in (`text` unless said) */
    readonly input?: "text" | "media"
    readonly unexpected?: U
    readonly on?: O
  }
) => {
  const value = [{ guard: step.valid, target: step.next, actions: step.save }, stay(self, step.reject)] as const
  const skip =
    step.skip === undefined ? {} : { action: { guard: "isSkip" as const, target: step.next, actions: step.skip } }
  return state(self, {
    entry: [step.ask, "clearNotice"] as const,
    on: {
      back: backFrom(self, step.back),
      ...(step.on as NoInfer<O>),
      ...(step.input === "media" ? { media: value } : { text: value }),
      ...(skip as NoInfer<K> extends string ? { action: { guard: "isSkip"; target: string; actions: K } } : {}),
      "*": unexpected(self, (step.unexpected ?? "noticeUnexpected") as NoInfer<U>)
    }
  })
}

/**
 * A step answered by a button or typed text alike, every input tried in one `*` list: a `valid` one is saved by
 * `save` and goes `next`; then, with `typed`, input of the right kind (`typed.guard`) re-asks with `typed.reject`;
 * any other user input re-asks with `unexpected` (`noticeUnexpected`).
 */
export const choiceStep = <
  const S extends string,
  const Q extends string,
  const G extends string,
  const V extends string,
  const U extends string = "noticeUnexpected",
  const T extends { readonly guard: string; readonly reject: string } | undefined = undefined
>(
  self: S,
  step: {
    readonly ask: Q
    readonly valid: G
    readonly save: V
    readonly next: string
    /** null on the first step */
    readonly back: string | null
    readonly typed?: T
    readonly unexpected?: U
  }
) => {
  const typed = step.typed === undefined ? [] : [{ guard: step.typed.guard, ...stay(self, step.typed.reject) }]
  return state(self, {
    entry: [step.ask, "clearNotice"] as const,
    on: {
      back: backFrom(self, step.back),
      "*": [
        { guard: step.valid, target: step.next, actions: step.save },
        ...(typed as NoInfer<T> extends { readonly guard: infer TG; readonly reject: infer TR }
          ? [{ guard: TG; target: S; reenter: true; actions: TR }]
          : []),
        unexpected(self, (step.unexpected ?? "noticeUnexpected") as NoInfer<U>)
      ] as const
    }
  })
}

/**
 * A step that shows `show` (a summary, a question) and waits for one of the `action` choices; Back goes to `back`,
 * other input shows it again with `noticeUnexpected`.
 */
export const confirmStep = <const S extends string, const A extends string, const C extends Step<string, string>>(
  self: S,
  step: { readonly show: A; readonly back: string; readonly action: C | ReadonlyArray<C> }
) =>
  state(self, {
    entry: [step.show, "clearNotice"] as const,
    on: { back: step.back, action: step.action, "*": unexpected(self, "noticeUnexpected") }
  })

/**
 * Waiting for the engine to perform the request `send` emits: `done` on success; `failed` (checked in order) for
 * refusals handled apart; any other outcome of the request (`result`) goes back to `fallback` with the engine's
 * message (`noticeFailure`). User input meanwhile gets "please wait".
 */
export const submitting = <
  const S extends string,
  const A extends string,
  const G extends string,
  const D extends Step<string, string>,
  const X extends ReadonlyArray<Step<string, string>> = readonly []
>(
  self: S,
  step: {
    readonly send: A
    readonly done: D
    readonly failed?: X
    readonly result: G
    readonly fallback: string
  }
) => {
  const refused = { guard: step.result, target: step.fallback, actions: "noticeFailure" as const }
  return state(self, {
    entry: step.send,
    on: {
      "io.done": [step.done, refused] as const,
      "io.failed": [...((step.failed ?? []) as NoInfer<X>), refused] as const,
      "*": { guard: "isUserInput" as const, actions: "replyWait" as const }
    }
  })
}
