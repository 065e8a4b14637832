/**
 * Relayed chat copies edited in place, on the whole platform with a Telegram bot on the fake Bot API through the real
 * grammY client: the organizer reads the chat in chat mode on Telegram; the buyer writes from the web, edits and
 * deletes. The copy the organizer got is edited (the same Telegram message, no short update sent), then replaced
 * with "message deleted". With TEST_REDIS_URL the router keeps its sessions in Redis.
 */
import { FetchHttpClient } from "@effect/platform"
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { Chat, PostMessage, userActor } from "@groupbuy/core"
import { coreProfiles, insertParticipant, insertProcurement, testRedisUrl } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { eventually, expectNow, telegramApp } from "./utils/AppHarness.js"
import { linkedAccount } from "./utils/MiniAppLaunch.js"

const TOKEN = "123456:chat-copies-token"
const ORGANIZER = 711

interface InlineButton {
  readonly text: string
  readonly callback_data?: string
}
const buttonsOf = (markup: unknown): ReadonlyArray<InlineButton> =>
  (
    (markup as { inline_keyboard?: ReadonlyArray<ReadonlyArray<InlineButton>> } | undefined)?.inline_keyboard ?? []
  ).flat()

const profile = coreProfiles().at(-1)!
const telegram = await FakeTelegram.start()
afterAll(() => telegram.close())
telegram.addBot(TOKEN)

const layer = telegramApp(profile.layer, TOKEN, telegram.apiRoot, {
  redisUrl: Option.map(Option.fromNullable(testRedisUrl()), Redacted.make)
})

const sent = () => telegram.sentMessages(TOKEN, ORGANIZER)
const texts = () => sent().map((m) => m.text ?? "")

const until = (check: () => boolean, what: () => string) => eventually(expectNow(check, what))

describe(`relayed chat copies edited in place (${profile.name})`, () => {
  layerOf(layer, { timeout: "180 seconds", excludeTestServices: true })((it) => {
    it.effect("an edit from the web edits the Telegram copy; a deletion replaces it with 'message deleted'", () =>
      Effect.gen(function* () {
        const organizer = yield* linkedAccount("telegram", ORGANIZER, "Ольга", "organizer")
        const buyer = yield* linkedAccount("telegram", 7_999_001, "Иван")
        const procurement = yield* insertProcurement(organizer.id, { title: "Хлеб на закваске" })
        yield* insertParticipant(procurement, buyer.id)

        telegram.text(TOKEN, ORGANIZER, "/chat")
        yield* until(
          () => texts().some((t) => t.includes("Выберите чат")),
          () => JSON.stringify(texts())
        )
        const pick = sent().at(-1)!
        const choose = buttonsOf(pick.reply_markup).find((b) => b.text === "Хлеб на закваске")!
        telegram.press(TOKEN, ORGANIZER, pick.message_id, choose.callback_data!)
        yield* until(
          () => texts().some((t) => t.includes("Вы в чате закупки «Хлеб на закваске»")),
          () => JSON.stringify(texts())
        )

        const chat = yield* Chat
        const message = yield* chat.post(
          PostMessage.make({
            procurementId: procurement,
            userId: buyer.id,
            text: "Привезу в пятницу",
            originPlatform: "web"
          })
        )
        yield* until(
          () => texts().some((t) => t.includes("Иван: Привезу в пятницу")),
          () => JSON.stringify(texts())
        )
        const copy = sent().find((m) => (m.text ?? "").includes("Иван: Привезу в пятницу"))!
        const count = sent().length

        yield* chat.edit(userActor(buyer.id), message.id, "Привезу в субботу")
        yield* until(
          () => (telegram.message(TOKEN, ORGANIZER, copy.message_id)?.text ?? "").includes("Иван: Привезу в субботу"),
          () => JSON.stringify(texts())
        )
        // the same message changed: nothing new was sent, no short update
        assert.lengthOf(sent(), count)
        assert.isFalse(texts().some((t) => t.includes("исправил(а) сообщение")))

        yield* chat.remove(userActor(buyer.id), message.id)
        yield* until(
          () =>
            (telegram.message(TOKEN, ORGANIZER, copy.message_id)?.text ?? "") ===
            "🗑 «Хлеб на закваске» — сообщение удалено.",
          () => JSON.stringify(texts())
        )
        assert.lengthOf(sent(), count)

        // a new message after all that is relayed as before
        yield* chat.post(
          PostMessage.make({ procurementId: procurement, userId: buyer.id, text: "Уже выехал", originPlatform: "web" })
        )
        yield* until(
          () => texts().some((t) => t.includes("Иван: Уже выехал")),
          () => JSON.stringify(texts())
        )
        assert.lengthOf(sent(), count + 1)
      }).pipe(Effect.provide(FetchHttpClient.layer))
    )
  })
})
