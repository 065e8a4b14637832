/**
 * The token check against the fake Telegram Bot API and the fake VK API on loopback: a live token names its bot, a
 * wrong or revoked one is refused, a malformed one never reaches the wire, a 5xx is "unreachable" (try again), and no
 * error carries the token.
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { FakeTelegram, FakeVk } from "@groupbuy/adapters/testing"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { makeBotTokenCheck } from "../src/bots/BotTokenCheck.js"

let telegram: FakeTelegram
let vk: FakeVk

beforeAll(async () => {
  telegram = await FakeTelegram.start()
  vk = await FakeVk.start()
})
afterAll(async () => {
  await telegram.close()
  await vk.close()
})

const checker = Effect.map(HttpClient.HttpClient, (client) =>
  makeBotTokenCheck({ telegramApiRoot: telegram.apiRoot, vkApiBaseUrl: vk.apiBaseUrl, client })
).pipe(Effect.provide(FetchHttpClient.layer))

const token = (value: string) => Redacted.make(value)

describe("BotTokenCheck", () => {
  it.effect("names a live Telegram bot by getMe", () =>
    Effect.gen(function* () {
      const bot = telegram.addBot("5100000001:ShopTokenCheckLive", { username: "my_shop_bot", firstName: "My Shop" })
      const identity = yield* (yield* checker).check("telegram", token("5100000001:ShopTokenCheckLive"))
      assert.deepStrictEqual(identity, {
        platform: "telegram",
        platformBotId: String(bot.id),
        username: "my_shop_bot",
        name: "My Shop"
      })
    })
  )

  it.effect("refuses an unknown or revoked Telegram token, and a malformed one without a request", () =>
    Effect.gen(function* () {
      const check = yield* checker
      const unknown = yield* Effect.flip(check.check("telegram", token("5100000002:NobodyHasThisToken")))
      assert.strictEqual(unknown._tag, "BotTokenRejected")
      telegram.addBot("5100000003:SoonRevoked")
      telegram.revoke("5100000003:SoonRevoked")
      const revoked = yield* Effect.flip(check.check("telegram", token("5100000003:SoonRevoked")))
      assert.strictEqual(revoked._tag, "BotTokenRejected")
      assert.notInclude(revoked.message, "SoonRevoked")

      const before = telegram.calls().length
      const pasted = yield* Effect.flip(check.check("telegram", token("here is my token: 51:abc")))
      assert.strictEqual(pasted._tag, "BotTokenRejected")
      assert.strictEqual(telegram.calls().length, before, "a malformed token is not sent")
    })
  )

  it.effect("says unreachable, not refused, when the platform fails", () =>
    Effect.gen(function* () {
      const check = yield* checker
      const down = makeBotTokenCheck({
        telegramApiRoot: "http://127.0.0.1:9",
        vkApiBaseUrl: "http://127.0.0.1:9/method",
        client: yield* HttpClient.HttpClient
      })
      const refused = yield* Effect.flip(down.check("telegram", token("5100000004:AnyToken")))
      assert.strictEqual(refused._tag, "PlatformUnreachable")
      telegram.addBot("5100000005:Busy")
      telegram.failNext("5100000005:Busy", "getMe", { error_code: 502, description: "Bad Gateway" })
      const busy = yield* Effect.flip(check.check("telegram", token("5100000005:Busy")))
      assert.strictEqual(busy._tag, "PlatformUnreachable")
    }).pipe(Effect.provide(FetchHttpClient.layer))
  )

  it.effect("names a VK community by groups.getById and refuses a wrong token", () =>
    Effect.gen(function* () {
      const check = yield* checker
      const group = vk.addGroup("vk1.a.token-check-community", "my_vk_shop")
      const identity = yield* check.check("vk", token("vk1.a.token-check-community"))
      assert.strictEqual(identity.platformBotId, String(group.id))
      assert.strictEqual(identity.username, "my_vk_shop")
      const wrong = yield* Effect.flip(check.check("vk", token("vk1.a.nobody-has-this")))
      assert.strictEqual(wrong._tag, "BotTokenRejected")
      const whatsapp = yield* Effect.flip(check.check("whatsapp", token("anything-at-all")))
      assert.deepInclude(whatsapp, { _tag: "BotTokenRejected", reason: "unsupported" })
    })
  )
})
