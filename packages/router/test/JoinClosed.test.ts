import { SqlClient } from "@effect/sql"
import { it } from "@effect/vitest"
import { coreProfiles, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { Effect, Layer, TestClock } from "effect"
import { makeConversation, registerSteps, RouterTest, runScenario, telegramLike } from "../src/testing/index.js"

for (const profile of coreProfiles()) {
  it.layer(RouterTest().pipe(Layer.provideMerge(profile.layer)), { timeout: 120_000 })(
    `joining a closed procurement (${profile.name})`,
    (it) => {
      it.scoped("past its deadline but not swept yet: Join is refused at once, before any question", () =>
        Effect.gen(function* () {
          yield* TestClock.setTime(Date.now())
          const sql = yield* SqlClient.SqlClient
          const organizer = yield* insertUser({ role: "organizer" })
          const expired = yield* insertProcurement(organizer, { title: "Мёд с истёкшим сроком" })
          yield* sql`UPDATE procurements SET deadline = now() - interval '1 minute' WHERE id = ${expired}`
          const conversation = yield* makeConversation({ capabilities: telegramLike })
          yield* runScenario(
            {
              name: "join closed",
              startAt: new Date().toISOString(),
              steps: [
                ...registerSteps("eva", { name: "Ева Соколова", phone: "+7 900 555-00-02", role: "Покупатель" }),
                { as: "eva", send: `/start proc_${expired}` },
                { as: "eva", expect: ["Мёд с истёкшим сроком"] },
                { as: "eva", press: "Участвовать" },
                { as: "eva", expect: ["Срок записи в закупку истёк"] },
                { as: "eva", expectNot: ["Сколько"] }
              ]
            },
            conversation
          )
        })
      )
    }
  )
}
