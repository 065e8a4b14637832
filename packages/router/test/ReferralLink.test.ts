/**
 * Referral links on both database profiles: a newcomer who opens `/start ref_<id>` is recorded as that person's
 * referral once registered; their first deposit gives the referrer the reward an admin set (once), and a second
 * link or a link to oneself changes nothing.
 */
import { assert, it } from "@effect/vitest"
import { Kopecks, Ledger, Referrals, UserFilter, Users } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { Effect, Layer } from "effect"
import { makeConversation, RouterTest, runScenario, telegramLike } from "../src/testing/index.js"

for (const profile of coreProfiles()) {
  it.layer(RouterTest({ testMoney: true }).pipe(Layer.provideMerge(profile.layer)), { timeout: 120_000 })(
    `referral links (${profile.name})`,
    (it) => {
      it.scoped("a newcomer through a link is the inviter's referral; the first deposit rewards the inviter once", () =>
        Effect.gen(function* () {
          const referrals = yield* Referrals
          yield* referrals.setReward(Kopecks.make(10_000n))
          const anna = yield* insertUser({ firstName: "Анна" })
          const other = yield* insertUser({ firstName: "Глеб" })
          const conversation = yield* makeConversation({ capabilities: telegramLike })
          const as = "vera"
          yield* runScenario(
            {
              name: "referral",
              startAt: "2030-01-15T09:00:00Z",
              steps: [
                { as, send: `/start ref_${anna}` },
                { as, expect: ["Добро пожаловать"] },
                { as, press: "Покупатель" },
                { as, send: "Вера" },
                { as, contact: "+7 900 555-00-07" },
                { as, press: "Пропустить" },
                { as, press: "Всё верно" },
                { as, expect: ["Вы зарегистрированы", "Главное меню"] },
                // another link later does not take the referral over
                { as, send: `/start ref_${other}` },
                { as, send: "/deposit" },
                { as, send: "1500" },
                { as, press: "Перейти к оплате" },
                { system: "settleDeposit", user: as },
                { as, send: "/deposit" },
                { as, send: "500" },
                { as, press: "Перейти к оплате" },
                { system: "settleDeposit", user: as }
              ]
            },
            conversation
          )
          const page = yield* (yield* Users).list(new UserFilter({ query: "Вера" }))
          const vera = page.items.find((u) => u.firstName === "Вера")!
          const referral = yield* referrals.of(vera.id)
          assert.strictEqual(referral?.referrerId, anna)
          assert.strictEqual(referral?.reward, 10_000n)
          assert.strictEqual(yield* (yield* Ledger).balance(anna), 10_000n)
          assert.strictEqual(yield* (yield* Ledger).balance(other), 0n)
          assert.strictEqual(yield* (yield* Ledger).balance(vera.id), 200_000n)
          // a link to oneself is nothing
          assert.isFalse(yield* referrals.record(anna, anna))
        })
      )
    }
  )
}
