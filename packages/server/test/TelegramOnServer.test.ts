/**
 * The whole platform (`AppLive`) with a Telegram bot against the fake Bot API:
 * - `/broadcast`: the channels come from the `broadcast_channels` table the admin API manages; the announcement is
 *   posted in the channel in its language with a Join deep link into the same bot; channels of bots not running here
 *   are left out; removing a channel stops announcements there;
 * - the adapters' reports reach core: a chat that blocked the bot makes the identity unreachable.
 * With TEST_REDIS_URL the router runs on Redis sessions and the Redis chat lock.
 */
import { FetchHttpClient } from "@effect/platform"
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { AuditFilter, AuditLog, Notifications, PageRequest, Users } from "@groupbuy/core"
import { coreProfiles, insertProcurement, testRedisUrl } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { adminLogin, baseUrlOf, eventually, expectNow, telegramApp } from "./utils/AppHarness.js"
import { linkedAccount } from "./utils/MiniAppLaunch.js"

const TOKEN = "123456:broadcast-test-token"
const ORGANIZER = 501
const BUYER = 777
const CHANNEL = -1001234567890
const ENGLISH_CHANNEL = -1009876543210

interface InlineButton {
  readonly text: string
  readonly callback_data?: string
  readonly url?: string
}
const buttonsOf = (markup: unknown): ReadonlyArray<InlineButton> =>
  (
    (markup as { inline_keyboard?: ReadonlyArray<ReadonlyArray<InlineButton>> } | undefined)?.inline_keyboard ?? []
  ).flat()

const profile = coreProfiles().at(-1)!
const telegram = await FakeTelegram.start()
afterAll(() => telegram.close())

/** The organizer sends /broadcast, picks the procurement from the menu and gets an answer matching `answer`. */
const broadcast = (answer: RegExp, title = "Мёд с пасеки") =>
  Effect.gen(function* () {
    const seen = telegram.sentMessages(TOKEN, ORGANIZER).length
    const fresh = () => telegram.sentMessages(TOKEN, ORGANIZER).slice(seen)
    telegram.text(TOKEN, ORGANIZER, "/broadcast")
    const menu = yield* eventually(
      Effect.suspend(() => {
        const found = fresh().find((m) => buttonsOf(m.reply_markup).some((b) => b.text === title))
        return found === undefined ? Effect.fail(new Error("no pick menu")) : Effect.succeed(found)
      })
    )
    const choose = buttonsOf(menu.reply_markup).find((b) => b.text === title)!
    assert.isDefined(choose.callback_data)
    telegram.press(TOKEN, ORGANIZER, menu.message_id, choose.callback_data!)
    yield* eventually(
      expectNow(
        () => fresh().some((m) => answer.test(m.text ?? "")),
        () => `no answer ${answer}: ${JSON.stringify(fresh().map((m) => m.text))}`
      )
    )
  })

const bot = telegram.addBot(TOKEN)
const layer = telegramApp(profile.layer, TOKEN, telegram.apiRoot, {
  // with Redis (always in CI) the router keeps its sessions there and leases each chat's turns there
  redisUrl: Option.map(Option.fromNullable(testRedisUrl()), Redacted.make)
})

describe(`/broadcast on Telegram (${profile.name})`, () => {
  layerOf(layer, { timeout: "180 seconds", excludeTestServices: true })((it) => {
    it.effect(
      "announces in every registered channel of the running bot, in the channel's language, with a deep link",
      () =>
        Effect.gen(function* () {
          const { admin } = yield* adminLogin(yield* baseUrlOf, "channels@example.com")

          // the organizer, known to the Telegram bot, with an active procurement
          const organizer = yield* linkedAccount("telegram", ORGANIZER, "Ольга", "organizer")
          const procurement = yield* insertProcurement(organizer.id, { title: "Мёд с пасеки" })
          yield* insertProcurement(organizer.id, { title: "Орехи кедровые" })

          // no channels yet
          yield* broadcast(/не подключены/)

          // the admin registers two channels of this bot; a bot that does not run here is refused
          const news = yield* admin.addChannel({
            payload: { botId: "telegram", platform: "telegram", chatId: String(CHANNEL), title: "Новости закупок" }
          })
          yield* admin.addChannel({
            payload: {
              botId: "telegram",
              platform: "telegram",
              chatId: String(ENGLISH_CHANNEL),
              title: "Group deals",
              language: "en"
            }
          })
          const unknownBot = yield* admin
            .addChannel({ payload: { botId: "vk", platform: "vk", chatId: "2000000001", title: "ВК беседа" } })
            .pipe(Effect.flip)
          assert.strictEqual(unknownBot._tag, "InvalidInput")
          assert.include(unknownBot._tag === "InvalidInput" ? unknownBot.describe("ru") : "", "нет бота «vk»")
          const duplicate = yield* admin
            .addChannel({
              payload: { botId: "telegram", platform: "telegram", chatId: String(CHANNEL), title: "again" }
            })
            .pipe(Effect.flip)
          assert.strictEqual(duplicate._tag, "RuleViolation")
          assert.lengthOf(yield* admin.channels(), 2)

          yield* broadcast(/каналы: 2/)
          const link = `https://t.me/${bot.username}?start=proc_${procurement}`
          const [ru] = telegram.sentMessages(TOKEN, CHANNEL)
          assert.include(ru?.text ?? "", "Мёд с пасеки")
          assert.include(ru?.text ?? "", "Новая закупка")
          assert.deepStrictEqual(
            buttonsOf(ru?.reply_markup).map((b) => [b.text, b.url]),
            [["🤝 Присоединиться", link]]
          )
          const [en] = telegram.sentMessages(TOKEN, ENGLISH_CHANNEL)
          assert.include(en?.text ?? "", "New procurement")
          assert.deepStrictEqual(
            buttonsOf(en?.reply_markup).map((b) => b.url),
            [link]
          )

          // removed: no more announcements there
          yield* admin.removeChannel({ path: { id: news.id } })
          assert.strictEqual((yield* admin.removeChannel({ path: { id: news.id } }).pipe(Effect.flip))._tag, "NotFound")
          // the same procurement again within a minute: refused, nothing posted (a double tap posts once)
          yield* broadcast(/меньше минуты назад/)
          assert.lengthOf(telegram.sentMessages(TOKEN, ENGLISH_CHANNEL), 1)
          yield* broadcast(/каналы: 1/, "Орехи кедровые")
          assert.lengthOf(telegram.sentMessages(TOKEN, CHANNEL), 1)
          assert.lengthOf(telegram.sentMessages(TOKEN, ENGLISH_CHANNEL), 2)

          const audit = yield* AuditLog
          const actions = (yield* audit.list(
            new AuditFilter({ limit: 50, targetType: "broadcast_channel" })
          )).items.map((e) => e.action)
          assert.sameMembers(actions, ["channel.add", "channel.add", "channel.remove"])
        }).pipe(Effect.provide(FetchHttpClient.layer)),
      { timeout: 150_000 }
    )

    it.effect(
      "a user who blocked the bot is marked unreachable when a notification bounces, and reachable when they write again",
      () =>
        Effect.gen(function* () {
          const { admin } = yield* adminLogin(yield* baseUrlOf, "reach@example.com")
          const users = yield* Users
          const buyer = yield* linkedAccount("telegram", BUYER, "Борис")
          const reachable = Effect.map(
            users.identities(buyer.id),
            (identities) => identities.find((i) => i.platform === "telegram")?.reachable
          )
          telegram.text(TOKEN, BUYER, "/start")
          yield* eventually(
            expectNow(
              () => telegram.sentMessages(TOKEN, BUYER).length > 0,
              () => "no answer to /start"
            )
          )
          assert.isTrue(yield* reachable)

          telegram.block(TOKEN, BUYER)
          yield* admin.bulkNotification({ payload: { title: "Новые закупки", body: "Загляните в каталог" } })
          yield* eventually(
            Effect.flatMap(reachable, (r) =>
              expectNow(
                () => r === false,
                () => `reachable: ${r}`
              )
            )
          )
          assert.isAbove(telegram.calls({ token: TOKEN, method: "sendMessage", ok: false }).length, 0)

          // the bounced notification is not marked delivered
          const notifications = yield* Notifications
          const rows = notifications.list(buyer.id, new PageRequest({}))
          const bounced = (yield* rows).items.find((n) => n.title === "Новые закупки")
          assert.isNull(bounced?.deliveredAt)

          // unblocked and back: the next message marks the identity reachable again
          telegram.unblock(TOKEN, BUYER)
          telegram.text(TOKEN, BUYER, "/balance")
          yield* eventually(
            Effect.flatMap(reachable, (r) =>
              expectNow(
                () => r === true,
                () => `reachable: ${r}`
              )
            )
          )
          // a notification that reaches Telegram says where and when
          yield* admin.bulkNotification({ payload: { title: "Снова с нами", body: "Новые закупки ждут" } })
          const delivered = yield* eventually(
            Effect.flatMap(rows, (page) => {
              const row = page.items.find((n) => n.title === "Снова с нами")
              return expectNow(
                () => row?.deliveredAt !== null && row?.deliveredAt !== undefined,
                () => `not delivered: ${JSON.stringify(row)}`
              ).pipe(Effect.as(row!))
            })
          )
          assert.strictEqual(delivered.deliveredPlatform, "telegram")
        }).pipe(Effect.provide(FetchHttpClient.layer)),
      { timeout: 150_000 }
    )
  })
})
