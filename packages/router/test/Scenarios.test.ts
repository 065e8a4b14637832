import { it } from "@effect/vitest"
import { DateTime, Effect, Layer, TestClock } from "effect"
import { expect } from "vitest"
import { ChatRef } from "../src/index.js"
import { makeConversation, profiles, RouterTest, runScenario, scenarios } from "../src/testing/index.js"
import { CoreServicesLive } from "@groupbuy/core"
import { PgliteTest } from "@groupbuy/core/testing"

const slug = (name: string) => name.replace(/\s+/g, "-")

// One fresh database per capability profile; the scenarios of a profile run in order on it, each under its own
// namespace of chats and identities. The transcript of each profile is a committed snapshot.
for (const profile of profiles) {
  const channels = [
    {
      id: "news",
      title: "Новости закупок",
      ref: new ChatRef({ bot: "channel-bot", platform: "telegram", chatId: "news", userId: "channel", locale: "ru" }),
      deepLink: "https://t.me/groupbuy_bot?start={payload}"
    }
  ]
  it.layer(
    RouterTest({ channels }).pipe(
      Layer.provideMerge(Layer.fresh(CoreServicesLive).pipe(Layer.provideMerge(PgliteTest)))
    ),
    { timeout: 300_000 }
  )(`scripted scenarios on a ${profile.name}-like platform`, (it) => {
    const transcript: Array<string> = []
    for (const scenario of scenarios) {
      it.scoped(scenario.name, () =>
        Effect.gen(function* () {
          yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.unsafeMake(scenario.startAt)))
          const conversation = yield* makeConversation({
            capabilities: profile.capabilities,
            bot: `${profile.name}-bot`,
            namespace: `${slug(scenario.name)}-`,
            seed: scenario.name
          })
          yield* runScenario(scenario, conversation).pipe(
            Effect.ensuring(Effect.sync(() => transcript.push(`### ${scenario.name}\n${conversation.transcript()}`)))
          )
        })
      )
    }
    it.effect("transcript", () =>
      Effect.promise(() =>
        expect(`${transcript.join("\n")}`).toMatchFileSnapshot(`./__transcripts__/${profile.name}.txt`)
      )
    )
  })
}
