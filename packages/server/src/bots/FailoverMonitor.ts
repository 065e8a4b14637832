/**
 * The failover monitor (issue #15): every `interval`, on one instance at a time (`SingleRunner`: a PostgreSQL advisory
 * lock, or simply the one process on the embedded database), it reads the fleet from core's `bots` records, turns
 * their health into signals for `FailoverPolicy`, and carries out what the policy decides — only through the records:
 * the bot registry starts and stops the bots when their roles change.
 *
 * Signals:
 * - a main bot's from its record, which the registry writes from the adapters' health reports: `revoked` (Telegram
 *   401 / 403, the token is dead or the bot banned) → revoked, `degraded` (repeated network failures, updates not
 *   consumed) → failing, `healthy` → ok, `unknown` → nothing yet (it may keep serving);
 * - a fallback's (it does not run, so nothing reports on it) from the platform itself: its token is checked with
 *   `BotTokenCheck` (getMe) on every pass — accepted → ok, refused → revoked, platform unreachable → failing — and the
 *   answer is written to its record.
 *
 * The policy's state (since when each signal holds, the last switch per platform, the degraded platforms) is kept in
 * core's `KeyValue` (`failover` / `state`) and read at the start of each locked pass, so whichever instance runs the
 * next pass knows what the last one saw: the cooldown and the "once per episode" alerts hold across instances.
 *
 * On `Promote`: the fallback becomes `main` first (so the platform is never left without a serving bot), then the
 * failed main becomes `fallback`; a revoked one is also `paused` (its token cannot serve again; an admin resumes it
 * after giving it a new token), a failing one stays active and is an ordinary fallback candidate once healthy again.
 * The decision is written to the audit log (`bot.failover.promote`, actor `system`), every administrator gets a
 * notification, and users who have the failed bot's platform linked together with another platform are told, through
 * a notification, the new bot's name. On `Degraded` (no healthy fallback): the audit log, the administrators, and the
 * platform is listed as degraded for `/ready` (`failover` / `degraded`); `Recovered` lifts it.
 *
 * After deciding, a platform with a main bot and no usable fallback (active, not revoked) gets one from the token pool.
 */
import {
  AuditLog,
  Bots,
  type BotRecord,
  KeyValue,
  NotificationAudience,
  Notifications,
  Platform,
  RecordAudit,
  UserId
} from "@groupbuy/core"
import { SqlClient } from "@effect/sql"
import { Clock, Config, Context, Duration, Effect, Layer, Schema } from "effect"
import { ServerConfig } from "../config/ServerConfig.js"
import { SingleRunner, SingleRunnerLive } from "../schedulers/SingleRunner.js"
import { BotTokenCheck } from "./BotTokenCheck.js"
import { BotTokens } from "./BotTokens.js"
import {
  applyPromotion,
  type Decision,
  decide,
  defaultPolicy,
  type FleetBot,
  initialState,
  observe,
  type PolicySettings,
  type PolicyState,
  type Signal
} from "./FailoverPolicy.js"
import { POOL_PLATFORMS, type PoolPlatform, TokenPool } from "./TokenPool.js"

const NAMESPACE = "failover"

export interface FailoverSettings extends PolicySettings {
  /** how often a pass runs */
  readonly interval: Duration.DurationInput
}

/** Defaults: a pass every 15 s; a main failing for a minute is replaced, a revoked one at once; 10 min cooldown. */
export const defaultFailoverSettings: FailoverSettings = { ...defaultPolicy, interval: Duration.seconds(15) }

/** The policy's state as JSON for `KeyValue`. */
interface StoredState {
  readonly health: ReadonlyArray<readonly [string, { readonly signal: Signal; readonly since: number }]>
  readonly lastSwitch: ReadonlyArray<readonly [string, number]>
  readonly degraded: ReadonlyArray<string>
}

const isPlatform = Schema.is(Platform)

const toStored = (state: PolicyState): StoredState => ({
  health: [...state.health.entries()],
  lastSwitch: [...state.lastSwitch.entries()],
  degraded: [...state.degraded]
})

const fromStored = (value: unknown): PolicyState => {
  if (typeof value !== "object" || value === null) return initialState
  const stored = value as Partial<StoredState>
  return {
    health: new Map(Array.isArray(stored.health) ? stored.health : []),
    lastSwitch: new Map((Array.isArray(stored.lastSwitch) ? stored.lastSwitch : []).filter(([p]) => isPlatform(p))),
    degraded: new Set((Array.isArray(stored.degraded) ? stored.degraded : []).filter(isPlatform))
  } as PolicyState
}

const mainSignal = (bot: BotRecord): Signal | null =>
  bot.health === "revoked" ? "revoked" : bot.health === "degraded" ? "failing" : bot.health === "healthy" ? "ok" : null

export interface FailoverMonitorService {
  /** One pass now (under the lock); the decisions it carried out, none when another instance holds the lock. */
  readonly runOnce: Effect.Effect<ReadonlyArray<Decision>>
}

export class FailoverMonitor extends Context.Tag("@groupbuy/server/FailoverMonitor")<
  FailoverMonitor,
  FailoverMonitorService
>() {}

/** The platforms the monitor last found without a fallback to promote (what `/ready` reports as degraded). */
export const degradedPlatforms = Effect.gen(function* () {
  const kv = yield* KeyValue
  const value = yield* kv.get(NAMESPACE, "degraded")
  return Array.isArray(value) ? value.filter((p): p is string => typeof p === "string") : []
})

const name = (bot: BotRecord | undefined, fallback: string) =>
  bot?.username === null || bot?.username === undefined ? fallback : `@${bot.username}`

export const makeFailoverMonitor = (settings: FailoverSettings = defaultFailoverSettings) =>
  Effect.gen(function* () {
    const bots = yield* Bots
    const kv = yield* KeyValue
    const audit = yield* AuditLog
    const notifications = yield* Notifications
    const sealer = yield* BotTokens
    const checker = yield* BotTokenCheck
    const pool = yield* TokenPool
    const runner = yield* SingleRunner
    const sql = yield* SqlClient.SqlClient

    const byToken = (bot: BotRecord) => (POOL_PLATFORMS as ReadonlyArray<string>).includes(bot.platform)

    /** What a fallback's token says now, written to its record. */
    const probe = (bot: BotRecord) =>
      Effect.gen(function* () {
        if (!byToken(bot)) return mainSignal(bot)
        const sealed = yield* Effect.either(bots.sealedToken(bot.id))
        if (sealed._tag === "Left") return "revoked" as const
        const token = yield* Effect.either(sealer.open(bot.id, sealed.right))
        if (token._tag === "Left") return "revoked" as const
        const answer = yield* Effect.either(checker.check(bot.platform, token.right))
        const [signal, health, detail] =
          answer._tag === "Right"
            ? (["ok", "healthy", null] as const)
            : answer.left._tag === "BotTokenRejected"
              ? (["revoked", "revoked", answer.left.message] as const)
              : (["failing", "degraded", answer.left.message] as const)
        if (bot.health !== health) yield* Effect.ignore(bots.reportHealth(bot.id, health, detail))
        return signal
      })

    /**
     * A main bot's signal: its record (the adapters' reports), and the platform's own word on its token — a token the
     * platform refuses is revoked whatever the record says (and the record is told).
     */
    const mainSignalNow = (bot: BotRecord) =>
      Effect.gen(function* () {
        const reported = mainSignal(bot)
        if (reported === "revoked" || !byToken(bot)) return reported
        const sealed = yield* Effect.either(bots.sealedToken(bot.id))
        if (sealed._tag === "Left") return reported
        const token = yield* Effect.either(sealer.open(bot.id, sealed.right))
        if (token._tag === "Left") return reported
        const answer = yield* Effect.either(checker.check(bot.platform, token.right))
        if (answer._tag === "Left" && answer.left._tag === "BotTokenRejected") {
          yield* Effect.ignore(bots.reportHealth(bot.id, "revoked", answer.left.message))
          return "revoked" as const
        }
        return reported
      })

    const record = (action: string, targetId: string, details: Record<string, unknown>) =>
      audit.record(
        new RecordAudit({ actorId: null, actorKind: "system", action, targetType: "bot", targetId, details })
      )

    const toAdmins = (title: string, body: string, data: Record<string, unknown>) =>
      notifications.createMany(new NotificationAudience({ role: "admin" }), { type: "SYSTEM", title, body, data })

    /** Users of `platform` who also have another platform linked (web aside): they can still be reached. */
    const usersElsewhere = (platform: string) =>
      sql<{ readonly userId: string }>`SELECT DISTINCT a.user_id AS "userId" FROM platform_identities a
          JOIN platform_identities b ON b.user_id = a.user_id AND b.platform <> a.platform AND b.platform <> 'web'
          JOIN users u ON u.id = a.user_id AND u.is_active
         WHERE a.platform = ${platform}`.pipe(
        Effect.map((rows) => rows.map((row) => UserId.make(row.userId))),
        Effect.orDie
      )

    const act = (decision: Decision, byId: ReadonlyMap<string, BotRecord>) =>
      Effect.gen(function* () {
        switch (decision._tag) {
          case "Promote": {
            const from = byId.get(decision.from)
            const to = byId.get(decision.to)
            yield* bots.setRole(decision.to, "main")
            yield* bots.setRole(decision.from, "fallback")
            if (decision.reason === "revoked") yield* bots.setStatus(decision.from, "paused")
            const details = {
              platform: decision.platform,
              from: decision.from,
              to: decision.to,
              reason: decision.reason
            }
            yield* record("bot.failover.promote", decision.to, details)
            const newName = name(to, decision.to)
            const oldName = name(from, decision.from)
            yield* toAdmins(
              `Резервный бот ${newName} заменил ${oldName} / Fallback bot ${newName} replaced ${oldName}`,
              `${decision.platform}: ${oldName} — ${decision.reason === "revoked" ? "токен отозван или бот заблокирован" : "не отвечает"}; теперь работает ${newName}. / ${oldName} is ${decision.reason === "revoked" ? "revoked or banned" : "failing"}; ${newName} serves now.`,
              details
            )
            const users = yield* usersElsewhere(decision.platform)
            if (users.length > 0) {
              const link = decision.platform === "telegram" && to?.username ? ` https://t.me/${to.username}` : ""
              yield* notifications.createMany(users, {
                type: "SYSTEM",
                title: `Наш бот переехал: ${newName} / Our bot has moved: ${newName}`,
                body: `Бот ${oldName} больше не работает. Пишите новому боту ${newName}${link}. / ${oldName} no longer works; write to ${newName}${link}.`,
                data: { failover: details }
              })
            }
            return
          }
          case "Degraded": {
            const details = { platform: decision.platform, main: decision.main, reason: decision.reason }
            yield* record("bot.failover.degraded", decision.main, details)
            yield* toAdmins(
              `Нет резервного бота: ${decision.platform} / No fallback bot left: ${decision.platform}`,
              `Основной бот ${decision.main} ${decision.reason === "revoked" ? "отозван" : "не отвечает"}, а здорового резервного нет — добавьте токен в пул. / The main bot ${decision.main} is ${decision.reason}, and no healthy fallback is left: add a token to the pool.`,
              details
            )
            return
          }
          case "Recovered": {
            yield* record("bot.failover.recovered", decision.main, { platform: decision.platform })
            yield* toAdmins(
              `Бот снова работает: ${decision.platform} / The bot serves again: ${decision.platform}`,
              `${decision.main}`,
              { platform: decision.platform, main: decision.main }
            )
            return
          }
        }
      })

    /** A platform with a main and no usable fallback takes the next pool token. */
    const refill = (fleet: ReadonlyArray<BotRecord>) =>
      Effect.gen(function* () {
        for (const platform of POOL_PLATFORMS) {
          const ofPlatform = fleet.filter((bot) => bot.platform === platform)
          if (!ofPlatform.some((bot) => bot.role === "main")) continue
          if (ofPlatform.some((bot) => bot.role === "fallback" && bot.health !== "revoked")) continue
          const result = yield* pool.refill(platform as PoolPlatform)
          for (const entry of result.rejected) {
            yield* record("bot.pool.rejected", entry.id, { platform, detail: entry.detail, hint: entry.hint })
            yield* toAdmins(
              `Токен из пула отклонён (…${entry.hint}) / A pool token was rejected (…${entry.hint})`,
              `${platform}: ${entry.detail ?? ""}`,
              { platform, pool: entry.id }
            )
          }
          if (result._tag === "Added") {
            yield* record("bot.pool.fallback-added", result.bot.id, { platform, username: result.bot.username })
          }
        }
      })

    const pass = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      let state = fromStored(yield* kv.get(NAMESPACE, "state"))
      const records = (yield* bots.list({ status: "active" })).filter(
        (bot) => (bot.role === "main" || bot.role === "fallback") && isPlatform(bot.platform)
      )
      for (const bot of records) {
        const signal = bot.role === "main" ? yield* mainSignalNow(bot) : yield* probe(bot)
        if (signal !== null) state = observe(state, bot.id, signal, now)
      }
      let fleet: ReadonlyArray<FleetBot> = records.map((bot) => ({
        id: bot.id,
        platform: bot.platform as Platform,
        role: bot.role as FleetBot["role"]
      }))
      const result = decide(state, fleet, now, settings)
      const byId = new Map(records.map((bot) => [bot.id, bot]))
      for (const decision of result.decisions) {
        yield* act(decision, byId).pipe(
          Effect.catchAllCause((cause) => Effect.logError("failover: carrying out a decision failed", decision, cause))
        )
        if (decision._tag === "Promote") fleet = applyPromotion(fleet, decision)
      }
      // the ids of bots no longer in the fleet are forgotten
      const live = new Set(records.map((bot) => bot.id))
      const health = new Map([...result.state.health].filter(([id]) => live.has(id)))
      yield* kv.set(NAMESPACE, "state", toStored({ ...result.state, health }))
      yield* kv.set(NAMESPACE, "degraded", [...result.state.degraded].sort())
      yield* pool.importFile()
      yield* refill(yield* bots.list({ status: "active" }))
      return result.decisions
    })

    const runOnce = runner.run("failover-monitor", pass).pipe(
      Effect.map((ran) => (ran._tag === "Some" ? ran.value : [])),
      Effect.catchAllCause((cause) => Effect.as(Effect.logError("failover: the pass failed", cause), []))
    )
    return FailoverMonitor.of({ runOnce })
  })

/** The monitor as a service (`runOnce`), without the schedule. */
export const FailoverMonitorLive = (settings: FailoverSettings = defaultFailoverSettings) =>
  Layer.effect(FailoverMonitor, makeFailoverMonitor(settings))

/** The monitor and its schedule: a pass every `interval` while the layer lives, the first one `interval` after start. */
export const FailoverScheduleLive = (settings: FailoverSettings = defaultFailoverSettings) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const monitor = yield* FailoverMonitor
      // the first pass an interval after start-up: the registry starts (or refuses) the configured bots first
      yield* Effect.forkScoped(Effect.forever(Effect.delay(monitor.runOnce, settings.interval)))
    })
  ).pipe(Layer.provideMerge(FailoverMonitorLive(settings)))

/**
 * The monitor's settings from the environment: `FAILOVER_INTERVAL_SECONDS` (15), `FAILOVER_FAIL_AFTER_SECONDS` (60),
 * `FAILOVER_HEALTHY_FOR_SECONDS` (60), `FAILOVER_COOLDOWN_SECONDS` (600).
 */
export const FailoverSettingsConfig = Config.all({
  interval: Config.integer("FAILOVER_INTERVAL_SECONDS").pipe(Config.withDefault(15)),
  failAfter: Config.integer("FAILOVER_FAIL_AFTER_SECONDS").pipe(Config.withDefault(60)),
  healthyFor: Config.integer("FAILOVER_HEALTHY_FOR_SECONDS").pipe(Config.withDefault(60)),
  cooldown: Config.integer("FAILOVER_COOLDOWN_SECONDS").pipe(Config.withDefault(600))
}).pipe(
  Config.map((s): FailoverSettings => ({
    interval: Duration.seconds(Math.max(1, s.interval)),
    failAfterMs: Math.max(0, s.failAfter) * 1000,
    healthyForMs: Math.max(0, s.healthyFor) * 1000,
    cooldownMs: Math.max(0, s.cooldown) * 1000
  }))
)

/** The monitor on a server with bots (every role but the chat node), one instance acting at a time; the token pool comes from the server's base services. */
export const FailoverForRole = Layer.unwrapEffect(
  Effect.gen(function* () {
    const config = yield* ServerConfig
    if (config.role === "chat") return Layer.empty
    const settings = yield* FailoverSettingsConfig
    return FailoverScheduleLive(settings).pipe(Layer.provide(SingleRunnerLive))
  })
)
