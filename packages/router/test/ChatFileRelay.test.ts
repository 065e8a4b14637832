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
import { Capabilities, type Reply } from "../src/index.js"

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
/** the same platform without documents: a file goes as its line with the link */
const noDocuments = new Capabilities({ ...profile.capabilities, documents: false })

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
            capabilities: noDocuments,
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

// a file goes as a document where the platform sends documents (and it has a link to send), with the author and the
// caption; where the platform cannot fetch it, as its line with the link
for (const fetches of [true, false]) {
  const core = Layer.fresh(CoreServicesLive).pipe(Layer.provideMerge(PgliteTest))
  const refuses = fetches ? {} : { refuses: (reply: Reply) => reply._tag === "Document" }
  it.layer(RouterTest(refuses).pipe(Layer.provideMerge(Layer.merge(core, links))), { timeout: 300_000 })(
    `chat files relayed as documents${fetches ? "" : " (the platform refuses it)"}`,
    (it) => {
      it.scoped("the document with the author and the caption", () =>
        Effect.gen(function* () {
          const startAt = "2026-03-02T09:00:00Z"
          yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.unsafeMake(startAt)))
          assert.isTrue(profile.capabilities.documents)
          const conversation = yield* makeConversation({
            capabilities: profile.capabilities,
            bot: "telegram-bot",
            namespace: `documents-${fetches}-`,
            seed: "documents"
          })
          yield* runScenario(
            {
              name: "a file from the web cabinet reaches a messenger member as a document",
              startAt,
              steps: [
                ...olgaSellsToIvan("Сыр", ["+7 900 100-00-52", "+7 900 100-00-53"]),
                ivan.send("/procurements"),
                ...ivan.join("Сыр 1", 1),
                ...ivan.openChat("Сыр 1"),
                {
                  system: "postFile",
                  user: "olga",
                  procurement: "Сыр 1",
                  name: "прайс.txt",
                  content: "Сыр — 900 ₽",
                  caption: "Цены"
                },
                fetches
                  ? ivan.expect("Ольга Орг: Цены")
                  : ivan.expect("Ольга Орг: Цены", "📎 прайс.txt (18 Б): https://files.example/")
              ]
            },
            conversation
          )
          const documents = conversation.inbox("ivan").flatMap((r) => (r._tag === "Document" ? [r] : []))
          assert.deepStrictEqual(
            documents.map((r) => r.name),
            fetches ? ["прайс.txt"] : []
          )
          if (fetches) assert.match(documents[0]!.url, /^https:\/\/files\.example\//)
        })
      )
    }
  )
}
