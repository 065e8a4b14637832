/**
 * The failover monitor on both databases against the fake Telegram server: a main bot whose token is revoked on the
 * fake is replaced by the healthy fallback in the next pass (records, audit log, administrators and users on another
 * linked platform told); a second monitor on the same database does not act again (on PostgreSQL the two run at the
 * same moment, under the advisory lock); a platform without a fallback is reported degraded once; the tokens file
 * refills the fallback role (a token the platform refuses is dropped and reported); a flapping main is not replaced.
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { AuditFilter, AuditLog, Bots, KeyValue, NewBot } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, beforeAll, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, TestClock } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BotTokenCheck, makeBotTokenCheck } from "../src/bots/BotTokenCheck.js"
import { BotTokens, makeBotTokenSealer } from "../src/bots/BotTokens.js"
import { degradedPlatforms, type FailoverSettings, makeFailoverMonitor } from "../src/bots/FailoverMonitor.js"
import { makeTokenPool, TokenPool } from "../src/bots/TokenPool.js"
import { SingleRunnerAdvisoryLock, SingleRunnerLocal } from "../src/schedulers/SingleRunner.js"

let telegram: FakeTelegram
beforeAll(async () => {
  telegram = await FakeTelegram.start()
})
afterAll(() => telegram.close())

const tokensFile = join(mkdtempSync(join(tmpdir(), "failover-")), "tokens.txt")

const services = (postgres: boolean) =>
  Layer.effect(TokenPool, makeTokenPool(Option.some(tokensFile))).pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        Layer.succeed(BotTokens, makeBotTokenSealer(Redacted.make("a-failover-monitor-test-key-0123456789abcdef"))),
        Layer.effect(
          BotTokenCheck,
          Effect.map(HttpClient.HttpClient, (client) =>
            makeBotTokenCheck({ telegramApiRoot: telegram.apiRoot, vkApiBaseUrl: "http://127.0.0.1:9/method", client })
          )
        ).pipe(Layer.provide(FetchHttpClient.layer)),
        postgres ? SingleRunnerAdvisoryLock : SingleRunnerLocal
      )
    )
  )

/** revoked replaces at once; a failing main after 400 ms; fallbacks are trusted at once; a long cooldown */
const settings: FailoverSettings = { failAfterMs: 400, healthyForMs: 0, cooldownMs: 60_000, interval: "1 second" }

let n = 0
const newToken = () => `61${(n += 1)}00${Date.now() % 100000}:FailoverToken${n}`

/** A bot on the fake and its record. */
const bot = (role: "main" | "fallback", tag: string) =>
  Effect.gen(function* () {
    const token = newToken()
    const username = `${tag}_${n}_bot`
    const info = telegram.addBot(token, { username })
    const sealer = yield* BotTokens
    const record = yield* (yield* Bots).add(
      new NewBot({
        id: `${tag}-${n}`,
        platform: "telegram",
        role,
        source: "admin",
        platformBotId: String(info.id),
        username
      }),
      sealer.seal("telegram", Redacted.make(token))
    )
    return { token, record }
  })

/** Only the bots of this test count: earlier tests' records are deleted, the monitor's memory and the pool cleared. */
const clearFleet = Effect.gen(function* () {
  const bots = yield* Bots
  for (const record of yield* bots.list({ status: "active" })) yield* bots.setStatus(record.id, "deleted")
  const kv = yield* KeyValue
  for (const namespace of ["failover", "bot-pool"]) {
    for (const key of yield* kv.keys(namespace)) yield* kv.remove(namespace, key)
  }
  writeFileSync(tokensFile, "")
})

const audits = (action: string) =>
  Effect.map(
    Effect.flatMap(AuditLog, (log) => log.list(new AuditFilter({ action, limit: 100 }))),
    (page) => page.items
  )

const notificationsOf = (userId: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ readonly title: string; readonly body: string }>`SELECT title, body FROM notifications
      WHERE user_id = ${userId} ORDER BY created_at`.pipe(Effect.orDie)
  )

const linkIdentity = (userId: string, platform: string, externalId: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`INSERT INTO platform_identities (user_id, platform, external_id) VALUES (${userId}, ${platform}, ${externalId})`.pipe(
      Effect.orDie
    )
  )

for (const profile of coreProfiles()) {
  const postgres = profile.name === "PostgreSQL"
  describe(`FailoverMonitor (${profile.name})`, () => {
    layerOf(Layer.provideMerge(services(postgres), profile.layer), { timeout: 60_000 })((it) => {
      it.effect("a revoked main is replaced by the healthy fallback, and everyone who can be reached is told", () =>
        Effect.gen(function* () {
          yield* clearFleet
          const admin = yield* insertUser({ firstName: "Admin", isAdmin: true })
          const both = yield* insertUser({ firstName: "Both" })
          yield* linkIdentity(both, "telegram", `tg-${n}`)
          yield* linkIdentity(both, "vk", `vk-${n}`)
          const telegramOnly = yield* insertUser({ firstName: "TelegramOnly" })
          yield* linkIdentity(telegramOnly, "telegram", `tg-only-${n}`)

          const main = yield* bot("main", "main")
          const fallback = yield* bot("fallback", "spare")
          const monitor = yield* makeFailoverMonitor(settings)
          const bots = yield* Bots

          assert.deepStrictEqual(yield* monitor.runOnce, [])
          assert.strictEqual((yield* bots.get(fallback.record.id)).health, "healthy")

          telegram.revoke(main.token)
          const decisions = yield* monitor.runOnce
          assert.deepStrictEqual(decisions, [
            { _tag: "Promote", platform: "telegram", from: main.record.id, to: fallback.record.id, reason: "revoked" }
          ])
          assert.deepInclude(yield* bots.get(fallback.record.id), { role: "main", status: "active" })
          assert.deepInclude(yield* bots.get(main.record.id), { role: "fallback", status: "paused", health: "revoked" })

          const promoted = yield* audits("bot.failover.promote")
          assert.strictEqual(promoted.length, 1)
          assert.deepInclude(promoted[0]!, { actorKind: "system", targetId: fallback.record.id })

          const toAdmin = yield* notificationsOf(admin)
          assert.strictEqual(toAdmin.length, 1)
          assert.include(toAdmin[0]!.title, `@${fallback.record.username}`)
          const toUser = yield* notificationsOf(both)
          assert.strictEqual(toUser.length, 1)
          assert.include(toUser[0]!.body, `https://t.me/${fallback.record.username}`)
          // a user reachable only through the dead bot cannot be told there
          assert.strictEqual((yield* notificationsOf(telegramOnly)).length, 0)

          // a second instance, and the next pass, find nothing to do
          const second = yield* makeFailoverMonitor(settings)
          assert.deepStrictEqual(yield* second.runOnce, [])
          assert.deepStrictEqual(yield* monitor.runOnce, [])
          assert.strictEqual((yield* audits("bot.failover.promote")).length, 1)
        })
      )

      if (postgres) {
        it.effect("two instances passing at the same moment promote once", () =>
          Effect.gen(function* () {
            yield* clearFleet
            const main = yield* bot("main", "racemain")
            const fallback = yield* bot("fallback", "racespare")
            const first = yield* makeFailoverMonitor(settings)
            const second = yield* makeFailoverMonitor(settings)
            yield* first.runOnce
            const before = (yield* audits("bot.failover.promote")).length
            telegram.revoke(main.token)
            for (let round = 0; round < 3; round += 1) {
              yield* Effect.all([first.runOnce, second.runOnce], { concurrency: "unbounded" })
            }
            assert.strictEqual((yield* audits("bot.failover.promote")).length, before + 1)
            assert.strictEqual((yield* (yield* Bots).get(fallback.record.id)).role, "main")
          })
        )
      }

      it.effect("without a fallback the platform is degraded once, and the tokens file refills the role", () =>
        Effect.gen(function* () {
          yield* clearFleet
          const admin = yield* insertUser({ firstName: "Admin", isAdmin: true })
          const main = yield* bot("main", "lonely")
          const monitor = yield* makeFailoverMonitor(settings)
          const bots = yield* Bots
          yield* bots.reportHealth(main.record.id, "degraded", "network")
          yield* monitor.runOnce
          yield* TestClock.adjust("500 millis")
          const degraded = yield* monitor.runOnce
          assert.deepStrictEqual(degraded, [
            { _tag: "Degraded", platform: "telegram", main: main.record.id, reason: "failing" }
          ])
          assert.deepStrictEqual(yield* degradedPlatforms, ["telegram"])
          assert.deepStrictEqual(yield* monitor.runOnce, [])
          assert.strictEqual((yield* notificationsOf(admin)).length, 1)

          // a bad token, a comment and a good one in the file: the good one becomes the fallback
          const good = newToken()
          const info = telegram.addBot(good, { username: `pool_${n}_bot` })
          writeFileSync(tokensFile, `# spare bots\n999${n}:NotABotToken\n\ntelegram:${good}\n`)
          yield* monitor.runOnce
          const fallbacks = yield* bots.list({ role: "fallback", status: "active" })
          assert.deepStrictEqual(
            fallbacks.map((b) => [b.platformBotId, b.username]),
            [[String(info.id), `pool_${n}_bot`]]
          )
          const pool = yield* (yield* TokenPool).list()
          assert.deepStrictEqual(pool.map((e) => e.state).sort(), ["rejected", "used"])
          assert.strictEqual((yield* audits("bot.pool.rejected")).length >= 1, true)
          assert.notInclude(JSON.stringify(pool), good)

          // the next pass trusts it and it takes over; the platform is no longer degraded
          const promoted = yield* monitor.runOnce
          assert.deepStrictEqual(
            promoted.map((d) => d._tag),
            ["Promote"]
          )
          assert.deepStrictEqual(yield* degradedPlatforms, [])
        })
      )

      it.effect("a flapping main is not replaced, one that keeps failing is", () =>
        Effect.gen(function* () {
          yield* clearFleet
          const main = yield* bot("main", "flappy")
          const fallback = yield* bot("fallback", "steady")
          const monitor = yield* makeFailoverMonitor(settings)
          const bots = yield* Bots
          for (let round = 0; round < 8; round += 1) {
            yield* bots.reportHealth(main.record.id, round % 2 === 0 ? "degraded" : "healthy", null)
            assert.deepStrictEqual(yield* monitor.runOnce, [])
            yield* TestClock.adjust("150 millis")
          }
          yield* bots.reportHealth(main.record.id, "degraded", "network")
          yield* monitor.runOnce
          yield* TestClock.adjust("450 millis")
          const decisions = yield* monitor.runOnce
          assert.deepStrictEqual(decisions, [
            { _tag: "Promote", platform: "telegram", from: main.record.id, to: fallback.record.id, reason: "failing" }
          ])
          // a failing (not revoked) main stays active, as a fallback
          assert.deepInclude(yield* bots.get(main.record.id), { role: "fallback", status: "active" })
        })
      )
    })
  })
}
