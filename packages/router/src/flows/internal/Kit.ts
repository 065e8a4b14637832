/** Reply and event helpers every flow machine shares (its `setup` is `FlowSetup`'s, its step builders `Steps`'). */
import type { Language } from "@groupbuy/core"
import { Either } from "effect"
import type { Button, Reply, Span } from "../../Model.js"
import { type MessageKey, text } from "../../Messages.js"
import type { Problem } from "../parse/Problem.js"
import { CANCEL_ACTION, BACK_ACTION, type FlowEvent, type FlowRequest } from "../Protocol.js"

/** What every flow keeps: the user's language and a notice (why the last input was refused) for the next prompt. */
export interface FlowContext {
  readonly language: Language
  readonly notice: string | null
}

export type Row = ReadonlyArray<Button>

/** A button that sends the flow an `action` event with this data (the flow names its actions itself). */
export const button = (label: string, data: string): Button => ({ _tag: "Action", label, data })

/** The last keyboard row: Back (unless this is the first step) and Cancel. */
export const navigation = (language: Language, back: boolean): Row =>
  back
    ? [button(text(language, "common.back"), BACK_ACTION), button(text(language, "common.cancel"), CANCEL_ACTION)]
    : [button(text(language, "common.cancel"), CANCEL_ACTION)]

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
): Reply =>
  prompt(context, [{ text: text(context.language, key, options.params) }], rows, { back: options.back ?? true })

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
  Either.isLeft(result) ? text(language, result.left.key, result.left.params) : null

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
  event.type === "io.failed" && event.message.trim() !== "" ? event.message : text(language, "common.failed")

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/** A type guard for an object whose listed fields are strings (or null where allowed). */
export const hasStrings =
  <K extends string, N extends string = never>(keys: ReadonlyArray<K>, nullable: ReadonlyArray<N> = []) =>
  (data: unknown): data is { readonly [P in K]: string } & { readonly [P in N]: string | null } =>
    isRecord(data) &&
    keys.every((k) => typeof data[k] === "string") &&
    nullable.every((k) => data[k] === null || typeof data[k] === "string")
