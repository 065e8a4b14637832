/**
 * `/subscriptions`: what the shop's PROVIDER purchases delivered and their renewal — the list with the time left, a
 * subscription's card (its access lines shown only to its owner, in the owner's own chat), "renew now" and auto-renewal
 * on / off. The renew button carries the expiry it was shown with, so a second tap (or an old screen) renews nothing
 * more; too little balance offers a deposit of exactly what is missing.
 */
import {
  formatRubles,
  type SubscriptionId,
  Subscriptions,
  type SubscriptionsService,
  type SubscriptionView
} from "@groupbuy/core"
import { DateTime, Effect, Either, Option } from "effect"
import { type Language, rich, text } from "../../Messages.js"
import type { Button, RichText } from "../../Model.js"
import { PaymentGateway } from "../../PaymentGateway.js"
import { bold, code, join } from "../../RichTexts.js"
import { button } from "../ActionCode.js"
import { failureReply, registered } from "../Common.js"
import { emit, type Handler, type TurnState } from "../Turn.js"
import { say } from "../Views.js"
import { dateOf, screen, whenOpen } from "./ShopCommon.js"

/** Runs `body` with the subscriptions service when the shop is on; otherwise says it is closed. */
const withSubscriptions = <E, R>(
  turn: TurnState,
  body: (subscriptions: SubscriptionsService) => Effect.Effect<TurnState, E, R>
) =>
  whenOpen(turn, () =>
    Effect.flatMap(Effect.serviceOption(Subscriptions), (found) =>
      Option.isNone(found) ? Effect.succeed(emit(turn, say(turn.language, "shop.closed"))) : body(found.value)
    )
  )

/** Whole days (or hours on the last day), rounded up: a 30-day subscription bought a minute ago has 30 days left. */
const leftOf = (l: Language, seconds: number) =>
  seconds > 86_400
    ? text(l, "subs.days", { n: Math.ceil(seconds / 86_400) })
    : text(l, "subs.hours", { n: Math.max(1, Math.ceil(seconds / 3_600)) })

const stateOf = (l: Language, view: SubscriptionView) => {
  const s = view.subscription
  if (s.status === "ACTIVE")
    return text(l, "subs.active", { date: dateOf(s.expiresAt), left: leftOf(l, view.secondsLeft) })
  return s.status === "EXPIRED" ? text(l, "subs.ended", { date: dateOf(s.expiresAt) }) : text(l, "subs.cancelled")
}

/** `/subscriptions` (and "« My subscriptions"): the running ones first, then the ended ones. */
export const subscriptionsList: Handler<unknown> = (turn) =>
  registered(turn, (user) =>
    withSubscriptions(turn, (subscriptions) =>
      Effect.gen(function* () {
        const l = turn.language
        const views = yield* subscriptions.mine(user.id)
        if (views.length === 0) return emit(turn, say(l, "subs.none"))
        const body = join([
          rich(l, "subs.title"),
          join(
            views.map((view) => rich(l, "subs.line", { title: view.title, state: stateOf(l, view) })),
            "\n"
          )
        ])
        const rows = views.slice(0, 20).map((view) => [
          button(text(l, "subs.button", { title: view.title, date: dateOf(view.subscription.expiresAt) }), {
            _tag: "SubShow",
            id: view.subscription.id
          })
        ])
        return emit(turn, screen(turn, body, rows))
      })
    )
  )

/** A subscription's card: its access, expiry, auto-renewal, and what can be done with it. */
const card = (turn: TurnState, view: SubscriptionView, notice?: RichText): TurnState => {
  const l = turn.language
  const s = view.subscription
  const price = view.renewalPrice === null ? null : formatRubles(view.renewalPrice)
  const active = s.status === "ACTIVE"
  const body = join([
    ...(notice === undefined ? [] : [notice]),
    rich(l, "subs.card", { title: view.title }),
    active
      ? rich(l, "subs.expires", { date: dateOf(s.expiresAt), left: leftOf(l, view.secondsLeft) })
      : rich(l, "subs.expired", { date: dateOf(s.expiresAt) }),
    ...(active ? [s.autoRenew && price !== null ? rich(l, "subs.autoOn", { price }) : rich(l, "subs.autoOff")] : []),
    join([[bold(text(l, "subs.access"))], ...s.credentials.map((line) => [code(line)])], "\n")
  ])
  const rows: Array<ReadonlyArray<Button>> = [
    ...(active && price !== null
      ? [
          [
            button(text(l, "subs.renew", { price }), {
              _tag: "SubRenew",
              id: s.id,
              at: Math.floor(DateTime.toEpochMillis(s.expiresAt) / 1000)
            })
          ]
        ]
      : []),
    ...(active
      ? [
          [
            button(text(l, s.autoRenew ? "subs.turnOff" : "subs.turnOn"), {
              _tag: "SubAuto",
              id: s.id,
              on: s.autoRenew ? 0 : 1
            })
          ]
        ]
      : []),
    [button(text(l, "subs.back"), { _tag: "SubList" })]
  ]
  return emit(turn, screen(turn, body, rows))
}

const withOwn = (
  turn: TurnState,
  id: SubscriptionId,
  body: (subscriptions: SubscriptionsService, view: SubscriptionView) => Effect.Effect<TurnState, never, PaymentGateway>
) =>
  registered(turn, (user) =>
    withSubscriptions(turn, (subscriptions) =>
      Effect.gen(function* () {
        const found = yield* Effect.either(subscriptions.own(user.id, id))
        if (Either.isLeft(found)) return emit(turn, say(turn.language, "subs.notFound"))
        return yield* body(subscriptions, found.right)
      })
    )
  )

export const showSubscription: Handler<SubscriptionId> = (turn, id) =>
  withOwn(turn, id, (_, view) => Effect.succeed(card(turn, view)))

/** "Renew": once for the expiry the button was shown with; a short balance gets a deposit of what is missing. */
export const renewSubscription: Handler<{ readonly id: SubscriptionId; readonly at: number }> = (turn, { at, id }) =>
  withOwn(turn, id, (subscriptions, view) =>
    Effect.gen(function* () {
      const l = turn.language
      const seen = DateTime.unsafeMake(at * 1000)
      const outcome = yield* Effect.either(subscriptions.renew(view.subscription.userId, id, seen))
      if (Either.isRight(outcome)) {
        const { renewed, view: now } = outcome.right
        return card(
          turn,
          now,
          renewed
            ? rich(l, "subs.renewed", { date: dateOf(now.subscription.expiresAt) })
            : rich(l, "subs.alreadyRenewed")
        )
      }
      const error = outcome.left
      switch (error._tag) {
        case "InsufficientFunds": {
          const link = yield* Effect.either(
            (yield* PaymentGateway).createDeposit(view.subscription.userId, error.missing)
          )
          if (Either.isLeft(link)) return emit(turn, failureReply(turn, link.left))
          const amount = formatRubles(error.missing)
          const back = [button(text(l, "subs.back"), { _tag: "SubList" })]
          const url = link.right.url
          return emit(turn, {
            _tag: "Text",
            text: rich(l, "subs.short", { amount }),
            keyboard: {
              rows:
                url !== null && /^https?:\/\/\S+$/iu.test(url)
                  ? [[{ _tag: "Url", label: text(l, "shop.topUp.pay", { amount }), url }], back]
                  : [back]
            }
          })
        }
        case "ProviderError":
          return card(turn, view, rich(l, "subs.refused"))
        default:
          return emit(turn, failureReply(turn, error))
      }
    })
  )

/** Auto-renewal on or off. */
export const setAutoRenew: Handler<{ readonly id: SubscriptionId; readonly on: number }> = (turn, { id, on }) =>
  withOwn(turn, id, (subscriptions, view) =>
    Effect.map(
      Effect.orElseSucceed(subscriptions.setAutoRenew(view.subscription.userId, id, on === 1), () => view),
      (now) => card(turn, now)
    )
  )
