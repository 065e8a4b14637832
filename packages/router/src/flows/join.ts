/**
 * Joining a procurement: quantity (whole, ≥ the minimum, within what remains to collect) → amount preview →
 * confirm → `JoinProcurement`. A refusal shows the engine's message with Retry; when nothing remains to collect the
 * flow ends at once as "full".
 */
import { Language } from "@groupbuy/core"
import { Either, Schema } from "effect"
import { assign } from "xstate"
import { flowSetup, isAction, isResultOf, rejectBy, reply, request } from "./internal/FlowSetup.js"
import {
  button,
  actionOf,
  ask,
  closing,
  type FlowContext,
  hasStrings,
  isDone,
  isFailed,
  prompt,
  textOf,
  valueOf
} from "./internal/Kit.js"
import * as Steps from "./internal/Steps.js"
import { text } from "../Messages.js"
import { type Problem, problem } from "./parse/Problem.js"
import { MAX_QUANTITY, parseQuantity } from "./parse/Quantity.js"
import { formatRubles } from "./parse/Rubles.js"
import type { FlowEvent } from "./Protocol.js"

const KopeckString = Schema.String.pipe(Schema.pattern(/^\d{1,18}$/))

export const JoinInput = Schema.Struct({
  language: Language,
  procurementId: Schema.String,
  title: Schema.String,
  /** kopecks, > 0 */
  pricePerUnit: KopeckString.pipe(Schema.filter((s) => BigInt(s) > 0n || "the price must be positive")),
  unit: Schema.String,
  minQuantity: Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)),
  /** kopecks left before the stop-at amount; null when the procurement has none */
  remaining: Schema.NullOr(KopeckString)
})
export type JoinInput = typeof JoinInput.Type

export interface JoinContext extends FlowContext {
  readonly procurementId: string
  readonly title: string
  readonly pricePerUnit: string
  readonly unit: string
  readonly minQuantity: number
  readonly remaining: string | null
  readonly quantity: number | null
  readonly participantId: string | null
  readonly amount: string | null
}

export type JoinOutput =
  | { readonly status: "joined"; readonly participantId: string; readonly amount: string; readonly quantity: number }
  | { readonly status: "full" }

/** The largest quantity that fits in what remains (and in MAX_QUANTITY). */
export const maxQuantity = (context: Pick<JoinContext, "pricePerUnit" | "remaining">): number => {
  const price = BigInt(context.pricePerUnit)
  if (context.remaining === null || price <= 0n) return MAX_QUANTITY
  const fits = BigInt(context.remaining) / price
  return fits > BigInt(MAX_QUANTITY) ? MAX_QUANTITY : Number(fits)
}

const amountOf = (context: JoinContext, quantity: number): bigint => BigInt(context.pricePerUnit) * BigInt(quantity)

const parseJoinQuantity = (context: JoinContext, event: FlowEvent): Either.Either<number, Problem> => {
  const typed = event.type === "action" && event.action.startsWith("qty:") ? event.action.slice(4) : textOf(event)
  return Either.flatMap(parseQuantity(typed), (n) => {
    if (n < context.minQuantity) {
      return Either.left(problem("join.belowMin", { min: String(context.minQuantity), unit: context.unit }))
    }
    const max = maxQuantity(context)
    if (n > max) {
      return Either.left(
        problem("join.aboveRemaining", {
          max: String(max),
          unit: context.unit,
          remaining: formatRubles(context.remaining ?? "0")
        })
      )
    }
    return Either.right(n)
  })
}

/** Quick buttons: the minimum, twice and five times it, while they fit. */
const quickQuantities = (context: JoinContext): ReadonlyArray<number> =>
  [...new Set([1, 2, 5].map((k) => k * context.minQuantity))].filter((n) => n <= maxQuantity(context))

const isJoined = hasStrings(["participantId", "amount"])

/** `join.exceeds-remaining` with a fresh `remaining` (kopecks) in params: the quantity step can be re-asked. */
const freshRemaining = (event: FlowEvent): string | undefined => {
  if (!isFailed(event, "JoinProcurement") || event.code !== "join.exceeds-remaining") return undefined
  const remaining = event.params?.["remaining"]
  return remaining !== undefined && /^\d{1,18}$/.test(remaining) ? remaining : undefined
}

export const joinMachine = flowSetup<JoinContext, JoinInput, JoinOutput>()({
  guards: {
    isFull: ({ context }) => maxQuantity(context) < context.minQuantity,
    isValidQuantity: ({ context, event }) =>
      (event.type === "text" || actionOf(event).startsWith("qty:")) &&
      Either.isRight(parseJoinQuantity(context, event)),
    isQuantityInput: ({ event }) => event.type === "text" || actionOf(event).startsWith("qty:"),
    isConfirm: isAction("confirm"),
    isRetry: isAction("retry"),
    isJoined: ({ event }) => isDone(event, "JoinProcurement", isJoined),
    isExceedsRemaining: ({ event }) => freshRemaining(event) !== undefined,
    isJoinResult: isResultOf("JoinProcurement")
  },
  actions: {
    saveQuantity: assign({ quantity: ({ context, event }) => valueOf(parseJoinQuantity(context, event), 0) }),
    rejectQuantity: rejectBy((event, context: JoinContext) => parseJoinQuantity(context, event)),
    saveRemaining: assign({ remaining: ({ context, event }) => freshRemaining(event) ?? context.remaining }),
    saveJoined: assign(({ event }) =>
      isDone(event, "JoinProcurement", isJoined)
        ? { participantId: event.data.participantId, amount: event.data.amount }
        : {}
    ),
    askQuantity: reply((context) => {
      const l = context.language
      const max = maxQuantity(context)
      const limits =
        context.remaining === null
          ? text(l, "join.limitsMin", { min: String(context.minQuantity), unit: context.unit })
          : text(l, "join.limitsMinMax", { min: String(context.minQuantity), max: String(max), unit: context.unit })
      return prompt(
        context,
        [
          { text: `${context.title}\n`, bold: true },
          {
            text: text(l, "join.askQuantity", {
              price: formatRubles(context.pricePerUnit),
              unit: context.unit,
              limits
            })
          }
        ],
        [quickQuantities(context).map((n) => button(`${n} ${context.unit}`, `qty:${n}`))],
        { back: false }
      )
    }),
    showFull: reply((context) => closing([{ text: text(context.language, "join.full", { title: context.title }) }])),
    askConfirm: reply((context) => {
      const quantity = context.quantity ?? 0
      return prompt(
        context,
        [
          {
            text: text(context.language, "join.confirm", {
              title: context.title,
              quantity: String(quantity),
              unit: context.unit,
              price: formatRubles(context.pricePerUnit),
              amount: formatRubles(amountOf(context, quantity))
            })
          }
        ],
        [[button(text(context.language, "join.confirmButton"), "confirm")]]
      )
    }),
    sendJoin: request((context) => ({
      _tag: "JoinProcurement",
      procurementId: context.procurementId,
      quantity: context.quantity ?? 0
    })),
    showFailed: reply((context) =>
      ask(context, "join.failedHint", [[button(text(context.language, "common.retry"), "retry")]])
    ),
    announceJoined: reply((context) =>
      closing([
        {
          text: text(context.language, "join.done", {
            title: context.title,
            quantity: String(context.quantity ?? 0),
            unit: context.unit,
            amount: formatRubles(context.amount ?? "0")
          })
        }
      ])
    )
  }
}).createMachine({
  id: "join",
  context: ({ input }) => ({
    language: input.language,
    notice: null,
    procurementId: input.procurementId,
    title: input.title,
    pricePerUnit: input.pricePerUnit,
    unit: input.unit,
    minQuantity: input.minQuantity,
    remaining: input.remaining,
    quantity: null,
    participantId: null,
    amount: null
  }),
  initial: "start",
  states: {
    start: {
      always: [{ guard: "isFull", target: "full" }, { target: "quantity" }]
    },
    ...Steps.choice("quantity", {
      ask: "askQuantity",
      valid: "isValidQuantity",
      save: "saveQuantity",
      next: "confirm",
      back: null,
      typed: { guard: "isQuantityInput", reject: "rejectQuantity" }
    }),
    ...Steps.confirm("confirm", {
      show: "askConfirm",
      back: "quantity",
      action: { guard: "isConfirm", target: "submitting" }
    }),
    ...Steps.submitting("submitting", {
      send: "sendJoin",
      done: { guard: "isJoined", target: "joined", actions: "saveJoined" },
      failed: [{ guard: "isExceedsRemaining", target: "start", actions: ["saveRemaining", "noticeFailure"] }],
      result: "isJoinResult",
      fallback: "failed"
    }),
    ...Steps.confirm("failed", {
      show: "showFailed",
      back: "quantity",
      action: { guard: "isRetry", target: "submitting" }
    }),
    joined: {
      type: "final",
      entry: "announceJoined",
      output: ({ context }) => ({
        status: "joined" as const,
        participantId: context.participantId ?? "",
        amount: context.amount ?? "0",
        quantity: context.quantity ?? 0
      })
    },
    full: {
      type: "final",
      entry: "showFull",
      output: { status: "full" as const }
    }
  },
  output: ({ event }) => (event as { output?: JoinOutput }).output ?? { status: "full" }
})
