import { it } from "@effect/vitest"
import { CoreServicesLive, MAX_CHAT_MESSAGE } from "@groupbuy/core"
import { PgliteTest } from "@groupbuy/core/testing"
import { DateTime, Effect, Layer, TestClock } from "effect"
import { makeConversation, olgaSellsToIvan, profiles, RouterTest, runScenario, user } from "../src/testing/index.js"

const ivan = user("ivan")
const olga = user("olga")

/** A text of `n` characters that ends with a recognisable tail. */
const longText = (n: number, tail: string) => `${"я".repeat(n - tail.length)}${tail}`

const core = Layer.fresh(CoreServicesLive).pipe(Layer.provideMerge(PgliteTest))

it.layer(RouterTest().pipe(Layer.provideMerge(core)), { timeout: 300_000 })("chat message length", (it) => {
  for (const [i, profile] of profiles.filter((p) => p.name === "telegram" || p.name === "whatsapp").entries()) {
    it.scoped(`up to the platform's limit is relayed, a longer one is refused in words (${profile.name})`, () =>
      Effect.gen(function* () {
        const startAt = "2026-03-02T09:00:00Z"
        yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.unsafeMake(startAt)))
        const conversation = yield* makeConversation({
          capabilities: profile.capabilities,
          bot: `${profile.name}-bot`,
          namespace: `length-${profile.name}-`,
          seed: "length"
        })
        yield* runScenario(
          {
            name: "chat message length",
            startAt,
            steps: [
              ...olgaSellsToIvan(`Сыр${i}`, [`+7 900 100-00-4${2 * i}`, `+7 900 100-00-4${2 * i + 1}`]),
              ivan.send("/procurements"),
              ...ivan.join(`Сыр${i} 1`, 1),
              ...olga.openChat(`Сыр${i} 1`),
              ...ivan.openChat(`Сыр${i} 1`),
              // Telegram's own limit: the whole text reaches the other member (split to fit by the platform's limit)
              ivan.send(longText(4096, "конец первого")),
              olga.expect(`«Сыр${i} 1» — Иван:`, "конец первого"),
              ivan.expectNot("не отправлено"),
              // one character more: refused with the limit and the length, nothing is posted
              ivan.send(longText(4097, "конец второго")),
              ivan.expect(
                `Сообщение не отправлено: в нём 4097 символов, а в чат можно написать не больше ${MAX_CHAT_MESSAGE}`
              ),
              olga.expectNot("конец второго")
            ]
          },
          conversation
        )
      })
    )
  }
})
