/**
 * `/withdraw <amount> <payout details>`: asks for a payout of part of the balance (held at once, decided by an
 * administrator, who is told; the user hears the decision as a notification). Without arguments it says how, with the
 * balance. A host without the withdrawals service (a custom embedding) says it is not offered here.
 */
import { formatRubles, Ledger, parseRubles, RequestWithdrawal, Withdrawals } from "@groupbuy/core"
import { Effect, Either, Option } from "effect"
import { attempt, registered } from "../Common.js"
import { emit, type Handler } from "../Turn.js"
import { say } from "../Views.js"

/** The first word is the amount in rubles ("500", "500,50"); the rest is where to pay. */
const split = (args: string) => {
  const trimmed = args.trim()
  const space = trimmed.search(/\s/)
  return space === -1
    ? { amount: trimmed, details: "" }
    : { amount: trimmed.slice(0, space), details: trimmed.slice(space + 1).trim() }
}

export const withdraw: Handler<string> = (turn, args) =>
  registered(turn, (user) =>
    Effect.gen(function* () {
      const l = turn.language
      const withdrawals = yield* Effect.serviceOption(Withdrawals)
      if (Option.isNone(withdrawals)) return emit(turn, say(l, "withdraw.unavailable"))
      const balance = yield* (yield* Ledger).balance(user.id).pipe(Effect.orElseSucceed(() => 0n))
      const given = split(args)
      const amount = parseRubles(given.amount)
      if (given.amount === "" || Either.isLeft(amount) || given.details === "")
        return emit(
          turn,
          say(l, given.amount === "" ? "withdraw.usage" : "withdraw.malformed", { balance: formatRubles(balance) })
        )
      return yield* attempt(
        turn,
        withdrawals.value.request(user.id, new RequestWithdrawal({ amount: amount.right, details: given.details })),
        ({ request }) =>
          Effect.succeed(
            emit(
              turn,
              say(l, "withdraw.requested", {
                amount: formatRubles(request.amount),
                balance: formatRubles(balance - request.amount)
              })
            )
          )
      )
    })
  )
