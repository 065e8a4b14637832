/** `Router.announce`: the one rule set of the bot's `/broadcast` and the web cabinet's announce button. */
import { assert, it } from "@effect/vitest"
import { ProcurementId } from "@groupbuy/core"
import { coreProfiles, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { Effect, Layer, TestClock } from "effect"
import { ChatRef, Router } from "../src/index.js"
import { plainOf, RouterTest, TestOutbox } from "../src/testing/index.js"

const channels = [
  {
    id: "news",
    title: "Новости закупок",
    ref: new ChatRef({ bot: "channel-bot", platform: "telegram", chatId: "news", userId: "channel", locale: "ru" }),
    deepLink: "https://t.me/groupbuy_bot?start={payload}"
  },
  {
    id: "en-news",
    title: "Group buys",
    ref: new ChatRef({ bot: "channel-bot", platform: "telegram", chatId: "en-news", userId: "channel", locale: "en" }),
    deepLink: "https://t.me/groupbuy_bot?start={payload}"
  }
]

const refusalOf = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.flip(effect), (error) =>
    "code" in error && typeof error.code === "string" ? `${error._tag} ${error.code}` : error._tag
  )

for (const profile of coreProfiles()) {
  it.layer(RouterTest({ channels }).pipe(Layer.provideMerge(profile.layer)), { timeout: 120_000 })(
    `announcing a procurement (${profile.name})`,
    (it) => {
      it.effect(
        "the organizer or an admin announces an ACTIVE procurement once per minute, in each channel's language",
        () =>
          Effect.gen(function* () {
            const router = yield* Router
            const outbox = yield* TestOutbox
            outbox.take()
            const organizer = yield* insertUser({ role: "organizer" })
            const stranger = yield* insertUser({ role: "organizer" })
            const admin = yield* insertUser({ role: "buyer", isAdmin: true })
            const id = yield* insertProcurement(organizer, { title: "Мёд для анонса" })
            const draft = yield* insertProcurement(organizer, { title: "Черновик", status: "DRAFT" })

            assert.strictEqual(yield* refusalOf(router.announce(id, stranger)), "Forbidden")
            assert.strictEqual(
              yield* refusalOf(router.announce(ProcurementId.make("00000000-0000-4000-8000-000000000000"), organizer)),
              "NotFound"
            )
            assert.strictEqual(yield* refusalOf(router.announce(draft, organizer)), "RuleViolation announce.not-active")
            assert.deepStrictEqual(outbox.take(), [], "nothing went out for a refusal")

            assert.deepStrictEqual(yield* router.announce(id, organizer), { sent: 2, channels: 2 })
            const sent = outbox.take()
            assert.deepStrictEqual(
              sent.map((d) => d.ref.chatId),
              ["news", "en-news"]
            )
            const ru = sent[0]!.replies.map(plainOf).join("\n")
            const en = sent[1]!.replies.map(plainOf).join("\n")
            assert.include(ru, "Мёд для анонса")
            assert.include(ru, `proc_${id}`)
            assert.include(en, "New procurement")

            // a double click, a retry, the bot and the web at once: one announcement
            assert.strictEqual(yield* refusalOf(router.announce(id, organizer)), "RuleViolation announce.too-soon")
            assert.strictEqual(yield* refusalOf(router.announce(id, admin)), "RuleViolation announce.too-soon")
            assert.deepStrictEqual(outbox.take(), [])
            yield* TestClock.adjust("61 seconds")
            assert.deepStrictEqual(yield* router.announce(id, admin), { sent: 2, channels: 2 })
            assert.strictEqual(outbox.take().length, 2)
          })
      )
    }
  )

  it.layer(RouterTest().pipe(Layer.provideMerge(profile.layer)), { timeout: 120_000 })(
    `announcing without channels (${profile.name})`,
    (it) => {
      it.effect("is refused with a clear reason", () =>
        Effect.gen(function* () {
          const router = yield* Router
          const organizer = yield* insertUser({ role: "organizer" })
          const id = yield* insertProcurement(organizer)
          assert.strictEqual(yield* refusalOf(router.announce(id, organizer)), "RuleViolation announce.no-channels")
        })
      )
    }
  )
}
