/**
 * The failover's HTTP side on the whole server, on both database profiles, against the fake Telegram server: an admin
 * adds spare tokens to the pool (audited, never shown back), a user may not; when the only bot of the platform fails
 * and no fallback is left `/ready` says the platform is degraded, and the pool's token becomes the fallback that takes
 * over, after which `/ready` is plain ready again.
 */
import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { AuditFilter, AuditLog, Bots, CSRF_HEADER, GroupBuyApi, NewBot } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, TestClock } from "effect"
import { BotTokens } from "../src/bots/BotTokens.js"
import { makeFailoverMonitor } from "../src/bots/FailoverMonitor.js"
import { SingleRunnerLocal } from "../src/schedulers/SingleRunner.js"
import { adminLogin } from "./utils/AppHarness.js"
import { TestServer, userClient } from "./utils/TestServer.js"

let telegram: FakeTelegram
beforeAll(async () => {
  telegram = await FakeTelegram.start()
})
afterAll(() => telegram.close())

const settings = { failAfterMs: 1000, healthyForMs: 0, cooldownMs: 60_000, interval: "1 second" } as const

for (const profile of coreProfiles()) {
  describe(`failover over HTTP (${profile.name})`, () => {
    it.layer(
      // the fake's address is known once it started (the layer is built after the file's beforeAll)
      Layer.unwrapEffect(
        Effect.sync(() =>
          TestServer(Layer.merge(profile.layer, SingleRunnerLocal), { telegramApiRoot: Option.some(telegram.apiRoot) })
        )
      ),
      { timeout: "120 seconds" }
    )((it) => {
      it.effect("the pool over the admin API refills the fallback; /ready says degraded until it serves", () =>
        Effect.gen(function* () {
          const root = yield* insertUser({ firstName: "Root", isAdmin: true })
          const { cookie, csrfToken } = yield* adminLogin("", `pool-${profile.name}@example.com`, root)
          const admin = yield* HttpApiClient.make(GroupBuyApi, {
            transformClient: HttpClient.mapRequest(HttpClientRequest.setHeaders({ cookie, [CSRF_HEADER]: csrfToken }))
          })
          const http = yield* HttpClient.HttpClient
          const readyBody = Effect.flatMap(http.get("/ready"), (r) =>
            Effect.map(r.json, (body) => ({ status: r.status, body }))
          )
          assert.deepInclude((yield* readyBody).body as object, { status: "ready", degraded: [] })

          // the main bot, then it fails with no fallback left
          const mainToken = `7100${profile.name.length}:ApiMainToken`
          telegram.addBot(mainToken, { username: `apimain_${profile.name.length}_bot` })
          const bots = yield* Bots
          const sealer = yield* BotTokens
          yield* bots.add(
            new NewBot({
              id: `api-main-${profile.name.toLowerCase()}`,
              platform: "telegram",
              role: "main",
              source: "admin"
            }),
            sealer.seal("telegram", Redacted.make(mainToken))
          )
          const monitor = yield* makeFailoverMonitor(settings)
          yield* bots.reportHealth(`api-main-${profile.name.toLowerCase()}`, "degraded", "network")
          yield* monitor.runOnce
          yield* TestClock.adjust("2 seconds")
          yield* monitor.runOnce
          const degraded = yield* readyBody
          assert.strictEqual(degraded.status, 200)
          assert.deepInclude(degraded.body as object, { status: "degraded", degraded: ["telegram"] })

          // a user may not touch the pool; an admin adds a token (twice: one entry, one audit line)
          const user = yield* userClient(yield* insertUser({ firstName: "User" }))
          const refused = yield* Effect.flip(user.adminBotPool.botPool())
          assert.oneOf(refused._tag, ["Unauthorized", "Forbidden"])
          const spareToken = `7200${profile.name.length}:ApiSpareToken`
          const info = telegram.addBot(spareToken, { username: `apispare_${profile.name.length}_bot` })
          const entry = yield* admin.adminBotPool.addBotPoolToken({
            payload: { platform: "telegram", token: Redacted.make(spareToken) }
          })
          yield* admin.adminBotPool.addBotPoolToken({
            payload: { platform: "telegram", token: Redacted.make(spareToken) }
          })
          assert.deepInclude(entry, {
            platform: "telegram",
            state: "spare",
            source: "admin",
            hint: spareToken.slice(-4)
          })
          const listed = yield* admin.adminBotPool.botPool()
          assert.strictEqual(listed.length, 1)
          assert.notInclude(JSON.stringify(listed), spareToken)
          const audit = yield* (yield* AuditLog).list(new AuditFilter({ action: "bot.pool.add" }))
          assert.strictEqual(audit.items.length, 1)

          // the next pass makes it the fallback, the one after promotes it; /ready is ready again
          yield* monitor.runOnce
          const [fallback] = yield* bots.list({ role: "fallback", status: "active" })
          assert.strictEqual(fallback?.platformBotId, String(info.id))
          assert.strictEqual((yield* admin.adminBotPool.botPool())[0]?.state, "used")
          const promoted = yield* monitor.runOnce
          assert.deepStrictEqual(
            promoted.map((d) => d._tag),
            ["Promote"]
          )
          assert.deepInclude((yield* readyBody).body as object, { status: "ready", degraded: [] })

          // removing: once, then 404
          yield* admin.adminBotPool.removeBotPoolToken({ path: { id: entry.id } })
          const again = yield* Effect.flip(admin.adminBotPool.removeBotPoolToken({ path: { id: entry.id } }))
          assert.strictEqual(again._tag, "NotFound")
        })
      )
    })
  })
}
