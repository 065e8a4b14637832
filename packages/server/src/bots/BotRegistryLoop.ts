/**
 * The bot registry's loop (see `BotRegistry.ts`): which records should run, and starting / stopping their adapters.
 *
 * - Wanted: status `active`, role `main` or `referral`, platform `telegram` or `vk`. A `fallback` waits for the failover
 *   monitor's promotion.
 * - Each bot runs in a scope of its own, forked from the loop's: its adapter (token opened with `BotTokens`, Telegram
 *   against `TELEGRAM_API_ROOT`, VK against `VK_API_BASE_URL` and the community of the record's `platformBotId`), its
 *   place in `BotFleet`, `BotStatuses` and `BotLinks`. Closing the scope stops the polling, drains the outbound
 *   queue, removes it from the fleet and the links and shows it stopped.
 * - A running bot whose record is no longer wanted, or whose token's fingerprint changed, is stopped (and started
 *   again with the new token).
 * - A start that fails (a revoked token, the platform down) leaves the others alone: the record's health says why
 *   (`revoked` when the platform refuses the token, else `degraded`) and the start is tried again after 5 s, 10 s, …
 *   up to 5 minutes. Only the environment's bots at start-up (`strict`) fail the start-up instead.
 * - A pass reads the records only when `Bots.version()` changed or a retry is due: an idle server reads one row.
 *   Passes never overlap; `reconcileNow` runs one at once (in the loop's scope, so an interrupted caller never leaves a
 *   half-started bot behind).
 */
import { AdapterEvents, BotFleet, TelegramBot, TurnHandler, VkBot } from "@groupbuy/adapters"
import { type BotRecord, Bots, type SealedToken } from "@groupbuy/core"
import { CabinetUrl } from "@groupbuy/router"
import {
  Clock,
  Context,
  Data,
  Duration,
  Effect,
  Exit,
  ExecutionStrategy,
  Fiber,
  Option,
  type Redacted,
  Schedule,
  Scope
} from "effect"
import { ServerConfig } from "../config/ServerConfig.js"
import { BotStatuses } from "./BotStatuses.js"
import { BotTokenCheck } from "./BotTokenCheck.js"
import { BotTokens } from "./BotTokens.js"
import { BotLinks, telegramLink, vkLink } from "./BroadcastChannelsLive.js"

/** How often every instance that runs bots compares the records' version. */
export const RECONCILE_EVERY = Duration.seconds(3)
/** How long one bot's start may take (its getMe / long poll server) before it counts as failed. */
const START_TIMEOUT = Duration.seconds(30)
const FIRST_RETRY = 5_000
const LAST_RETRY = 300_000

/** The platforms the registry runs bots of (the web widget and WhatsApp are started by `PlatformsLive`). */
export const REGISTRY_PLATFORMS: ReadonlySet<string> = new Set(["telegram", "vk"])

/** A record the registry runs. */
export const isWanted = (record: BotRecord) =>
  record.status === "active" &&
  (record.role === "main" || record.role === "referral") &&
  REGISTRY_PLATFORMS.has(record.platform)

/** A bot did not start; `reason` never holds the token. */
export class BotStartFailed extends Data.TaggedError("BotStartFailed")<{
  readonly bot: string
  readonly platform: string
  readonly reason: string
}> {
  override get message() {
    return `${this.platform} bot ${this.bot} did not start: ${this.reason}`
  }
}

/** What the environment says of one of its bots that the record does not (the API root, VK's community). */
export interface EnvironmentBot {
  readonly apiRoot?: string | undefined
  readonly groupId?: number | undefined
}

interface Running {
  readonly scope: Scope.CloseableScope
  readonly fingerprint: string
}

interface Failure {
  readonly fingerprint: string
  readonly attempts: number
  readonly nextAt: number
}

/** The delay before the `attempts`-th retry: 5 s, 10 s, 20 s, … at most 5 minutes. */
export const retryDelay = (attempts: number) => Math.min(FIRST_RETRY * 2 ** Math.max(0, attempts - 1), LAST_RETRY)

/**
 * Builds the loop in the current scope (its bots live as long as it does). `environment`: the environment's bots by
 * id. Returns `reconcile` (one pass; `strict` ids fail it instead of being retried) and `running`.
 */
export const makeLoop = (environment: ReadonlyMap<string, EnvironmentBot>) =>
  Effect.gen(function* () {
    const config = yield* ServerConfig
    const bots = yield* Bots
    const sealer = yield* BotTokens
    const tokenCheck = yield* BotTokenCheck
    const fleet = yield* BotFleet
    const statuses = yield* BotStatuses
    const links = yield* BotLinks
    // only these two: the whole context would bring the loop's own Scope and override each bot's
    const adapterContext = Context.make(AdapterEvents, yield* AdapterEvents).pipe(
      Context.add(TurnHandler, yield* TurnHandler)
    )
    const loopScope = yield* Effect.scope
    const permit = yield* Effect.makeSemaphore(1)

    const running = new Map<string, Running>()
    const failures = new Map<string, Failure>()
    let lastVersion: string | undefined

    const telegramRoot = Option.getOrUndefined(config.telegramApiRoot)
    const vkBase = Option.getOrUndefined(config.vkApiBaseUrl)

    /** The adapter of `record` in the current scope, in the fleet, the statuses and the links. */
    const launch = (record: BotRecord, token: Redacted.Redacted<string>) =>
      Effect.gen(function* () {
        const env = environment.get(record.id)
        if (record.platform === "telegram") {
          const telegram = yield* TelegramBot.make({
            id: record.id,
            token,
            apiRoot: env?.apiRoot ?? telegramRoot,
            mode: { _tag: "Polling" },
            // the page `/web`'s Mini App button opens too
            miniAppUrl: CabinetUrl.miniApp(config.publicUrl)
          })
          yield* fleet.add(telegram)
          yield* statuses.register({
            id: telegram.id,
            platform: "telegram",
            username: telegram.username,
            stats: telegram.stats
          })
          yield* links.register(telegram.id, telegramLink(telegram.username))
          yield* Effect.logInfo("Telegram bot started", { username: telegram.username }).pipe(
            Effect.annotateLogs({ bot: record.id })
          )
          return
        }
        const groupId = env?.groupId ?? Number(record.platformBotId ?? Number.NaN)
        if (!Number.isSafeInteger(groupId) || groupId <= 0)
          return yield* Effect.fail({ message: "the record names no VK community (platformBotId)" })
        const vk = yield* VkBot.make({
          id: record.id,
          token,
          apiBaseUrl: env?.apiRoot ?? vkBase,
          groupId,
          mode: { _tag: "LongPoll" }
        })
        yield* fleet.add(vk)
        yield* statuses.register({ id: vk.id, platform: "vk", username: vk.screenName, stats: vk.stats })
        yield* links.register(vk.id, vkLink(vk.screenName))
        yield* Effect.logInfo("VK bot started", { groupId: vk.groupId, screenName: vk.screenName }).pipe(
          Effect.annotateLogs({ bot: record.id })
        )
      }).pipe(Effect.provide(adapterContext))

    /** Why the platform would not run the bot: its token refused (`revoked`), or anything else (`degraded`). */
    const diagnose = (record: BotRecord, token: Option.Option<Redacted.Redacted<string>>, reason: string) =>
      Option.match(token, {
        onNone: () => Effect.succeed({ health: "degraded" as const, detail: reason }),
        onSome: (t) =>
          tokenCheck.check(record.platform, t).pipe(
            Effect.as({ health: "degraded" as const, detail: reason }),
            Effect.catchTags({
              BotTokenRejected: (e) => Effect.succeed({ health: "revoked" as const, detail: e.message }),
              PlatformUnreachable: (e) => Effect.succeed({ health: "degraded" as const, detail: e.message })
            })
          )
      })

    const stop = (id: string) =>
      Effect.gen(function* () {
        const bot = running.get(id)
        if (bot === undefined) return
        running.delete(id)
        // a finalizer that fails (an adapter's fiber interrupted on the way out) does not stop the pass
        yield* Scope.close(bot.scope, Exit.void).pipe(
          Effect.catchAllCause((cause) => Effect.logWarning("bot stopped uncleanly", cause)),
          Effect.zipRight(Effect.logInfo("bot stopped")),
          Effect.annotateLogs({ bot: id })
        )
      })

    const start = (record: BotRecord, sealed: SealedToken, strict: boolean) =>
      Effect.gen(function* () {
        const scope = yield* Scope.fork(loopScope, ExecutionStrategy.sequential)
        let opened = Option.none<Redacted.Redacted<string>>()
        const outcome = yield* sealer.open(record.id, sealed).pipe(
          Effect.tap((token) => Effect.sync(() => (opened = Option.some(token)))),
          Effect.flatMap((token) => launch(record, token)),
          Effect.timeoutFail({
            duration: START_TIMEOUT,
            onTimeout: () => ({ message: `no answer in ${Duration.format(START_TIMEOUT)}` })
          }),
          Scope.extend(scope),
          Effect.either
        )
        if (outcome._tag === "Right") {
          running.set(record.id, { scope, fingerprint: sealed.fingerprint })
          failures.delete(record.id)
          if (record.health !== "healthy") yield* Effect.ignore(bots.reportHealth(record.id, "healthy", null))
          return
        }
        yield* Scope.close(scope, Exit.void)
        const reason = outcome.left.message
        if (strict) return yield* new BotStartFailed({ bot: record.id, platform: record.platform, reason })
        const { detail, health } = yield* diagnose(record, opened, reason)
        yield* Effect.ignore(bots.reportHealth(record.id, health, detail))
        const now = yield* Clock.currentTimeMillis
        const previous = failures.get(record.id)
        const attempts = previous?.fingerprint === sealed.fingerprint ? previous.attempts + 1 : 1
        failures.set(record.id, { fingerprint: sealed.fingerprint, attempts, nextAt: now + retryDelay(attempts) })
        yield* Effect.logWarning("bot did not start; trying again later").pipe(
          Effect.annotateLogs({
            bot: record.id,
            platform: record.platform,
            health,
            detail,
            retryInMs: retryDelay(attempts)
          })
        )
      })

    /** One pass; `force` reads the records even when the version did not change. */
    const pass = (options: { readonly force: boolean; readonly strict: ReadonlySet<string> }) =>
      Effect.gen(function* () {
        const version = yield* bots.version()
        const now = yield* Clock.currentTimeMillis
        const retryDue = [...failures.values()].some((f) => f.nextAt <= now)
        if (!options.force && version === lastVersion && !retryDue) return
        lastVersion = version
        const wanted = (yield* bots.list({ status: "active" })).filter(isWanted)
        const tokens = new Map<string, SealedToken>()
        for (const record of wanted) {
          const sealed = yield* Effect.option(bots.sealedToken(record.id))
          if (Option.isSome(sealed)) tokens.set(record.id, sealed.value)
        }
        for (const [id, bot] of [...running]) {
          if (tokens.get(id)?.fingerprint !== bot.fingerprint) yield* stop(id)
        }
        for (const id of [...failures.keys()]) {
          if (!tokens.has(id)) failures.delete(id)
        }
        const toStart = wanted.filter((record) => {
          const sealed = tokens.get(record.id)
          if (sealed === undefined || running.has(record.id)) return false
          const failure = failures.get(record.id)
          return failure === undefined || failure.fingerprint !== sealed.fingerprint || failure.nextAt <= now
        })
        yield* Effect.forEach(
          toStart,
          (record) => start(record, tokens.get(record.id)!, options.strict.has(record.id)),
          { concurrency: "unbounded", discard: true }
        )
      })

    const reconcile = (options: { readonly force: boolean; readonly strict: ReadonlySet<string> }) =>
      permit.withPermits(1)(pass(options))

    /** A pass in the loop's scope (an interrupted caller does not interrupt it); failures are logged. */
    const reconcileNow = () =>
      reconcile({ force: true, strict: new Set() }).pipe(
        Effect.catchAllCause((cause) => Effect.logError("bot registry: reconcile failed", cause)),
        Effect.forkIn(loopScope),
        Effect.flatMap(Fiber.join)
      )

    /** The periodic passes, for as long as the loop's scope lives. */
    const periodic = reconcile({ force: false, strict: new Set() }).pipe(
      Effect.catchAllCause((cause) => Effect.logError("bot registry: reconcile failed", cause)),
      Effect.repeat(Schedule.spaced(RECONCILE_EVERY)),
      Effect.forkIn(loopScope),
      Effect.asVoid
    )

    return {
      reconcile,
      reconcileNow,
      periodic,
      running: () => Effect.sync(() => [...running.keys()])
    }
  })
