import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { AddChannel, Channels } from "../src/Channels.js"
import { ChannelsLive } from "../src/ChannelsLive.js"
import type { ChannelId } from "../src/Ids.js"
import { databaseProfiles } from "../src/testing/index.js"

for (const profile of databaseProfiles()) {
  describe(`Channels (${profile.name})`, () => {
    it.layer(Layer.fresh(ChannelsLive).pipe(Layer.provideMerge(profile.layer)), { timeout: "120 seconds" })((it) => {
      it.effect("registers a chat once per bot, trims input, lists oldest first and removes", () =>
        Effect.gen(function* () {
          const channels = yield* Channels
          const before = (yield* channels.list()).length
          // as the admin API decodes a request body: surrounding blanks are trimmed
          const news = yield* channels.add(
            Schema.decodeUnknownSync(AddChannel)({
              botId: " telegram ",
              platform: "telegram",
              chatId: " @groupbuy_news ",
              title: "Новости "
            })
          )
          assert.deepInclude(news, {
            botId: "telegram",
            platform: "telegram",
            chatId: "@groupbuy_news",
            title: "Новости",
            language: "ru",
            addedBy: null
          })
          const english = yield* channels.add(
            new AddChannel({ botId: "vk", platform: "vk", chatId: "2000000001", title: "Deals", language: "en" })
          )
          assert.strictEqual(english.language, "en")
          // the same chat of the same bot again is refused; the same chat id of another bot is another channel
          const again = yield* channels
            .add(new AddChannel({ botId: "telegram", platform: "telegram", chatId: "@groupbuy_news", title: "x" }))
            .pipe(Effect.flip)
          assert.strictEqual(again._tag, "RuleViolation")
          assert.strictEqual(again.code, "channel.duplicate")
          const otherBot = yield* channels.add(
            new AddChannel({ botId: "telegram-2", platform: "telegram", chatId: "@groupbuy_news", title: "Зеркало" })
          )
          const listed = yield* channels.list()
          assert.deepStrictEqual(
            listed.slice(before).map((c) => c.id),
            [news.id, english.id, otherBot.id]
          )
          const removed = yield* channels.remove(news.id)
          assert.strictEqual(removed.id, news.id)
          const gone = yield* channels.remove(news.id).pipe(Effect.flip)
          assert.strictEqual(gone._tag, "NotFound")
          assert.notInclude(
            (yield* channels.list()).map((c) => c.id),
            news.id
          )
          const unknown = yield* channels.remove("00000000-0000-4000-8000-000000000000" as ChannelId).pipe(Effect.flip)
          assert.strictEqual(unknown._tag, "NotFound")
        })
      )

      it.effect("refuses blank fields and unknown platforms or languages", () =>
        Effect.gen(function* () {
          const channels = yield* Channels
          for (const bad of [
            { botId: "  ", platform: "telegram", chatId: "1", title: "t" },
            { botId: "telegram", platform: "telegram", chatId: "", title: "t" },
            { botId: "telegram", platform: "telegram", chatId: "1", title: "   " },
            { botId: "telegram", platform: "icq", chatId: "1", title: "t" },
            { botId: "telegram", platform: "telegram", chatId: "1", title: "t", language: "de" }
          ]) {
            const exit = yield* Effect.exit(channels.add(bad as never))
            assert.isTrue(exit._tag === "Failure", JSON.stringify(bad))
          }
        })
      )
    })
  })
}
