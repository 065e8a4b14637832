/**
 * The bot fleet's records (issue #15) on both database profiles: add, the refusal of a token (or platform bot id) a live
 * record holds, the idempotent import of configured bots that keeps an admin's pause, status / role / health changes,
 * a deleted bot that frees its token and stays deleted, and a version that changes with the records.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Bots, NewBot } from "../src/Bots.js"
import { BotsLive } from "../src/BotsLive.js"
import { databaseProfiles } from "../src/testing/index.js"
import { insertUser } from "./moneyFixtures.js"

let serial = 0
const unique = () => `${++serial}-${Math.random().toString(36).slice(2, 8)}`
const sealed = (token: string) => ({ ciphertext: `v1:iv:tag:${token}`, fingerprint: `fp:${token}` })

for (const profile of databaseProfiles()) {
  describe(`Bots (${profile.name})`, () => {
    it.layer(Layer.fresh(BotsLive.pipe(Layer.provideMerge(profile.layer))), { timeout: "180 seconds" })((it) => {
      it.effect("a bot is added once per live token; a deleted bot frees it and stays deleted", () =>
        Effect.gen(function* () {
          const bots = yield* Bots
          const owner = yield* insertUser()
          const id = `tg-${unique()}`
          const token = `123:${unique()}`
          const added = yield* bots.add(
            new NewBot({
              id,
              platform: "telegram",
              role: "referral",
              ownerId: owner,
              source: "owner",
              platformBotId: `p-${id}`
            }),
            sealed(token)
          )
          assert.strictEqual(added.status, "active")
          assert.strictEqual(added.health, "unknown")
          assert.strictEqual(added.ownerId, owner)
          assert.notProperty(added, "tokenCiphertext")
          assert.deepStrictEqual(yield* bots.sealedToken(id), sealed(token))

          const again = yield* bots
            .add(
              new NewBot({ id: `tg-${unique()}`, platform: "telegram", role: "main", source: "admin" }),
              sealed(token)
            )
            .pipe(Effect.flip)
          assert.strictEqual(again.code, "bot.token-in-use")
          assert.include(again.ru, "уже подключён")
          const samePlatformBot = yield* bots
            .add(
              new NewBot({
                id: `tg-${unique()}`,
                platform: "telegram",
                role: "main",
                source: "admin",
                platformBotId: `p-${id}`
              }),
              sealed(`other-${unique()}`)
            )
            .pipe(Effect.flip)
          assert.strictEqual(samePlatformBot.code, "bot.token-in-use")
          const sameId = yield* bots
            .add(new NewBot({ id, platform: "telegram", role: "main", source: "admin" }), sealed(`x-${unique()}`))
            .pipe(Effect.flip)
          assert.strictEqual(sameId.code, "bot.id-taken")
          // the same token on another platform is another bot
          yield* bots.add(
            new NewBot({ id: `vk-${unique()}`, platform: "vk", role: "main", source: "admin" }),
            sealed(token)
          )

          const before = yield* bots.version()
          const paused = yield* bots.setStatus(id, "paused")
          assert.strictEqual(paused.status, "paused")
          assert.notStrictEqual(yield* bots.version(), before)
          yield* bots.setStatus(id, "deleted")
          const gone = yield* bots.setStatus(id, "active").pipe(Effect.flip)
          assert.strictEqual(gone._tag === "RuleViolation" ? gone.code : gone._tag, "bot.deleted")
          assert.isFalse((yield* bots.list()).some((b) => b.id === id))
          assert.isTrue((yield* bots.list({ status: "deleted" })).some((b) => b.id === id))
          // its token is free again
          const reused = yield* bots.add(
            new NewBot({ id: `tg-${unique()}`, platform: "telegram", role: "fallback", source: "admin" }),
            sealed(token)
          )
          assert.strictEqual(reused.role, "fallback")
          const missing = yield* bots.get("no-such-bot").pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
          const bad = yield* bots
            .add(
              // not a fleet id: the constructor's check is skipped, as an API caller's raw input would be
              new NewBot({ id: "Bad Id", platform: "telegram", role: "main", source: "admin" }, true),
              sealed(`b-${unique()}`)
            )
            .pipe(Effect.flip)
          assert.strictEqual(bad.code, "bot.invalid")
        })
      )

      it.effect(
        "configured bots are imported idempotently, keeping an admin's pause; role and health are recorded",
        () =>
          Effect.gen(function* () {
            const bots = yield* Bots
            const id = `env-telegram-${unique()}`
            const configured = new NewBot({ id, platform: "telegram", role: "main", source: "environment" })
            const token = `env:${unique()}`
            const first = yield* bots.importConfigured(configured, sealed(token))
            const second = yield* bots.importConfigured(configured, sealed(token))
            assert.strictEqual(first.id, second.id)
            assert.strictEqual(
              (yield* bots.list({ platform: "telegram", role: "main" })).filter((b) => b.id === id).length,
              1
            )
            yield* bots.setStatus(id, "paused")
            const restarted = yield* bots.importConfigured(configured, sealed(`${token}-rotated`))
            assert.strictEqual(restarted.status, "paused", "an admin's pause survives a restart")
            assert.deepStrictEqual(yield* bots.sealedToken(id), sealed(`${token}-rotated`))

            const promoted = yield* bots.setRole(id, "fallback")
            assert.strictEqual(promoted.role, "fallback")
            yield* bots.reportHealth(id, "revoked", "401 Unauthorized")
            const sick = yield* bots.get(id)
            assert.strictEqual(sick.health, "revoked")
            assert.strictEqual(sick.healthDetail, "401 Unauthorized")
            assert.isNotNull(sick.healthAt)
            const unknown = yield* bots.reportHealth("no-such-bot", "healthy", null).pipe(Effect.flip)
            assert.strictEqual(unknown._tag, "NotFound")
          })
      )
    })
  })
}
