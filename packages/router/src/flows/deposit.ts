/**
 * Topping up the balance: amount (typed or a quick button) → confirm → `CreateDeposit` → the payment link (or the
 * provider's instructions). The flow ends "awaiting payment"; the engine announces the money when it settles.
 */
import { Language } from "@groupbuy/core"
import { Either, Schema } from "effect"
import { assign } from "xstate"
import { text } from "../Messages.js"
import type { Button } from "../Model.js"
import { flowSetup, isAction, isResultOf, rejectBy, reply, request } from "./internal/FlowSetup.js"
import { button, ask, closing, type FlowContext, hasStrings, isDone, textOf, valueOf } from "./internal/Kit.js"
import * as Steps from "./internal/Steps.js"
import { type Problem, problem } from "./parse/Problem.js"
import { formatRubles, parseRubles } from "./parse/Rubles.js"
import type { FlowEvent } from "./Protocol.js"

export const DepositInput = Schema.Struct({ language: Language })
export type DepositInput = typeof DepositInput.Type

/** 10 ₽ .. 1 000 000 ₽, in kopecks. */
export const DEPOSIT_MIN = 1_000n
export const DEPOSIT_MAX = 100_000_000n
/** Quick-amount buttons, in kopecks (500 ₽, 1 000 ₽, 5 000 ₽). */
export const QUICK_AMOUNTS: ReadonlyArray<bigint> = [50_000n, 100_000n, 500_000n]

export interface DepositContext extends FlowContext {
  /** kopecks */
  readonly amount: string | null
  readonly paymentId: string | null
  readonly url: string | null
  readonly instructions: string | null
  /** the gateway is a test one: the payment offer says it is test money (absent in snapshots of older versions) */
  readonly testMoney?: boolean
}

export interface DepositOutput {
  readonly paymentId: string
  /** kopecks */
  readonly amount: string
}

const inRange = (k: bigint): Either.Either<bigint, Problem> =>
  k < DEPOSIT_MIN
    ? Either.left(problem("deposit.tooSmall", { min: formatRubles(DEPOSIT_MIN) }))
    : k > DEPOSIT_MAX
      ? Either.left(problem("deposit.tooLarge", { max: formatRubles(DEPOSIT_MAX) }))
      : Either.right(k)

const parseAmount = (event: FlowEvent): Either.Either<bigint, Problem> => {
  if (event.type === "action") {
    const quick = QUICK_AMOUNTS.find((k) => event.action === `amount:${k}`)
    return quick === undefined ? Either.left(problem("common.unexpected")) : Either.right(quick)
  }
  return Either.flatMap(parseRubles(textOf(event)), inRange)
}

const isCreated = hasStrings(["paymentId"], ["url", "instructions"])

const isHttpUrl = (url: string): boolean => /^https?:\/\/\S+$/iu.test(url)

export const depositMachine = flowSetup<DepositContext, DepositInput, DepositOutput>()({
  guards: {
    isValidAmount: ({ event }) =>
      (event.type === "text" || event.type === "action") && Either.isRight(parseAmount(event)),
    isAmountInput: ({ event }) => event.type === "text",
    isConfirm: isAction("confirm"),
    isCreated: ({ event }) => isDone(event, "CreateDeposit", isCreated),
    isDepositResult: isResultOf("CreateDeposit")
  },
  actions: {
    saveAmount: assign({ amount: ({ event }) => valueOf(parseAmount(event), 0n).toString() }),
    rejectAmount: rejectBy(parseAmount),
    savePayment: assign(({ event }) =>
      isDone(event, "CreateDeposit", isCreated)
        ? {
            paymentId: event.data.paymentId,
            url: event.data.url,
            instructions: event.data.instructions,
            testMoney: (event.data as { readonly testMoney?: unknown }).testMoney === true
          }
        : {}
    ),
    askAmount: reply((context) =>
      ask(context, "deposit.askAmount", [QUICK_AMOUNTS.map((k) => button(formatRubles(k), `amount:${k}`))], {
        back: false,
        params: { min: formatRubles(DEPOSIT_MIN), max: formatRubles(DEPOSIT_MAX) }
      })
    ),
    askConfirm: reply((context) =>
      ask(context, "deposit.confirm", [[button(text(context.language, "deposit.pay"), "confirm")]], {
        params: { amount: formatRubles(context.amount ?? "0") }
      })
    ),
    sendDeposit: request((context) => ({ _tag: "CreateDeposit", amount: context.amount ?? "0" })),
    announcePayment: reply((context) => {
      const l = context.language
      const amount = formatRubles(context.amount ?? "0")
      // a test gateway's offer always says that it is test money, whatever the way of paying
      const test =
        context.testMoney === true ? [{ text: "\n\n" }, { text: text(l, "deposit.testMoney"), bold: true }] : []
      if (context.url !== null && isHttpUrl(context.url)) {
        const pay: Button = { _tag: "Url", label: text(l, "deposit.payButton", { amount }), url: context.url }
        return closing([{ text: text(l, "deposit.followLink", { amount }) }, ...test], [[pay]])
      }
      const instructions = context.instructions?.trim() ?? ""
      return closing(
        instructions === ""
          ? [{ text: text(l, "deposit.pending", { amount }) }, ...test]
          : [{ text: `${text(l, "deposit.instructions", { amount })}\n\n` }, { text: instructions }, ...test]
      )
    })
  }
}).createMachine({
  id: "deposit",
  context: ({ input }) => ({
    language: input.language,
    notice: null,
    amount: null,
    paymentId: null,
    url: null,
    instructions: null
  }),
  initial: "amount",
  states: {
    ...Steps.choice("amount", {
      ask: "askAmount",
      valid: "isValidAmount",
      save: "saveAmount",
      next: "confirm",
      back: null,
      typed: { guard: "isAmountInput", reject: "rejectAmount" }
    }),
    ...Steps.confirm("confirm", {
      show: "askConfirm",
      back: "amount",
      action: { guard: "isConfirm", target: "submitting" }
    }),
    ...Steps.submitting("submitting", {
      send: "sendDeposit",
      done: { guard: "isCreated", target: "awaiting-payment", actions: "savePayment" },
      result: "isDepositResult",
      fallback: "confirm"
    }),
    "awaiting-payment": {
      type: "final",
      entry: "announcePayment"
    }
  },
  output: ({ context }) => ({ paymentId: context.paymentId ?? "", amount: context.amount ?? "0" })
})
