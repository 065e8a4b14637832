/**
 * Chat messages across platforms on the whole platform (`AppLive`), with a Telegram bot on the fake Bot API and a VK
 * bot on the fake VK API through the real grammY and vk-io clients: the organizer writes in chat mode on Telegram,
 * and the buyer on VK, outside chat mode, gets one notice of the messages gathered (with its Reply and Mute buttons),
 * the author none; the buyer's answer from the web reaches the organizer in chat mode as the message itself; a status
 * change appears in the chat as a SYSTEM message, in the reader's language.
 * With TEST_REDIS_URL the router keeps its sessions, the chat locks and the notice batches in Redis.
 */
import { FetchHttpClient } from "@effect/platform"
import { FakeTelegram, FakeVk } from "@groupbuy/adapters/testing"
import { Chat, PostMessage, Procurements, userActor } from "@groupbuy/core"
import { coreProfiles, insertParticipant, insertProcurement, testRedisUrl } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { eventually, expectNow, telegramApp } from "./utils/AppHarness.js"
import { linkedAccount } from "./utils/MiniAppLaunch.js"

const TOKEN = "123456:chat-notices-token"
const VK_TOKEN = "vk1.a.chat-notices-token"
const ORGANIZER = 611
const BUYER = 622

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
const vk = await FakeVk.start({ limit: false })
afterAll(() => Promise.all([telegram.close(), vk.close()]))
telegram.addBot(TOKEN)
const group = vk.addGroup(VK_TOKEN)

const layer = telegramApp(profile.layer, TOKEN, telegram.apiRoot, {
  vk: Option.some({ token: Redacted.make(VK_TOKEN), groupId: group.id, apiBaseUrl: Option.some(vk.apiBaseUrl) }),
  redisUrl: Option.map(Option.fromNullable(testRedisUrl()), Redacted.make)
})

const telegramTexts = () => telegram.sentMessages(TOKEN, ORGANIZER).map((m) => m.text ?? "")
const vkTexts = () => vk.sentMessages(VK_TOKEN, BUYER).map((m) => m.text)

/** Waits until `texts()` has a message containing `part`; returns how many there are then. */
const until = (texts: () => ReadonlyArray<string>, part: string) =>
  eventually(
    expectNow(
      () => texts().some((t) => t.includes(part)),
      () => `no “${part}” in ${JSON.stringify(texts())}`
    )
  )

describe(`chat notices across platforms (${profile.name})`, () => {
  layerOf(layer, { timeout: "180 seconds", excludeTestServices: true })((it) => {
    it.effect("a buyer on VK outside chat mode hears of the organizer's Telegram messages once, grouped", () =>
      Effect.gen(function* () {
        const organizer = yield* linkedAccount("telegram", ORGANIZER, "Ольга", "organizer")
        const buyer = yield* linkedAccount("vk", BUYER, "Иван")
        const procurement = yield* insertProcurement(organizer.id, { title: "Мёд с пасеки" })
        yield* insertParticipant(procurement, buyer.id)

        // both have written to their bot (so each is reachable there); the buyer stays outside chat mode
        vk.text(VK_TOKEN, BUYER, "/help")
        yield* until(vkTexts, "/chat")
        telegram.text(TOKEN, ORGANIZER, "/chat")
        yield* until(telegramTexts, "Выберите чат")
        const pick = telegram.sentMessages(TOKEN, ORGANIZER).at(-1)!
        const choose = buttonsOf(pick.reply_markup).find((b) => b.text === "Мёд с пасеки")!
        telegram.press(TOKEN, ORGANIZER, pick.message_id, choose.callback_data!)
        yield* until(telegramTexts, "Вы в чате закупки «Мёд с пасеки»")

        const beforeNotice = vkTexts().length
        telegram.text(TOKEN, ORGANIZER, "Сбор в субботу")
        telegram.text(TOKEN, ORGANIZER, "Не опаздывайте, пожалуйста")
        yield* until(vkTexts, "Новых сообщений в чате «Мёд с пасеки»: 2")
        const notices = vk.sentMessages(VK_TOKEN, BUYER).slice(beforeNotice)
        assert.lengthOf(notices, 1, JSON.stringify(notices.map((m) => m.text)))
        assert.include(notices[0]!.text, "Ольга: Не опаздывайте, пожалуйста")
        const keyboard = JSON.stringify(notices[0]!.keyboard)
        assert.include(keyboard, "Ответить")
        assert.include(keyboard, "Не уведомлять об этом чате")
        // the author hears nothing of their own messages
        assert.isFalse(telegramTexts().some((t) => t.includes("Новых сообщений") || t.includes("Новое сообщение")))

        // the buyer answers from the web: the organizer, in chat mode, gets the message itself, not a notice
        yield* (yield* Chat).post(
          PostMessage.make({ procurementId: procurement, userId: buyer.id, text: "Спасибо!", originPlatform: "web" })
        )
        yield* until(telegramTexts, "«Мёд с пасеки» — Иван: Спасибо!")
        // and nothing more reached the buyer meanwhile (the next notice waits for the window)
        assert.lengthOf(vk.sentMessages(VK_TOKEN, BUYER).slice(beforeNotice), 1)

        // a status change appears in the chat as a SYSTEM message, shown in the reader's language
        yield* (yield* Procurements).setStatus(userActor(organizer.id), procurement, "STOPPED")
        yield* until(telegramTexts, "система: статус закупки изменился: идёт сбор → сбор остановлен")
        const [last] = yield* (yield* Chat).history(userActor(buyer.id), procurement, { limit: 1 })
        assert.strictEqual(last?.type, "SYSTEM")
        assert.strictEqual(last?.text, "status:ACTIVE>STOPPED")
        assert.isNull(last?.userId)
      }).pipe(Effect.provide(FetchHttpClient.layer))
    )
  })
})
