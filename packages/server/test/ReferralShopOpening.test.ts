/**
 * Opening a referral shop from a token, on both databases, against the fake Telegram server: the platform names the
 * bot, the token is stored sealed (never in clear), the same token twice is refused, and a wrong token, a platform
 * without tokens or a platform that does not answer write nothing and say so in both languages. An opened shop's bot
 * is started at once (the registry reconciles before the owner is answered); a refusal starts nothing.
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { Bots, ReferralShops, type RuleViolation } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, beforeAll, describe, layer as layerOf } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Redacted } from "effect"
import { BotRegistry } from "../src/bots/BotRegistry.js"
import { makeBotTokenCheck, BotTokenCheck } from "../src/bots/BotTokenCheck.js"
import { BotTokens, makeBotTokenSealer } from "../src/bots/BotTokens.js"
import { ReferralShopOpening, ReferralShopOpeningLive } from "../src/bots/ReferralShopOpening.js"

let telegram: FakeTelegram
beforeAll(async () => {
  telegram = await FakeTelegram.start()
})
afterAll(() => telegram.close())

/** How many times the opening asked the registry to start the records' bots now. */
let reconciles = 0
const registry = Layer.succeed(
  BotRegistry,
  BotRegistry.of({
    reconcileNow: () => Effect.sync(() => void (reconciles += 1)),
    running: () => Effect.succeed([]),
    serve: () => Effect.void
  })
)

const fleet = (apiRoot: () => string) =>
  ReferralShopOpeningLive.pipe(
    Layer.provide(
      Layer.mergeAll(
        registry,
        Layer.succeed(BotTokens, makeBotTokenSealer(Redacted.make("a-referral-shop-test-key-0123456789abcdef"))),
        Layer.effect(
          BotTokenCheck,
          Effect.map(HttpClient.HttpClient, (client) =>
            makeBotTokenCheck({ telegramApiRoot: apiRoot(), vkApiBaseUrl: "http://127.0.0.1:9/method", client })
          )
        ).pipe(Layer.provide(FetchHttpClient.layer))
      )
    )
  )

const violation = (error: RuleViolation) => ({ code: error.code, ru: error.ru.length > 0, en: error.en.length > 0 })

for (const profile of coreProfiles()) {
  describe(`ReferralShopOpening (${profile.name})`, () => {
    let n = 0
    const token = () => `52000${profile.name.length}${(n += 1)}:OpeningTestToken${n}`

    layerOf(
      Layer.provideMerge(
        fleet(() => telegram.apiRoot),
        profile.layer
      ),
      { timeout: 60_000 }
    )((it) => {
      it.effect("opens a shop whose bot the platform named, with the token sealed", () =>
        Effect.gen(function* () {
          const owner = yield* insertUser({ firstName: "Owner" })
          const value = token()
          const bot = telegram.addBot(value, { username: `shop_${n}_bot` })
          const before = reconciles
          const shop = yield* (yield* ReferralShopOpening).open({
            ownerId: owner,
            platform: "telegram",
            token: Redacted.make(value),
            name: "  Лавка  ",
            greeting: "Добро пожаловать!"
          })
          assert.deepInclude(shop, { ownerId: owner, platform: "telegram", name: "Лавка", status: "active" })
          assert.strictEqual(shop.username, `shop_${n}_bot`)
          assert.strictEqual(reconciles, before + 1, "the shop's bot is started before the owner is answered")
          const record = yield* (yield* Bots).get(shop.botId)
          assert.deepInclude(record, { role: "referral", ownerId: owner, platformBotId: String(bot.id) })
          const sql = yield* SqlClient.SqlClient
          const rows = yield* sql<{
            readonly c: string
          }>`SELECT token_ciphertext AS c FROM bots WHERE id = ${shop.botId}`
          assert.notInclude(rows[0]!.c, value.split(":")[1]!)

          const again = yield* Effect.flip(
            (yield* ReferralShopOpening).open({
              ownerId: owner,
              platform: "telegram",
              token: Redacted.make(value),
              name: "x"
            })
          )
          assert.deepStrictEqual(violation(again), { code: "bot.token-in-use", ru: true, en: true })
          assert.strictEqual(reconciles, before + 1, "a refused token starts nothing")
        })
      )

      it.effect("writes nothing for a wrong token or a platform without tokens", () =>
        Effect.gen(function* () {
          const owner = yield* insertUser({ firstName: "Owner" })
          const opening = yield* ReferralShopOpening
          const wrong = yield* Effect.flip(
            opening.open({ ownerId: owner, platform: "telegram", token: Redacted.make(token()), name: "Shop" })
          )
          assert.strictEqual(wrong.code, "bot.token-invalid")
          const whatsapp = yield* Effect.flip(
            opening.open({ ownerId: owner, platform: "whatsapp", token: Redacted.make("whatever-it-is"), name: "Shop" })
          )
          assert.strictEqual(whatsapp.code, "bot.platform-unsupported")
          assert.deepStrictEqual(yield* (yield* ReferralShops).mine(owner), [])
        })
      )
    })

    layerOf(
      Layer.provideMerge(
        fleet(() => "http://127.0.0.1:9"),
        profile.layer
      ),
      { timeout: 60_000 }
    )((it) => {
      it.effect("says the platform did not answer, and writes nothing", () =>
        Effect.gen(function* () {
          const owner = yield* insertUser({ firstName: "Owner" })
          const down = yield* Effect.flip(
            (yield* ReferralShopOpening).open({
              ownerId: owner,
              platform: "telegram",
              token: Redacted.make("5300001:Unreachable"),
              name: "Shop"
            })
          )
          assert.strictEqual(down.code, "bot.platform-unreachable")
          assert.deepStrictEqual(yield* (yield* ReferralShops).mine(owner), [])
        })
      )
    })
  })
}
