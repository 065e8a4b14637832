import { assert, it } from "@effect/vitest"
import { AttachmentLinks, CoreServicesLive } from "@groupbuy/core"
import { PgliteTest } from "@groupbuy/core/testing"
import { DateTime, Effect, Layer, TestClock } from "effect"
import {
  makeConversation,
  olgaSellsToIvan,
  profiles,
  RouterTest,
  runScenario,
  type Scenario,
  user
} from "../src/testing/index.js"
import { Capabilities } from "../src/index.js"

const ivan = user("ivan")

/** Links as the server makes them, per file and member (here recognisable rather than signed). */
const links = Layer.succeed(AttachmentLinks, {
  link: (id, userId) => Effect.succeed(`https://files.example/${id}?for=${userId}`)
})

const scenario = (withLinks: boolean): Scenario => ({
  name: "a file from the web cabinet reaches a messenger member",
  startAt: "2026-03-02T09:00:00Z",
  steps: [
    ...olgaSellsToIvan("Мёд", ["+7 900 100-00-18", "+7 900 100-00-19"]),
    ivan.send("/procurements"),
    ...ivan.join("Мёд 1", 1),
    ...ivan.openChat("Мёд 1"),
    {
      system: "postFile",
      user: "olga",
      procurement: "Мёд 1",
      name: "прайс.txt",
      content: "Мёд — 900 ₽",
      caption: "Цены"
    },
    withLinks
      ? ivan.expect("Ольга Орг: Цены", "📎 прайс.txt (18 Б): https://files.example/")
      : ivan.expect("Ольга Орг: Цены", "📎 прайс.txt (18 Б)"),
    ...(withLinks ? [] : [ivan.expectNot("https://")]),
    // coming back to the chat, the recent messages show the file too
    ivan.send("/cancel"),
    ivan.send("/chat"),
    ivan.press("Мёд 1"),
    withLinks
      ? ivan.expect("Последние сообщения:", "Ольга Орг: Цены\n📎 прайс.txt (18 Б): https://files.example/")
      : ivan.expect("Последние сообщения:", "Ольга Орг: Цены\n📎 прайс.txt (18 Б)")
  ]
})

const profile = profiles.find((p) => p.name === "telegram")!

for (const withLinks of [true, false]) {
  const core = Layer.fresh(CoreServicesLive).pipe(Layer.provideMerge(PgliteTest))
  it.layer(RouterTest().pipe(Layer.provideMerge(withLinks ? Layer.merge(core, links) : core)), { timeout: 300_000 })(
    `chat files relayed to a messenger ${withLinks ? "with" : "without"} links`,
    (it) => {
      it.scoped("the caption, the file's name and size, and the member's link", () =>
        Effect.gen(function* () {
          const s = scenario(withLinks)
          yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.unsafeMake(s.startAt)))
          const conversation = yield* makeConversation({
            capabilities: profile.capabilities,
            bot: "telegram-bot",
            namespace: `files-${withLinks}-`,
            seed: s.name
          })
          yield* runScenario(s, conversation)
        })
      )
    }
  )
}

// an image goes as one where the platform shows media, and as its caption and link where it does not
for (const capabilities of [profile.capabilities, new Capabilities({ ...profile.capabilities, media: false })]) {
  const core = Layer.fresh(CoreServicesLive).pipe(Layer.provideMerge(PgliteTest))
  it.layer(RouterTest().pipe(Layer.provideMerge(core)), { timeout: 300_000 })(
    `chat images relayed ${capabilities.media ? "as images" : "as links"}`,
    (it) => {
      it.scoped("the picture with the author and the caption", () =>
        Effect.gen(function* () {
          const startAt = "2026-03-02T09:00:00Z"
          yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.unsafeMake(startAt)))
          const conversation = yield* makeConversation({
            capabilities,
            bot: "telegram-bot",
            namespace: `images-${capabilities.media}-`,
            seed: "images"
          })
          yield* runScenario(
            {
              name: "an image from the web cabinet reaches a messenger member",
              startAt,
              steps: [
                ...olgaSellsToIvan("Чай", ["+7 900 100-00-50", "+7 900 100-00-51"]),
                ivan.send("/procurements"),
                ...ivan.join("Чай 1", 1),
                ...ivan.openChat("Чай 1"),
                {
                  system: "postFromWeb",
                  user: "olga",
                  procurement: "Чай 1",
                  text: "Вот такой чай",
                  imageUrl: "https://img.example/tea.jpg"
                },
                capabilities.media
                  ? ivan.expect("Ольга Орг: Вот такой чай")
                  : ivan.expect("Ольга Орг: Вот такой чай", "https://img.example/tea.jpg")
              ]
            },
            conversation
          )
          const shown = conversation.inbox("ivan").filter((r) => r._tag === "Image")
          assert.deepStrictEqual(
            shown.map((r) => r.url),
            capabilities.media ? ["https://img.example/tea.jpg"] : []
          )
        })
      )
    }
  )
}
