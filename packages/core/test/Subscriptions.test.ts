/**
 * Subscriptions on both database profiles with the test clock: the schedule's whole timeline (a reminder 3 days
 * before, the renewal from 24 hours before, the next period), a balance too short (one failure notice with the missing
 * amount, the second reminder, the expiry), auto-renewal off, a provider refusing a renewal (refunded once, tried
 * again), a renewal asked for twice (once), two schedulers at the same moment (one renewal), and the ledger invariant.
 */
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Fiber, Ref, Stream, TestClock, TestServices } from "effect"
import { type DomainEvent, DomainEvents } from "../src/Events.js"
import { Kopecks } from "../src/Money.js"
import { Catalog } from "../src/Shop.js"
import { Subscriptions } from "../src/Subscriptions.js"
import { databaseProfiles, ScriptedProviders, scriptedOffer } from "../src/testing/index.js"
import { balanceOf, fund, insertUser } from "./moneyFixtures.js"
import { buy, invariant, ledgerRowsOf, shopLayer } from "./shopFixtures.js"

const START = Date.UTC(2027, 0, 10, 12, 0, 0)
const DAY = 86_400_000
const HOUR = 3_600_000

let serial = 0

/** A PROVIDER product of the scripted provider (1000 kopecks, 30 days), bought once by a new user with `balance`. */
const subscribed = (balance: bigint) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(START)
    const offerKey = `v4:t${++serial}:30`
    const provider = (yield* ScriptedProviders).get("proxy6")!
    yield* provider.setOffers([scriptedOffer(offerKey, Kopecks.make(1_000n))])
    const synced = yield* (yield* Catalog).syncProviderOffers(
      "proxy6",
      [scriptedOffer(offerKey, Kopecks.make(1_000n))],
      0
    )
    const product = synced.created[0] ?? synced.updated[0]!
    const user = yield* insertUser()
    yield* fund(user, balance + 1_000n)
    const bought = yield* buy(user, product.id, 1)
    assert.strictEqual(bought.order.status, "DELIVERED")
    const id = bought.delivery!.subscriptionId!
    return { user, id, provider, expiry: START + 30 * DAY }
  })

/** The notices of subscription `id` published while `effect` runs (other tests' subscriptions share the database). */
const noticesOf = <A, E, R>(id: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const seen = yield* Ref.make<ReadonlyArray<Extract<DomainEvent, { _tag: "SubscriptionNotice" }>>>([])
    const stream = yield* (yield* DomainEvents).subscribe
    const fiber = yield* Stream.runForEach(stream, (e) =>
      e._tag === "SubscriptionNotice" && e.subscriptionId === id ? Ref.update(seen, (all) => [...all, e]) : Effect.void
    ).pipe(Effect.fork)
    const result = yield* effect
    yield* TestServices.provideLive(Effect.sleep("50 millis"))
    yield* Fiber.interrupt(fiber)
    return [result, (yield* Ref.get(seen)).map((n) => (n.second ? `${n.kind}:second` : n.kind))] as const
  })

const at = (ms: number) => TestClock.setTime(ms)
const tick = Effect.flatMap(Subscriptions, (s) => s.runDue())

for (const profile of databaseProfiles()) {
  describe(`Subscriptions (${profile.name})`, () => {
    it.layer(shopLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.scoped("the timeline: reminder, renewal from the balance, the next period", () =>
        Effect.gen(function* () {
          const { expiry, id, user } = yield* subscribed(5_000n)
          const subscriptions = yield* Subscriptions
          assert.strictEqual(yield* balanceOf(user), 5_000n)
          const [first] = yield* subscriptions.mine(user)
          assert.strictEqual(first!.secondsLeft, 30 * 86_400)
          assert.strictEqual(first!.renewalPrice, 1_000n)

          yield* at(expiry - 3 * DAY - HOUR)
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], [])
          yield* at(expiry - 3 * DAY + HOUR)
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], ["expiring"])
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], [], "reminded once")

          yield* at(expiry - 23 * HOUR)
          const [, told] = yield* noticesOf(id, tick)
          assert.deepStrictEqual(told, ["renewed"])
          assert.strictEqual(yield* balanceOf(user), 4_000n)
          const renewed = yield* subscriptions.own(user, id)
          assert.strictEqual(
            DateTime.toEpochMillis(renewed.subscription.expiresAt),
            expiry + 30 * DAY,
            "from the old expiry"
          )
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], [], "the next period is far away")
          assert.deepStrictEqual(yield* ledgerRowsOf(user), [
            { type: "PURCHASE", amount: "-1000" },
            { type: "PURCHASE", amount: "-1000" }
          ])
          yield* invariant
        })
      )

      it.scoped("a short balance: one failure notice, the second reminder, then the expiry; a top-up renews", () =>
        Effect.gen(function* () {
          const { expiry, id, user } = yield* subscribed(400n)
          const subscriptions = yield* Subscriptions
          yield* at(expiry - 20 * HOUR)
          const [, told] = yield* noticesOf(id, tick)
          assert.deepStrictEqual(told, ["renewal_failed"])
          const [, again] = yield* noticesOf(id, tick)
          assert.deepStrictEqual(again, [], "told once")
          const asked = yield* subscriptions.renew(user, id).pipe(Effect.flip)
          assert.strictEqual(asked._tag, "InsufficientFunds")
          yield* at(expiry - 5 * HOUR)
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], ["expiring:second"])
          yield* at(expiry + 60_000)
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], ["expired"])
          assert.strictEqual((yield* subscriptions.own(user, id)).subscription.status, "EXPIRED")
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], [], "expired once")
          const late = yield* subscriptions.renew(user, id).pipe(Effect.flip)
          assert.strictEqual(late._tag === "RuleViolation" ? late.code : late._tag, "subscription.not-active")
          assert.strictEqual(yield* balanceOf(user), 400n, "nothing was charged")

          // another one, topped up after the failure notice: the next tick renews it
          const second = yield* subscribed(0n)
          yield* at(second.expiry - 20 * HOUR)
          assert.deepStrictEqual((yield* noticesOf(second.id, tick))[1], ["renewal_failed"])
          yield* fund(second.user, 1_000n)
          yield* at(second.expiry - 19 * HOUR)
          assert.deepStrictEqual((yield* noticesOf(second.id, tick))[1], ["renewed"])
          assert.strictEqual(yield* balanceOf(second.user), 0n)
          yield* invariant
        })
      )

      it.scoped("auto-renewal off: reminders, no renewal, the expiry", () =>
        Effect.gen(function* () {
          const { expiry, id, user } = yield* subscribed(5_000n)
          const subscriptions = yield* Subscriptions
          assert.isFalse((yield* subscriptions.setAutoRenew(user, id, false)).subscription.autoRenew)
          const stranger = yield* insertUser()
          assert.strictEqual((yield* subscriptions.setAutoRenew(stranger, id, true).pipe(Effect.flip))._tag, "NotFound")
          yield* at(expiry - 2 * DAY)
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], ["expiring"])
          yield* at(expiry - 10 * HOUR)
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], [])
          yield* at(expiry - 2 * HOUR)
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], ["expiring:second"])
          yield* at(expiry + 1)
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], ["expired"])
          assert.strictEqual(yield* balanceOf(user), 5_000n)
        })
      )

      it.scoped("the provider refuses a renewal: the money comes back once and the next tick tries again", () =>
        Effect.gen(function* () {
          const { expiry, id, provider, user } = yield* subscribed(5_000n)
          const subscriptions = yield* Subscriptions
          yield* provider.failNext("prolong", "unavailable")
          yield* at(expiry - 20 * HOUR)
          const [, told] = yield* noticesOf(id, tick)
          assert.deepStrictEqual(told, ["renewal_failed"])
          assert.strictEqual(yield* balanceOf(user), 5_000n)
          assert.deepStrictEqual(yield* ledgerRowsOf(user), [
            { type: "PURCHASE", amount: "-1000" },
            { type: "PURCHASE", amount: "-1000" },
            { type: "PURCHASE_REFUND", amount: "1000" }
          ])
          yield* at(expiry - 19 * HOUR)
          assert.deepStrictEqual((yield* noticesOf(id, tick))[1], ["renewed"])
          assert.strictEqual(yield* balanceOf(user), 4_000n)
          // asked by its owner twice, naming the expiry seen: renewed once
          const seen = (yield* subscriptions.own(user, id)).subscription.expiresAt
          const first = yield* subscriptions.renew(user, id, seen)
          const second = yield* subscriptions.renew(user, id, seen)
          assert.deepStrictEqual([first.renewed, second.renewed], [true, false])
          assert.strictEqual(yield* balanceOf(user), 3_000n)
          yield* invariant
        })
      )

      it.scoped("two schedulers at the same moment renew once", () =>
        Effect.gen(function* () {
          const { expiry, id, user } = yield* subscribed(5_000n)
          yield* at(expiry - 20 * HOUR)
          const [, told] = yield* noticesOf(id, Effect.all([tick, tick, tick], { concurrency: 3 }))
          assert.deepStrictEqual(told, ["renewed"])
          assert.strictEqual(yield* balanceOf(user), 4_000n)
          yield* invariant
        })
      )
    })
  })
}
