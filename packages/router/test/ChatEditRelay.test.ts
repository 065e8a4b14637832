import { assert, it } from "@effect/vitest"
import { CoreServicesLive } from "@groupbuy/core"
import { PgliteTest } from "@groupbuy/core/testing"
import { DateTime, Effect, Layer, TestClock } from "effect"
import { makeConversation, olgaSellsToIvan, profiles, RouterTest, runScenario, user } from "../src/testing/index.js"

const ivan = user("ivan")

// an edit or a deletion in the web cabinet reaches a messenger member in chat mode as a short update
for (const profile of profiles.filter((p) => p.name === "telegram" || p.name === "whatsapp")) {
  const core = Layer.fresh(CoreServicesLive).pipe(Layer.provideMerge(PgliteTest))
  it.layer(RouterTest().pipe(Layer.provideMerge(core)), { timeout: 300_000 })(
    `chat edits and deletions relayed (${profile.name})`,
    (it) => {
      it.scoped("the edited text, then the deletion", () =>
        Effect.gen(function* () {
          const startAt = "2026-03-02T09:00:00Z"
          yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.unsafeMake(startAt)))
          const conversation = yield* makeConversation({
            capabilities: profile.capabilities,
            bot: "telegram-bot",
            namespace: `edits-${profile.name}-`,
            seed: "edits"
          })
          yield* runScenario(
            {
              name: "an edit and a deletion from the web cabinet reach a messenger member",
              startAt,
              steps: [
                ...olgaSellsToIvan("Хлеб", ["+7 900 100-00-54", "+7 900 100-00-55"]),
                ivan.send("/procurements"),
                ...ivan.join("Хлеб 1", 1),
                ...ivan.openChat("Хлеб 1"),
                { system: "postFromWeb", user: "olga", procurement: "Хлеб 1", text: "Привезу в пятницу" },
                ivan.expect("Ольга Орг: Привезу в пятницу"),
                { system: "editFromWeb", user: "olga", procurement: "Хлеб 1", text: "Привезу в субботу" },
                ivan.expect("✏️ «Хлеб 1» — Ольга Орг исправил(а) сообщение: Привезу в субботу"),
                { system: "deleteFromWeb", user: "olga", procurement: "Хлеб 1" },
                ivan.expect("🗑 «Хлеб 1» — сообщение удалено.")
              ]
            },
            conversation
          )
          // each change reached the member once
          const texts = conversation
            .inbox("ivan")
            .map((r) => (r._tag === "Text" ? r.text.map((s) => s.text).join("") : ""))
          assert.strictEqual(texts.filter((t) => t.includes("исправил(а) сообщение")).length, 1)
          assert.strictEqual(texts.filter((t) => t.includes("сообщение удалено")).length, 1)
        })
      )
    }
  )
}
