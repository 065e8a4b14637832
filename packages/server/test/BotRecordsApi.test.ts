/**
 * The bot records over the admin API on the whole platform (`AppLive`), on both databases, tokens checked against the
 * fake Telegram server and bots run through the real grammY client: an admin adds a bot by its token and it answers
 * /start without a restart; a wrong token is refused (409, in Russian), the same token twice too; a paused bot stops
 * (its message waits on the platform) and answers once resumed; a removed bot is gone and its token can be added
 * again; a referral shop's bot is left to its shop; every change is audited; nobody else may do any of it.
 */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { AuditFilter, AuditLog, Bots, CSRF_HEADER, GroupBuyApi, NewBot } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { text as catalogueText } from "@groupbuy/router"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { BotTokens } from "../src/bots/BotTokens.js"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { AppLive } from "../src/Server.js"
import { adminLogin, baseUrlOf, eventually, expectNow } from "./utils/AppHarness.js"
import { testSettings, userClient } from "./utils/TestServer.js"

const telegram = await FakeTelegram.start({ limits: false })
afterAll(() => telegram.close())

const textsOf = (token: string, user: number) => telegram.sentMessages(token, user).map((m) => m.text ?? "")
const answered = (token: string, user: number, part: string) =>
  eventually(
    expectNow(
      () => textsOf(token, user).some((t) => t.includes(part)),
      () => `no “${part}” in ${JSON.stringify(textsOf(token, user).slice(-3))}`
    )
  )
const codeOf = (error: unknown) => (error as { readonly code?: string }).code

for (const [index, profile] of coreProfiles().entries()) {
  const TOKEN = `75000000${index}1:records-api-token`
  const USERNAME = `records_api_${index}_bot`
  const USER = 7500 + index
  telegram.addBot(TOKEN, { username: USERNAME })
  // no bot configured: every bot of this server comes from the records
  const app = Layer.fresh(
    AppLive.pipe(
      Layer.provideMerge(profile.layer),
      Layer.provideMerge(Layer.succeed(ServerConfig, testSettings({ telegramApiRoot: Option.some(telegram.apiRoot) })))
    )
  )

  describe(`bot records over the admin API (${profile.name})`, () => {
    layerOf(app, { timeout: "240 seconds", excludeTestServices: true })((it) => {
      it.effect("added by token it runs at once; paused it stops, resumed it answers; removed, its token is free", () =>
        Effect.gen(function* () {
          const baseUrl = yield* baseUrlOf
          const { cookie, csrfToken } = yield* adminLogin(baseUrl, `records-${index}@example.com`)
          const headers = { cookie, [CSRF_HEADER]: csrfToken }
          const api = yield* HttpApiClient.make(GroupBuyApi, {
            baseUrl,
            transformClient: HttpClient.mapRequest(HttpClientRequest.setHeaders(headers))
          })
          const admin = api.adminBotRecords
          const add = (token: string) =>
            admin.addBotRecord({ payload: { platform: "telegram", token: Redacted.make(token), role: "main" } })

          // a token the platform does not know: 409 (RuleViolation, as everywhere in the API) with the sentence in the request's language, nothing written
          const http = yield* HttpClient.HttpClient
          const wrong = yield* http.execute(
            HttpClientRequest.post(`${baseUrl}/api/admin/bots/records`).pipe(
              HttpClientRequest.setHeaders({ ...headers, "accept-language": "ru" }),
              HttpClientRequest.bodyUnsafeJson({ platform: "telegram", token: `75000000${index}9:nobody-has-it` })
            )
          )
          assert.strictEqual(wrong.status, 409)
          assert.deepInclude((yield* wrong.json) as object, {
            _tag: "RuleViolation",
            code: "bot.token-invalid",
            message:
              "Этот токен не работает: скопируйте токен бота из @BotFather (или ключ доступа сообщества) и пришлите ещё раз."
          })
          assert.deepStrictEqual(yield* admin.botRecords(), [])

          // added: running when the answer comes, listed, answering through the platform
          const added = yield* add(TOKEN)
          assert.deepInclude(added, {
            id: `telegram-${USERNAME}`,
            platform: "telegram",
            role: "main",
            status: "active",
            source: "admin",
            username: USERNAME,
            running: true
          })
          assert.notInclude(JSON.stringify(added), "records-api-token")
          const listed = yield* admin.botRecords()
          assert.deepStrictEqual(
            listed.map((b) => [b.id, b.running]),
            [[added.id, true]]
          )
          telegram.text(TOKEN, USER, "/start")
          yield* answered(TOKEN, USER, catalogueText("ru", "welcome.new"))
          assert.strictEqual(codeOf(yield* Effect.flip(add(TOKEN))), "bot.token-in-use")

          // (grammY confirmed the /start with its next long poll)
          yield* eventually(
            expectNow(
              () => telegram.pendingUpdates(TOKEN) === 0,
              () => "the /start is not confirmed"
            )
          )
          // paused: not running, the message waits on the platform; resumed, it is answered
          const paused = yield* admin.updateBotRecord({ path: { id: added.id }, payload: { status: "paused" } })
          assert.deepInclude(paused, { status: "paused", running: false })
          const sent = textsOf(TOKEN, USER).length
          telegram.text(TOKEN, USER, "/help")
          assert.strictEqual(telegram.pendingUpdates(TOKEN), 1, "the message waits on the platform")
          assert.strictEqual(textsOf(TOKEN, USER).length, sent, "no answer while paused")
          const resumed = yield* admin.updateBotRecord({ path: { id: added.id }, payload: { status: "active" } })
          assert.deepInclude(resumed, { status: "active", running: true })
          yield* answered(TOKEN, USER, "/help — эта справка")

          // a fallback does not run until promoted
          const demoted = yield* admin.updateBotRecord({ path: { id: added.id }, payload: { role: "fallback" } })
          assert.deepInclude(demoted, { role: "fallback", running: false })
          const promoted = yield* admin.updateBotRecord({ path: { id: added.id }, payload: { role: "main" } })
          assert.deepInclude(promoted, { role: "main", running: true })

          // a referral shop's bot is its shop's to change
          const referral = yield* (yield* Bots).add(
            new NewBot({ id: `records-referral-${index}`, platform: "telegram", role: "referral", source: "owner" }),
            (yield* BotTokens).seal("telegram", Redacted.make(`75000000${index}2:records-referral`))
          )
          const managed = yield* Effect.flip(
            admin.updateBotRecord({ path: { id: referral.id }, payload: { role: "main" } })
          )
          assert.strictEqual(codeOf(managed), "bot.referral-managed")
          assert.strictEqual(
            codeOf(yield* Effect.flip(admin.removeBotRecord({ path: { id: referral.id } }))),
            "bot.referral-managed"
          )
          yield* (yield* Bots).setStatus(referral.id, "deleted")

          // removed: stopped, not listed, 404 then; a change is refused; the token can be added again
          yield* admin.removeBotRecord({ path: { id: added.id } })
          assert.deepStrictEqual(yield* admin.botRecords(), [])
          assert.strictEqual((yield* Effect.flip(admin.removeBotRecord({ path: { id: added.id } })))._tag, "NotFound")
          const changeDeleted = yield* Effect.flip(
            admin.updateBotRecord({ path: { id: added.id }, payload: { status: "active" } })
          )
          assert.strictEqual(codeOf(changeDeleted), "bot.deleted")
          const again = yield* add(TOKEN)
          assert.deepInclude(again, { id: `telegram-${USERNAME}-2`, running: true })
          const before = textsOf(TOKEN, USER).length
          telegram.text(TOKEN, USER, "/help")
          yield* eventually(
            expectNow(
              () => textsOf(TOKEN, USER).length > before,
              () => "the bot added again does not answer"
            )
          )

          const audit = yield* (yield* AuditLog).list(new AuditFilter({ targetType: "bot" }))
          assert.sameMembers(
            audit.items.map((e) => `${e.action} ${e.targetId}`),
            [
              `bot.add ${added.id}`,
              `bot.update ${added.id}`,
              `bot.update ${added.id}`,
              `bot.update ${added.id}`,
              `bot.update ${added.id}`,
              `bot.remove ${added.id}`,
              `bot.add ${again.id}`
            ]
          )
          assert.notInclude(JSON.stringify(audit.items), "records-api-token")

          // nobody else: no session, a session without its CSRF header, a user's own token
          const refusedTags = ["Unauthorized", "Forbidden"]
          const noSession = yield* HttpApiClient.make(GroupBuyApi, { baseUrl })
          assert.oneOf((yield* Effect.flip(noSession.adminBotRecords.botRecords()))._tag, refusedTags)
          const noCsrf = yield* HttpApiClient.make(GroupBuyApi, {
            baseUrl,
            transformClient: HttpClient.mapRequest(HttpClientRequest.setHeaders({ cookie }))
          })
          assert.oneOf(
            (yield* Effect.flip(noCsrf.adminBotRecords.removeBotRecord({ path: { id: again.id } })))._tag,
            refusedTags
          )
          const user = yield* userClient(yield* insertUser({ firstName: "Пётр" }), baseUrl)
          assert.oneOf((yield* Effect.flip(user.adminBotRecords.botRecords()))._tag, refusedTags)
          assert.oneOf(
            (yield* Effect.flip(
              user.adminBotRecords.addBotRecord({
                payload: { platform: "telegram", token: Redacted.make(TOKEN), role: "fallback" }
              })
            ))._tag,
            refusedTags
          )
          yield* admin.removeBotRecord({ path: { id: again.id } })
        }).pipe(Effect.provide(FetchHttpClient.layer))
      )
    })
  })
}
