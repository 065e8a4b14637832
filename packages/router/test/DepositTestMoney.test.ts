import { it } from "@effect/vitest"
import { coreProfiles } from "@groupbuy/core/testing"
import { Effect, Layer } from "effect"
import {
  makeConversation,
  registerSteps,
  RouterTest,
  runScenario,
  type ScenarioStep,
  telegramLike
} from "../src/testing/index.js"

// the router learns that the gateway is a test one from the gateway itself (`DepositLink.testMoney`)
const depositSteps = (as: string): ReadonlyArray<ScenarioStep> => [
  ...registerSteps(as, { name: "Дина Иванова", phone: "+7 900 555-00-01", role: "Покупатель" }),
  { as, send: "/deposit" },
  { as, send: "1500" },
  { as, press: "Перейти к оплате" },
  { as, expect: ["по кнопке ниже", "💳 Оплатить"] }
]

for (const profile of coreProfiles()) {
  for (const testMoney of [true, false]) {
    it.layer(RouterTest({ testMoney }).pipe(Layer.provideMerge(profile.layer)), { timeout: 120_000 })(
      `a deposit through a ${testMoney ? "test" : "real"} gateway (${profile.name})`,
      (it) => {
        it.scoped(
          testMoney
            ? "the reply with the payment button says it is test money, in the user's language"
            : "the reply with the payment button says nothing of test money",
          () =>
            Effect.gen(function* () {
              const conversation = yield* makeConversation({ capabilities: telegramLike })
              const name = "dina"
              yield* runScenario(
                {
                  name: "deposit",
                  startAt: "2030-01-15T09:00:00Z",
                  steps: [
                    ...depositSteps(name),
                    testMoney
                      ? { as: name, expect: ["Тестовые деньги", "настоящие деньги не списываются"] }
                      : { as: name, expectNot: ["Тестовые деньги", "Test money"] },
                    ...(testMoney
                      ? [
                          { system: "setLanguage", user: name, language: "en" } as const,
                          { as: name, send: "/deposit" },
                          { as: name, send: "20" },
                          { as: name, press: "Go to payment" },
                          { as: name, expect: ["Test money", "no real money is charged"] }
                        ]
                      : [])
                  ]
                },
                conversation
              )
            })
        )
      }
    )
  }
}
