/**
 * The bot registry on the whole platform (`AppLive`), against the fake Telegram and VK servers through the real grammY
 * and vk-io clients: bots are core's records, started and stopped while the server runs. A record added at run time
 * answers without a restart (Telegram and VK); one Telegram user writing to two bots is one account with a session per
 * bot; a paused bot stops polling and answering, and resuming starts it again; a revoked token marks the record and
 * leaves the other bots running, and a token revoked while its bot runs reaches the record through the adapter's
 * report; a fallback runs once promoted; the environment's bot is imported once across restarts and an admin's pause
 * survives them; a record given another token runs with it; a second instance on the same database (PostgreSQL) follows
 * a change by its periodic pass.
 */
import { BotFleet } from "@groupbuy/adapters"
import { FakeTelegram, FakeVk } from "@groupbuy/adapters/testing"
import { Bots, NewBot, Users } from "@groupbuy/core"
import { coreProfiles } from "@groupbuy/core/testing"
import { text as catalogueText } from "@groupbuy/router"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { BotRegistry } from "../src/bots/BotRegistry.js"
import { makeBotTokenSealer } from "../src/bots/BotTokens.js"
import { ServerConfig, type ServerSettings } from "../src/config/ServerConfig.js"
import { AppLive } from "../src/Server.js"
import { eventually, expectNow } from "./utils/AppHarness.js"
import { linkedAccount } from "./utils/MiniAppLaunch.js"
import { testSettings } from "./utils/TestServer.js"

const telegram = await FakeTelegram.start({ limits: false })
const vk = await FakeVk.start({ limit: false })
afterAll(() => Promise.all([telegram.close(), vk.close()]))

const settings = testSettings()
const sealer = makeBotTokenSealer(settings.botTokenKey)
const seal = (platform: string, token: string) => sealer.seal(platform, Redacted.make(token))

/** A server instance over the test's core (its database), for as long as the current scope: its registry and fleet. */
const instance = (overrides: Partial<ServerSettings> = {}) =>
  Effect.map(
    Layer.build(
      Layer.fresh(
        AppLive.pipe(
          Layer.provideMerge(
            Layer.succeed(ServerConfig, {
              ...settings,
              telegramApiRoot: Option.some(telegram.apiRoot),
              vkApiBaseUrl: Option.some(vk.apiBaseUrl),
              ...overrides
            })
          )
        )
      )
    ),
    (context) => ({ ...Context.get(context, BotRegistry), fleet: Context.get(context, BotFleet) })
  )

/** A Telegram bot record (its token sealed as the server seals it). */
const telegramRecord = (id: string, token: string, role: "main" | "fallback" | "referral" = "main") =>
  Effect.flatMap(Bots, (bots) =>
    bots.add(new NewBot({ id, platform: "telegram", role, source: "admin" }), seal("telegram", token))
  )

const textsOf = (token: string, user: number) => telegram.sentMessages(token, user).map((m) => m.text ?? "")

/** Waits until the bot `token` has sent `user` a message containing `part`. */
const answered = (token: string, user: number, part: string) =>
  eventually(
    expectNow(
      () => textsOf(token, user).some((t) => t.includes(part)),
      () => `no “${part}” from ${token.split(":")[1]} in ${JSON.stringify(textsOf(token, user))}`
    )
  )

const pollsOf = (token: string) => telegram.calls({ token, method: "getUpdates" }).length
const welcomeNew = catalogueText("ru", "welcome.new")

for (const [index, profile] of coreProfiles().entries()) {
  /** a token of this profile's own (the fakes outlive the profiles) */
  const tokenOf = (n: number, name: string) => `71000000${index}${n}:registry-${name}-token`
  const ENV_TOKEN = tokenOf(1, "environment")
  telegram.addBot(ENV_TOKEN, { username: `registry_env_${index}_bot` })
  /** The environment's Telegram bot, as `TELEGRAM_TOKEN` + `TELEGRAM_API_ROOT` configure it. */
  const withEnvironmentBot: Partial<ServerSettings> = {
    telegram: Option.some({ token: Redacted.make(ENV_TOKEN), apiRoot: Option.some(telegram.apiRoot) })
  }

  describe(`bot registry (${profile.name})`, () => {
    layerOf(profile.layer, { timeout: "240 seconds", excludeTestServices: true })((it) => {
      it.scoped(
        "a record added at run time answers without a restart; one Telegram user on two bots is one account with a session per bot",
        () =>
          Effect.gen(function* () {
            const SHOP_TOKEN = tokenOf(2, "second")
            const USER = 7101
            telegram.addBot(SHOP_TOKEN, { username: `registry_second_${index}_bot` })
            const registry = yield* instance(withEnvironmentBot)
            const olga = yield* linkedAccount("telegram", USER, "Ольга")

            telegram.text(ENV_TOKEN, USER, "/start")
            yield* answered(ENV_TOKEN, USER, "С возвращением, Ольга")
            assert.strictEqual(pollsOf(SHOP_TOKEN), 0, "no record, no bot")

            yield* telegramRecord("registry_second", SHOP_TOKEN)
            yield* registry.reconcileNow()
            assert.includeMembers([...(yield* registry.running())], ["telegram", "registry_second"])
            telegram.text(SHOP_TOKEN, USER, "/start")
            // the same account: greeted by name, no registration
            yield* answered(SHOP_TOKEN, USER, "С возвращением, Ольга")
            const identities = yield* Effect.flatMap(Users, (users) => users.identities(olga.id))
            assert.deepStrictEqual(
              identities.map((i) => [i.platform, i.externalId]),
              [["telegram", String(USER)]]
            )

            // a flow begun with one bot is not continued by the other: sessions are per bot
            const unknown = catalogueText("ru", "unknown")
            telegram.text(ENV_TOKEN, USER, "/deposit")
            const afterDeposit = textsOf(ENV_TOKEN, USER).length
            yield* eventually(
              expectNow(
                () => textsOf(ENV_TOKEN, USER).length > afterDeposit,
                () => "no answer to /deposit"
              )
            )
            telegram.text(SHOP_TOKEN, USER, "500")
            yield* answered(SHOP_TOKEN, USER, unknown)
            const before = textsOf(ENV_TOKEN, USER).length
            telegram.text(ENV_TOKEN, USER, "500")
            yield* eventually(
              expectNow(
                () => textsOf(ENV_TOKEN, USER).length > before,
                () => "no answer to the amount"
              )
            )
            assert.isFalse(
              textsOf(ENV_TOKEN, USER)
                .slice(before)
                .some((t) => t.includes(unknown)),
              `the deposit flow took the amount: ${JSON.stringify(textsOf(ENV_TOKEN, USER).slice(before))}`
            )

            // VK: a community's record (its id as the platform's bot id) answers too
            const VK_TOKEN = `vk1.a.registry-community-${index}-token`
            const group = vk.addGroup(VK_TOKEN)
            const bots = yield* Bots
            yield* bots.add(
              new NewBot({
                id: "registry_vk",
                platform: "vk",
                role: "main",
                source: "admin",
                platformBotId: String(group.id)
              }),
              seal("vk", VK_TOKEN)
            )
            yield* registry.reconcileNow()
            vk.text(VK_TOKEN, 7102, "/start")
            yield* eventually(
              expectNow(
                () => vk.sentMessages(VK_TOKEN, 7102).some((m) => m.text === welcomeNew),
                () => `no welcome on VK: ${JSON.stringify(vk.sentMessages(VK_TOKEN, 7102).map((m) => m.text))}`
              )
            )
            yield* bots.setStatus("registry_vk", "deleted")
            yield* bots.setStatus("registry_second", "deleted")
            yield* registry.reconcileNow()
            assert.notIncludeMembers([...(yield* registry.running())], ["registry_vk", "registry_second"])
          })
      )

      it.scoped("a paused bot stops polling and answering; resumed, it answers again", () =>
        Effect.gen(function* () {
          const TOKEN = tokenOf(3, "paused")
          const USER = 7103
          telegram.addBot(TOKEN, { username: `registry_paused_${index}_bot` })
          const bots = yield* Bots
          const registry = yield* instance(withEnvironmentBot)
          yield* telegramRecord("registry_paused", TOKEN)
          yield* registry.reconcileNow()
          telegram.text(TOKEN, USER, "/start")
          // the whole answer to /start (the welcome, then the registration's first question)
          yield* answered(TOKEN, USER, "Кем вы хотите быть")
          assert.isDefined(registry.fleet.get("registry_paused"))

          yield* bots.setStatus("registry_paused", "paused")
          yield* registry.reconcileNow()
          assert.notInclude([...(yield* registry.running())], "registry_paused")
          assert.isUndefined(registry.fleet.get("registry_paused"), "out of the fleet")
          const sent = textsOf(TOKEN, USER).length
          telegram.text(TOKEN, USER, "/help")
          // the fake notes a long poll when it ends: the one grammY abandoned on stopping ends with this message
          yield* Effect.sleep("1 second")
          const polls = pollsOf(TOKEN)
          yield* Effect.sleep("2 seconds")
          assert.strictEqual(pollsOf(TOKEN), polls, "no getUpdates while paused")
          assert.deepStrictEqual(textsOf(TOKEN, USER).slice(sent), [], "no answer while paused")
          assert.strictEqual(telegram.pendingUpdates(TOKEN), 1, "the message waits on the platform")
          // the environment's bot is not affected
          telegram.text(ENV_TOKEN, USER, "/start")
          yield* answered(ENV_TOKEN, USER, welcomeNew)

          yield* bots.setStatus("registry_paused", "active")
          yield* registry.reconcileNow()
          yield* answered(TOKEN, USER, "/help — эта справка")
          yield* bots.setStatus("registry_paused", "deleted")
        })
      )

      it.scoped("a revoked token marks the record's health and leaves the other bots running", () =>
        Effect.gen(function* () {
          const TOKEN = tokenOf(4, "revoked")
          const USER = 7104
          telegram.addBot(TOKEN, { username: `registry_revoked_${index}_bot` })
          telegram.revoke(TOKEN)
          const bots = yield* Bots
          const registry = yield* instance(withEnvironmentBot)
          yield* telegramRecord("registry_revoked", TOKEN)
          yield* registry.reconcileNow()
          const record = yield* bots.get("registry_revoked")
          assert.strictEqual(record.health, "revoked", JSON.stringify(record))
          assert.isNotNull(record.healthDetail)
          assert.notInclude(record.healthDetail ?? "", TOKEN, "the token is not in the record's health")
          assert.notInclude([...(yield* registry.running())], "registry_revoked", "the revoked bot does not run")
          telegram.text(ENV_TOKEN, USER, "/start")
          yield* answered(ENV_TOKEN, USER, welcomeNew)
          // a token revoked while its bot runs: the adapter's report reaches the record
          const LIVE = tokenOf(8, "revokedlive")
          telegram.addBot(LIVE, { username: `registry_revoked_live_${index}_bot` })
          yield* telegramRecord("registry_revoked_live", LIVE)
          yield* registry.reconcileNow()
          assert.strictEqual((yield* bots.get("registry_revoked_live")).health, "healthy")
          telegram.revoke(LIVE)
          // the long poll under way ends with this message; the next one is refused
          telegram.text(LIVE, USER, "/start")
          yield* eventually(
            Effect.flatMap(bots.get("registry_revoked_live"), (live) =>
              expectNow(
                () => live.health === "revoked",
                () => `the record says ${live.health}`
              )
            )
          )
          // written from the adapter's report (the failover monitor, passing every 15 s, words it otherwise)
          assert.match((yield* bots.get("registry_revoked_live")).healthDetail ?? "", /^\w+: Unauthorized$/)
          yield* bots.setStatus("registry_revoked_live", "deleted")
          yield* bots.setStatus("registry_revoked", "deleted")
        })
      )

      it.scoped("a fallback does not run until it is promoted to main", () =>
        Effect.gen(function* () {
          const TOKEN = tokenOf(5, "fallback")
          const USER = 7105
          telegram.addBot(TOKEN, { username: `registry_fallback_${index}_bot` })
          const bots = yield* Bots
          const registry = yield* instance(withEnvironmentBot)
          yield* telegramRecord("registry_fallback", TOKEN, "fallback")
          yield* registry.reconcileNow()
          assert.notInclude([...(yield* registry.running())], "registry_fallback")
          assert.strictEqual(pollsOf(TOKEN), 0, "a fallback does not poll")

          yield* bots.setRole("registry_fallback", "main")
          yield* registry.reconcileNow()
          telegram.text(TOKEN, USER, "/start")
          yield* answered(TOKEN, USER, welcomeNew)
          assert.strictEqual((yield* bots.get("registry_fallback")).health, "healthy")

          // demoted again, it stops
          yield* bots.setRole("registry_fallback", "fallback")
          yield* registry.reconcileNow()
          assert.notInclude([...(yield* registry.running())], "registry_fallback")
          yield* bots.setStatus("registry_fallback", "deleted")
        })
      )

      it.scoped("the environment's bot is imported once across restarts and an admin's pause survives them", () =>
        Effect.gen(function* () {
          const bots = yield* Bots
          const first = yield* Effect.scoped(
            Effect.flatMap(instance(withEnvironmentBot), (registry) => registry.running())
          )
          assert.include([...first], "telegram")
          const record = yield* bots.get("telegram")
          assert.strictEqual(record.source, "environment")
          assert.strictEqual(record.role, "main")

          yield* bots.setStatus("telegram", "paused")
          const polls = pollsOf(ENV_TOKEN)
          yield* Effect.scoped(
            Effect.gen(function* () {
              const registry = yield* instance(withEnvironmentBot)
              assert.notInclude([...(yield* registry.running())], "telegram", "the admin's pause is kept")
              yield* Effect.sleep("1 second")
            })
          )
          assert.strictEqual(pollsOf(ENV_TOKEN), polls, "the paused environment bot did not poll")
          const after = yield* bots.get("telegram")
          assert.strictEqual(after.status, "paused")
          assert.lengthOf(
            (yield* bots.list({ platform: "telegram" })).filter((b) => b.source === "environment"),
            1,
            "one record however often the server starts"
          )
          yield* bots.setStatus("telegram", "active")
          const again = yield* Effect.scoped(
            Effect.flatMap(instance(withEnvironmentBot), (registry) => registry.running())
          )
          assert.include([...again], "telegram")
        })
      )

      it.scoped("a record given another token is started again with it, and the old token is let go", () =>
        Effect.gen(function* () {
          const ROTATED = tokenOf(7, "rotated")
          const USER = 7107
          telegram.addBot(ROTATED, { username: `registry_rotated_${index}_bot` })
          const bots = yield* Bots
          const registry = yield* instance(withEnvironmentBot)
          const environmentRecord = new NewBot({
            id: "telegram",
            platform: "telegram",
            role: "main",
            source: "environment"
          })
          yield* bots.importConfigured(environmentRecord, seal("telegram", ROTATED))
          yield* registry.reconcileNow()
          assert.include([...(yield* registry.running())], "telegram")
          telegram.text(ROTATED, USER, "/start")
          yield* answered(ROTATED, USER, welcomeNew)
          telegram.text(ENV_TOKEN, USER, "/start")
          yield* Effect.sleep("1 second")
          const polls = pollsOf(ENV_TOKEN)
          yield* Effect.sleep("2 seconds")
          assert.strictEqual(pollsOf(ENV_TOKEN), polls, "the old token no longer polls")
          assert.deepStrictEqual(textsOf(ENV_TOKEN, USER), [], "nor answers")
          yield* bots.importConfigured(environmentRecord, seal("telegram", ENV_TOKEN))
        })
      )

      // two servers share a database only on PostgreSQL (PGlite is one process's, with a single connection)
      it.scoped.skipIf(profile.name !== "PostgreSQL")(
        "a second instance on the same database follows a change by its periodic pass",
        () =>
          Effect.gen(function* () {
            const TOKEN = tokenOf(6, "shared")
            telegram.addBot(TOKEN, { username: `registry_shared_${index}_bot` })
            const bots = yield* Bots
            const one = yield* instance()
            const two = yield* instance()
            yield* telegramRecord("registry_shared", TOKEN)
            yield* one.reconcileNow()
            assert.include([...(yield* one.running())], "registry_shared")
            yield* eventually(
              Effect.flatMap(two.running(), (ids) =>
                expectNow(
                  () => ids.includes("registry_shared"),
                  () => `the second instance runs ${JSON.stringify(ids)}`
                )
              )
            )
            yield* bots.setStatus("registry_shared", "blocked")
            yield* one.reconcileNow()
            assert.notInclude([...(yield* one.running())], "registry_shared")
            yield* eventually(
              Effect.flatMap(two.running(), (ids) =>
                expectNow(
                  () => !ids.includes("registry_shared"),
                  () => `the second instance still runs ${JSON.stringify(ids)}`
                )
              )
            )
          })
      )
    })
  })
}
