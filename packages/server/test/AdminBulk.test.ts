/**
 * Bulk notifications from the admin API on the whole platform (`AppLive`) with a Telegram bot against the fake Bot
 * API: the audience count matches who receives it, and the notification arrives in the messenger of the filtered
 * users only.
 */
import { FetchHttpClient } from "@effect/platform"
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { AuditFilter, AuditLog } from "@groupbuy/core"
import { coreProfiles } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import { adminLogin, baseUrlOf, eventually, expectNow, telegramApp } from "./utils/AppHarness.js"
import { linkedAccount } from "./utils/MiniAppLaunch.js"

const TOKEN = "123456:admin-bulk-test-token"
const ORGANIZER = 901
const BUYER = 902

const profile = coreProfiles().at(-1)!
const telegram = await FakeTelegram.start()
afterAll(() => telegram.close())
telegram.addBot(TOKEN)

const layer = telegramApp(profile.layer, TOKEN, telegram.apiRoot)

/** Registers a Telegram user who has talked to the bot. */
const telegramUser = (chat: number, firstName: string, role: "buyer" | "organizer") =>
  Effect.gen(function* () {
    const user = yield* linkedAccount("telegram", chat, firstName, role)
    telegram.text(TOKEN, chat, "/start")
    yield* eventually(
      expectNow(
        () => telegram.sentMessages(TOKEN, chat).length > 0,
        () => "no answer to /start"
      )
    )
    return user
  })

describe(`admin bulk notifications (${profile.name})`, () => {
  layerOf(layer, { timeout: "180 seconds", excludeTestServices: true })((it) => {
    it.effect(
      "the count previews the audience; the filtered users receive it on Telegram, the others do not",
      () =>
        Effect.gen(function* () {
          const { admin } = yield* adminLogin(yield* baseUrlOf, "bulk@example.com")
          yield* telegramUser(ORGANIZER, "Ольга", "organizer")
          yield* telegramUser(BUYER, "Борис", "buyer")
          const seenBuyer = telegram.sentMessages(TOKEN, BUYER).length

          const organizers = yield* admin.bulkNotificationCount({
            urlParams: { role: "organizer", platform: "telegram" }
          })
          assert.strictEqual(organizers.count, 1)
          assert.strictEqual((yield* admin.bulkNotificationCount({ urlParams: { platform: "vk" } })).count, 0)
          assert.strictEqual((yield* admin.bulkNotificationCount({ urlParams: {} })).count, 2)

          const sent = yield* admin.bulkNotification({
            payload: {
              title: "Собрание организаторов",
              body: "В пятницу в 19:00",
              role: "organizer",
              platform: "telegram"
            }
          })
          assert.strictEqual(sent.count, organizers.count)
          yield* eventually(
            expectNow(
              () => telegram.sentMessages(TOKEN, ORGANIZER).some((m) => /Собрание организаторов/.test(m.text ?? "")),
              () => `not delivered: ${JSON.stringify(telegram.sentMessages(TOKEN, ORGANIZER).map((m) => m.text))}`
            )
          )
          assert.isFalse(
            telegram
              .sentMessages(TOKEN, BUYER)
              .slice(seenBuyer)
              .some((m) => /Собрание/.test(m.text ?? ""))
          )
          const [entry] = (yield* (yield* AuditLog).list(new AuditFilter({ action: "notification.bulk" }))).items
          assert.deepStrictEqual(entry?.details["audience"], { role: "organizer", platform: "telegram" })
          assert.strictEqual(entry?.details["count"], 1)
        }).pipe(Effect.provide(FetchHttpClient.layer)),
      { timeout: 150_000 }
    )

    it.effect(
      "GET /api/admin/bots: every bot with its state; a refused token shows it unhealthy with the error",
      () =>
        Effect.gen(function* () {
          const { admin } = yield* adminLogin(yield* baseUrlOf, "bots@example.com")
          const bots = yield* admin.bots()
          const byId = (id: string) => bots.find((b) => b.id === id)
          assert.deepStrictEqual(
            [byId("telegram")?.platform, byId("telegram")?.state, byId("telegram")?.lastError],
            ["telegram", "running", null]
          )
          assert.isNotNull(byId("telegram")?.username ?? null)
          assert.isAtLeast(byId("telegram")?.outbound?.sent ?? 0, 1)
          assert.deepStrictEqual([byId("web")?.platform, byId("web")?.state], ["web", "running"])

          // the token refused on the next send (the platform's 401): the bot is reported unhealthy
          telegram.failNext(TOKEN, "sendMessage", { error_code: 401, description: "Unauthorized" })
          yield* admin.bulkNotification({ payload: { title: "Проверка", body: "Бот жив?", role: "organizer" } })
          const unhealthy = yield* eventually(
            Effect.flatMap(admin.bots(), (now) => {
              const bot = now.find((b) => b.id === "telegram")
              return bot?.state === "unhealthy" ? Effect.succeed(bot) : Effect.fail(new Error(`state ${bot?.state}`))
            })
          )
          assert.strictEqual(unhealthy.lastError?.reason, "unauthorized")
        }).pipe(Effect.provide(FetchHttpClient.layer)),
      { timeout: 150_000 }
    )
  })
})
