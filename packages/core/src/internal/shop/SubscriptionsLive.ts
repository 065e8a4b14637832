/**
 * `Subscriptions` over PostgreSQL: `subscriptions` (created by the shop's PROVIDER orders) and `subscription_events`
 * (migration 0026), one row per (subscription, the expiry it is for, what happened): the reminders, the renewal, its
 * failure notice, the expiry. A row is inserted once (`ON CONFLICT DO NOTHING RETURNING`), and only the inserter acts
 * on it, so two instances running the schedule at the same moment notify and renew once.
 *
 * A renewal is three steps, as a PROVIDER order is: (1) one transaction locks the subscription, checks it is still
 * ACTIVE at the expiry being renewed, inserts the RENEWAL row (PENDING) and debits the price (`PURCHASE`, keyed by
 * the row); (2) the provider prolongs, outside any transaction; (3) one transaction moves the expiry and marks the row
 * DONE — or, when the provider refused, writes the refund (`PURCHASE_REFUND`, keyed too) and marks it FAILED. A
 * renewal the provider refused is tried again at the next tick, up to three times per expiry. A renewal left PENDING by
 * a crash between (1) and (3) is not retried (the provider may have prolonged): it stays for an
 * administrator, logged.
 */
import { Clock, DateTime, Effect, Either, Layer, Option, Schema } from "effect"
import { InsufficientFunds, NotFound } from "../../Errors.js"
import type { DomainEvent } from "../../Events.js"
import type { SubscriptionId, UserId } from "../../Ids.js"
import { Kopecks } from "../../Money.js"
import { Providers } from "../../Providers.js"
import { Subscription } from "../../Shop.js"
import {
  SUBSCRIPTION_SCHEDULE,
  type SubscriptionRun,
  Subscriptions,
  type SubscriptionView
} from "../../Subscriptions.js"
import { makeMoneyWork } from "../money/MoneyWork.js"
import { orDie } from "../money/SqlEdge.js"
import { decodeRows } from "../people/Sql.js"
import { Refusal } from "./Refusals.js"

const ViewRow = Schema.Struct({
  title: Schema.String,
  renewalPrice: Schema.NullOr(Kopecks)
})

type EventKind = "REMINDER_1" | "RENEWAL" | "RENEWAL_FAILED" | "REMINDER_2" | "EXPIRED"

const HOUR = 3_600_000
/** How often a renewal the provider refused is tried again for one expiry (each try charged and refunded). */
const MAX_ATTEMPTS = 3

export const SubscriptionsLive = Layer.effect(
  Subscriptions,
  Effect.gen(function* () {
    const { publishAll, sql, transaction, writes } = yield* makeMoneyWork
    const providers = yield* Providers
    const select = sql.literal(`SELECT s.*, p.title,
        CASE WHEN p.is_active AND p.kind = 'PROVIDER' THEN p.price * cardinality(s.external_ids) END AS renewal_price
      FROM subscriptions s JOIN products p ON p.id = s.product_id`)

    const views = (rows: ReadonlyArray<unknown>, now: number) =>
      Effect.map(
        Effect.all([decodeRows(Subscription)(Effect.succeed(rows)), decodeRows(ViewRow)(Effect.succeed(rows))]),
        ([subscriptions, extras]) =>
          subscriptions.map((subscription, i): SubscriptionView => ({
            subscription,
            title: extras[i]!.title,
            renewalPrice: extras[i]!.renewalPrice,
            secondsLeft: Math.max(0, Math.floor((DateTime.toEpochMillis(subscription.expiresAt) - now) / 1000))
          }))
      )

    const load = (id: SubscriptionId, lock: boolean) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const rows = yield* sql`${select} WHERE s.id = ${id} ${sql.literal(lock ? "FOR UPDATE OF s" : "")}`
        return (yield* views(rows, now))[0]
      })

    const own = (userId: UserId, id: SubscriptionId) =>
      orDie(load(id, false)).pipe(
        Effect.flatMap((view) =>
          view === undefined || view.subscription.userId !== userId
            ? Effect.fail(new NotFound({ entity: "subscription", id }))
            : Effect.succeed(view)
        )
      )

    const mine = (userId: UserId) =>
      orDie(
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const rows = yield* sql`${select} WHERE s.user_id = ${userId}
              ORDER BY (s.status = 'ACTIVE') DESC, s.expires_at, s.id`
          return yield* views(rows, now)
        })
      )

    /** Inserts the event row once; true for the one insert that did it. */
    const once = (
      id: SubscriptionId,
      forExpiry: Date,
      kind: EventKind,
      fields: {
        readonly status?: "PENDING" | "DONE" | "FAILED"
        readonly amount?: bigint | null
        readonly attempt?: number
      } = {}
    ) =>
      Effect.map(
        sql`INSERT INTO subscription_events (subscription_id, for_expiry, kind, status, amount, attempt)
            VALUES (${id}, ${forExpiry}, ${kind}, ${fields.status ?? "DONE"}, ${fields.amount ?? null},
              ${fields.attempt ?? 0})
            ON CONFLICT DO NOTHING RETURNING kind`,
        (rows) => rows.length > 0
      )

    const notice = (
      view: SubscriptionView,
      kind: Extract<DomainEvent, { _tag: "SubscriptionNotice" }>["kind"],
      extra: { readonly second?: boolean; readonly amount?: Kopecks | null; readonly expiresAt?: DateTime.Utc } = {}
    ): DomainEvent => ({
      _tag: "SubscriptionNotice",
      subscriptionId: view.subscription.id,
      userId: view.subscription.userId,
      title: view.title,
      kind,
      second: extra.second ?? false,
      autoRenew: view.subscription.autoRenew,
      expiresAt: extra.expiresAt ?? view.subscription.expiresAt,
      amount: extra.amount ?? null
    })

    /**
     * Renews the subscription for the expiry `forExpiry`: `false` when it is no longer at that expiry or its renewal
     * for it was already made or started (by another tap, tick or instance).
     */
    const renewAt = (id: SubscriptionId, forExpiry: DateTime.Utc, by: UserId | null) =>
      Effect.gen(function* () {
        const expiry = DateTime.toDate(forExpiry)
        const started = yield* transaction(
          Effect.gen(function* () {
            const view = yield* load(id, true)
            if (view === undefined) return yield* new NotFound({ entity: "subscription", id })
            const current = view.subscription
            if (current.status !== "ACTIVE") return yield* Refusal.subscriptionNotActive(current.status)
            if (DateTime.toEpochMillis(current.expiresAt) !== expiry.getTime()) return Option.none()
            if (view.renewalPrice === null) return yield* Refusal.subscriptionProductGone()
            const price = view.renewalPrice
            // under the subscription's lock: one renewal made or under way per expiry; a refused one may be tried
            // again (a transient provider failure), up to MAX_ATTEMPTS times
            const attempts = yield* sql<{ status: string }>`SELECT status FROM subscription_events
                WHERE subscription_id = ${id} AND for_expiry = ${expiry} AND kind = 'RENEWAL'`
            if (attempts.some((a) => a.status !== "FAILED") || attempts.length >= MAX_ATTEMPTS) return Option.none()
            const attempt = attempts.length
            yield* writes.lockUser(current.userId)
            const debit = yield* writes.apply({
              userId: current.userId,
              amount: Kopecks.make(-price),
              type: "PURCHASE",
              idempotencyKey: `subscription:${id}:${expiry.toISOString()}:renew:${attempt}`,
              description: `Renewal: ${view.title}`,
              createdBy: by
            })
            yield* once(id, expiry, "RENEWAL", { status: "PENDING", amount: price, attempt })
            return Option.some({ view, price, debit, attempt })
          })
        ).pipe(Effect.catchTag("EntryConflict", (e) => Effect.die(e)))
        if (Option.isNone(started)) return Option.none()
        const { attempt, debit, price, view } = started.value
        yield* publishAll([{ _tag: "BalanceChanged", userId: view.subscription.userId, balance: debit.balanceAfter }])
        const reference = `subscription:${id}:${expiry.toISOString()}`
        const prolonged = yield* Effect.either(
          Effect.flatMap(providers.client(view.subscription.providerId), (client) =>
            client.prolong(view.subscription.externalIds, view.subscription.periodDays, reference)
          )
        )
        if (Either.isLeft(prolonged)) {
          const refund = yield* transaction(
            Effect.gen(function* () {
              yield* writes.lockUser(view.subscription.userId)
              const entry = yield* writes.apply({
                userId: view.subscription.userId,
                amount: price,
                type: "PURCHASE_REFUND",
                idempotencyKey: `subscription:${id}:${expiry.toISOString()}:refund:${attempt}`,
                description: `Renewal refused by the provider: ${view.title}`
              })
              yield* sql`UPDATE subscription_events SET status = 'FAILED', updated_at = now()
                  WHERE subscription_id = ${id} AND for_expiry = ${expiry} AND kind = 'RENEWAL'
                    AND attempt = ${attempt}`
              return entry
            })
          ).pipe(Effect.catchTags({ EntryConflict: Effect.die, InsufficientFunds: Effect.die }))
          yield* publishAll([
            { _tag: "BalanceChanged", userId: view.subscription.userId, balance: refund.balanceAfter }
          ])
          return yield* Effect.fail(prolonged.left)
        }
        const renewed = yield* transaction(
          Effect.gen(function* () {
            yield* sql`UPDATE subscriptions SET expires_at = ${prolonged.right.expiresAt}, updated_at = now()
                WHERE id = ${id}`
            yield* sql`UPDATE subscription_events SET status = 'DONE', updated_at = now()
                WHERE subscription_id = ${id} AND for_expiry = ${expiry} AND kind = 'RENEWAL' AND attempt = ${attempt}`
            return (yield* load(id, false))!
          })
        )
        yield* publishAll([notice(renewed, "renewed", { amount: Kopecks.make(price) })])
        return Option.some(renewed)
      })

    const renew = (userId: UserId, id: SubscriptionId, seen?: DateTime.Utc) =>
      Effect.gen(function* () {
        const view = yield* own(userId, id)
        const forExpiry = seen ?? view.subscription.expiresAt
        const outcome = yield* orDie(renewAt(id, forExpiry, userId))
        return Option.match(outcome, {
          onNone: () => ({ view, renewed: false }),
          onSome: (renewed) => ({ view: renewed, renewed: true })
        })
      }).pipe(
        Effect.flatMap((result) =>
          result.renewed ? Effect.succeed(result) : Effect.map(own(userId, id), (view) => ({ view, renewed: false }))
        ),
        Effect.withSpan("Subscriptions.renew")
      )

    const setAutoRenew = (userId: UserId, id: SubscriptionId, on: boolean) =>
      Effect.gen(function* () {
        yield* own(userId, id)
        yield* orDie(sql`UPDATE subscriptions SET auto_renew = ${on}, updated_at = now() WHERE id = ${id}`)
        return yield* own(userId, id)
      })

    /** One subscription's step of the schedule at `now`: what it did. */
    const step = (view: SubscriptionView, now: number) =>
      Effect.gen(function* () {
        const s = view.subscription
        const expiry = DateTime.toDate(s.expiresAt)
        const left = expiry.getTime() - now
        if (left <= 0) {
          const [expired] = yield* sql`UPDATE subscriptions SET status = 'EXPIRED', updated_at = now()
              WHERE id = ${s.id} AND status = 'ACTIVE' AND expires_at = ${expiry} RETURNING id`
          if (expired !== undefined && (yield* once(s.id, expiry, "EXPIRED"))) {
            yield* publishAll([notice(view, "expired")])
            return "expired" as const
          }
          return null
        }
        // auto-renewing inside the renewal window: the renewal (or its failure notice) is the news, not a reminder;
        // the second reminder still comes while it is not renewed
        if (s.autoRenew && left <= SUBSCRIPTION_SCHEDULE.renewFromHours * HOUR) {
          const outcome = yield* Effect.either(renewAt(s.id, s.expiresAt, null))
          if (Either.isRight(outcome)) {
            // renewed now, or by another tick or instance meanwhile
            if (Option.isSome(outcome.right)) return "renewed" as const
            return null
          }
          const error = outcome.left
          const missing = error instanceof InsufficientFunds ? Kopecks.make(error.needed - error.available) : null
          if (yield* once(s.id, expiry, "RENEWAL_FAILED", { amount: missing })) {
            yield* publishAll([notice(view, "renewal_failed", { amount: missing })])
            if (!(error instanceof InsufficientFunds))
              yield* Effect.logWarning("subscription renewal failed", { subscriptionId: s.id, error: error._tag })
            return "failed" as const
          }
          if (left > SUBSCRIPTION_SCHEDULE.secondReminderHours * HOUR) return null
        }
        if (left <= SUBSCRIPTION_SCHEDULE.secondReminderHours * HOUR) {
          if (yield* once(s.id, expiry, "REMINDER_2")) {
            yield* publishAll([notice(view, "expiring", { second: true })])
            return "reminded" as const
          }
          return null
        }
        if (left <= SUBSCRIPTION_SCHEDULE.firstReminderHours * HOUR && (yield* once(s.id, expiry, "REMINDER_1"))) {
          yield* publishAll([notice(view, "expiring")])
          return "reminded" as const
        }
        return null
      })

    const runDue = () =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const horizon = new Date(now + SUBSCRIPTION_SCHEDULE.firstReminderHours * HOUR)
        const rows = yield* orDie(
          sql`${select} WHERE s.status = 'ACTIVE' AND s.expires_at <= ${horizon} ORDER BY s.expires_at, s.id`
        )
        const due = yield* orDie(views(rows, now))
        const run = { reminded: 0, renewed: 0, failed: 0, expired: 0 }
        for (const view of due) {
          const done = yield* step(view, now).pipe(
            Effect.catchAllCause((cause) =>
              Effect.as(
                Effect.logError("subscription schedule step failed", { subscriptionId: view.subscription.id }, cause),
                "failed" as const
              )
            )
          )
          if (done !== null) run[done] += 1
        }
        return run satisfies SubscriptionRun
      }).pipe(Effect.withSpan("Subscriptions.runDue"))

    return Subscriptions.of({ mine, own, renew, setAutoRenew, runDue })
  })
)
