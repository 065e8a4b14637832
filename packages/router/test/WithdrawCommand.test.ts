/**
 * `/withdraw` on both database profiles: without arguments it says how (with the balance); an unreadable amount is
 * answered with the example; more than the balance is refused in a sentence; a readable request is held at once and
 * acknowledged with the new balance, in the user's language.
 */
import { assert, it } from "@effect/vitest"
import { Ledger, UserFilter, Users, WithdrawalFilter, Withdrawals } from "@groupbuy/core"
import { coreProfiles } from "@groupbuy/core/testing"
import { Effect, Layer } from "effect"
import { makeConversation, registerSteps, RouterTest, runScenario, telegramLike } from "../src/testing/index.js"

const details = "Счёт 40817810000000000001, БИК 044525225, Иванова Дина"

for (const profile of coreProfiles()) {
  it.layer(RouterTest({ testMoney: true }).pipe(Layer.provideMerge(profile.layer)), { timeout: 120_000 })(
    `/withdraw (${profile.name})`,
    (it) => {
      it.scoped("asks how, refuses what it cannot read or the balance does not cover, holds a readable request", () =>
        Effect.gen(function* () {
          const conversation = yield* makeConversation({ capabilities: telegramLike })
          const as = "dina"
          yield* runScenario(
            {
              name: "withdraw",
              startAt: "2030-01-15T09:00:00Z",
              steps: [
                ...registerSteps(as, { name: "Дина Иванова", phone: "+7 900 555-00-02", role: "Покупатель" }),
                { as, send: "/deposit" },
                { as, send: "1500" },
                { as, press: "Перейти к оплате" },
                { system: "settleDeposit", user: as },
                { as, send: "/withdraw" },
                { as, expect: ["Вывод денег", "Ваш баланс: 1\u202f500", "/withdraw 500"] },
                { as, send: "/withdraw пятьсот рублей" },
                { as, expect: ["Не удалось прочитать заявку"] },
                { as, send: `/withdraw 2000 ${details}` },
                { as, expect: ["Недостаточно средств: нужно 2\u202f000", "на балансе 1\u202f500"] },
                { as, send: `/withdraw 1000,50 ${details}` },
                { as, expect: ["Заявка на вывод", "1\u202f000,50", "баланс теперь 499,50"] },
                { system: "setLanguage", user: as, language: "en" },
                { as, send: "/withdraw" },
                { as, expect: ["Withdraw money", "Your balance: 499,50"] }
              ]
            },
            conversation
          )
          const users = yield* Users
          const withdrawals = yield* Withdrawals
          const page = yield* users.list(new UserFilter({ query: "Дина" }))
          const dina = page.items.find((u) => u.firstName === "Дина")
          assert.isDefined(dina)
          const requests = yield* withdrawals.list(new WithdrawalFilter({ userId: dina!.id }))
          assert.strictEqual(requests.total, 1)
          assert.strictEqual(requests.items[0]!.request.amount, 100_050n)
          assert.strictEqual(requests.items[0]!.request.details, details)
          assert.strictEqual(yield* (yield* Ledger).balance(dina!.id), 49_950n)
        })
      )
    }
  )
}
