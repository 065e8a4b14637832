/**
 * Mini App sign-in over real HTTP: Telegram `initData` signed in the test with the bot token (as Telegram does) and VK
 * launch parameters signed with the app's secret (VK's documented algorithm, computed here independently of the
 * server's code) sign in the account linked to that platform identity; stale, forged, foreign-bot and unknown-user data
 * are refused with 401; a user token renews through POST /api/auth/refresh, a service token or no token cannot.
 */
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { coreProfiles } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { sign } from "@telegram-apps/init-data-node"
import { Duration, Effect, Option, Redacted } from "effect"
import { randomInt } from "node:crypto"
import { linkedAccount, signTelegramInitData, signVkLaunchParams } from "./utils/MiniAppLaunch.js"
import { SERVICE_TOKEN, TestServer } from "./utils/TestServer.js"

const BOT_TOKEN = "123456789:AAE-a-test-bot-token-for-mini-apps"
const OTHER_BOT_TOKEN = "987654321:AAE-some-other-bot-token-entirely"
const VK_SECRET = "wvl68m4dR1UpLrVRli"

const telegramInitData = (userId: number, authDate: Date, token = BOT_TOKEN) =>
  sign(
    {
      user: { id: userId, first_name: "Мария", language_code: "ru" },
      query_id: "AAH-test",
      chat_instance: "-1",
      chat_type: "private"
    },
    token,
    authDate
  )

/** `initData` as clients before Bot API 8.0 send it, with no `signature` field. */
const classicInitData = (userId: number, authDate: Date) =>
  signTelegramInitData(
    {
      auth_date: String(Math.floor(authDate.getTime() / 1000)),
      query_id: "AAH-classic",
      user: JSON.stringify({ id: userId, first_name: "Мария" })
    },
    BOT_TOKEN
  )

/** Launch parameters as VK sends them, signed with `secret`. */
const vkLaunchParams = (userId: number, ts: number, secret = VK_SECRET) => {
  const params: Record<string, string> = {
    vk_access_token_settings: "friends,photos",
    vk_app_id: "6736218",
    vk_are_notifications_enabled: "0",
    vk_is_app_user: "1",
    vk_language: "ru",
    vk_platform: "mobile_web",
    vk_ts: String(ts),
    vk_user_id: String(userId)
  }
  // VK appends its own parameters too (not signed): they must not disturb the check
  return `${signVkLaunchParams(params, secret)}&utm_source=test`
}

const post = (path: string, body: unknown, bearer?: string) =>
  Effect.flatMap(HttpClient.HttpClient, (http) =>
    http.execute(
      HttpClientRequest.post(path).pipe(
        HttpClientRequest.bodyUnsafeJson(body),
        bearer === undefined ? (r) => r : HttpClientRequest.bearerToken(bearer)
      )
    )
  )

const json = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.map(response.json, (j) => j as { token?: string; expiresAt?: string; user?: { id: string }; reason?: string })

for (const profile of coreProfiles()) {
  describe(`Mini App sign-in on ${profile.name}`, () => {
    // the real clock: the signatures carry wall-clock times
    layerOf(
      TestServer(profile.layer, {
        telegram: Option.some({ token: Redacted.make(BOT_TOKEN), apiRoot: Option.none() }),
        vkAppSecret: Option.some(Redacted.make(VK_SECRET)),
        miniAppMaxAge: Duration.hours(2)
      }),
      { timeout: "120 seconds", excludeTestServices: true }
    )((it) => {
      it.effect("Telegram: signed initData of a linked user signs in; stale, forged, foreign and unknown refused", () =>
        Effect.gen(function* () {
          const telegramId = randomInt(1_000_000, 2_000_000_000)
          const user = yield* linkedAccount("telegram", telegramId, "Мария")
          const now = new Date()

          const ok = yield* post("/api/auth/telegram", { initData: telegramInitData(telegramId, now) })
          assert.strictEqual(ok.status, 200)
          const session = yield* json(ok)
          assert.strictEqual(session.user?.id, user.id)
          assert.isString(session.token)
          // the token works on the API as that user
          const me = yield* Effect.flatMap(HttpClient.HttpClient, (http) =>
            http.execute(HttpClientRequest.get("/api/users/me").pipe(HttpClientRequest.bearerToken(session.token!)))
          )
          assert.strictEqual(me.status, 200)
          assert.strictEqual(((yield* me.json) as { id: string }).id, user.id)

          // older than MINI_APP_MAX_AGE (2 h here)
          const stale = yield* post("/api/auth/telegram", {
            initData: telegramInitData(telegramId, new Date(now.getTime() - 3 * 3600_000))
          })
          assert.strictEqual(stale.status, 401)
          assert.include((yield* json(stale)).reason, "too old")
          // within it
          const recent = yield* post("/api/auth/telegram", {
            initData: telegramInitData(telegramId, new Date(now.getTime() - 3600_000))
          })
          assert.strictEqual(recent.status, 200)

          // another user id put into data signed for someone else
          const forged = telegramInitData(telegramId, now).replace(
            encodeURIComponent(`"id":${telegramId}`),
            encodeURIComponent(`"id":${telegramId + 1}`)
          )
          assert.notStrictEqual(forged, telegramInitData(telegramId, now))
          const refusedForged = yield* post("/api/auth/telegram", { initData: forged })
          assert.strictEqual(refusedForged.status, 401)
          // signed by another bot
          const foreign = yield* post("/api/auth/telegram", {
            initData: telegramInitData(telegramId, now, OTHER_BOT_TOKEN)
          })
          assert.strictEqual(foreign.status, 401)
          assert.include((yield* json(foreign)).reason, "not signed")
          // no hash at all
          const unsigned = yield* post("/api/auth/telegram", { initData: "user=%7B%22id%22%3A1%7D&auth_date=1" })
          assert.strictEqual(unsigned.status, 401)

          // signed the same way by a client that sends no Bot API 8.0 `signature` field
          const classic = yield* post("/api/auth/telegram", { initData: classicInitData(telegramId, now) })
          assert.strictEqual(classic.status, 200)
          assert.strictEqual((yield* json(classic)).user?.id, user.id)

          // a Telegram user with no account: told to /start the bot
          const unknown = yield* post("/api/auth/telegram", { initData: telegramInitData(telegramId + 7, now) })
          assert.strictEqual(unknown.status, 401)
          assert.include((yield* json(unknown)).reason, "/start")
        })
      )

      it.effect("VK: signed launch parameters of a linked user sign in; stale, forged and unknown refused", () =>
        Effect.gen(function* () {
          const vkId = randomInt(1_000_000, 2_000_000_000)
          const user = yield* linkedAccount("vk", vkId, "Иван")
          const nowS = Math.floor(Date.now() / 1000)

          const ok = yield* post("/api/auth/vk", { launchParams: vkLaunchParams(vkId, nowS) })
          assert.strictEqual(ok.status, 200)
          assert.strictEqual((yield* json(ok)).user?.id, user.id)

          const stale = yield* post("/api/auth/vk", { launchParams: vkLaunchParams(vkId, nowS - 3 * 3600) })
          assert.strictEqual(stale.status, 401)
          assert.include((yield* json(stale)).reason, "too old")

          const forged = vkLaunchParams(vkId, nowS).replace(`vk_user_id=${vkId}`, `vk_user_id=${vkId + 1}`)
          const refused = yield* post("/api/auth/vk", { launchParams: forged })
          assert.strictEqual(refused.status, 401)
          assert.include((yield* json(refused)).reason, "not signed")

          const otherSecret = yield* post("/api/auth/vk", {
            launchParams: vkLaunchParams(vkId, nowS, "another-apps-secret")
          })
          assert.strictEqual(otherSecret.status, 401)

          const unknown = yield* post("/api/auth/vk", { launchParams: vkLaunchParams(vkId + 7, nowS) })
          assert.strictEqual(unknown.status, 401)
          assert.include((yield* json(unknown)).reason, "/start")
        })
      )

      it.effect("refresh: a user token gets a fresh session for the same account; no or a service token cannot", () =>
        Effect.gen(function* () {
          const telegramId = randomInt(1_000_000, 2_000_000_000)
          const user = yield* linkedAccount("telegram", telegramId, "Олег")
          const first = yield* json(
            yield* post("/api/auth/telegram", { initData: telegramInitData(telegramId, new Date()) })
          )
          const renewed = yield* post("/api/auth/refresh", {}, first.token!)
          assert.strictEqual(renewed.status, 200)
          const session = yield* json(renewed)
          assert.strictEqual(session.user?.id, user.id)
          assert.isAtLeast(Date.parse(session.expiresAt!), Date.parse(first.expiresAt!))

          assert.strictEqual((yield* post("/api/auth/refresh", {})).status, 401)
          assert.strictEqual((yield* post("/api/auth/refresh", {}, "not-a-token")).status, 401)
          assert.strictEqual((yield* post("/api/auth/refresh", {}, SERVICE_TOKEN)).status, 401)
        })
      )
    })
  })
}
