/**
 * The composition root: configuration → core → router → payments, notifications, the chat hub → HTTP. With no
 * configuration at all it runs embedded PGlite in `./data`, the in-process bus, the sandbox provider, the API with
 * its docs and the web chat on http://localhost:3000.
 */
import { HttpLayerRouter } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { AdapterEvents, BotFleet, TurnHandler } from "@groupbuy/adapters"
import { CoreLive } from "@groupbuy/core"
import { ChatLockRedis, Router, RouterLive, SessionStorePostgres, SessionStoreRedis } from "@groupbuy/router"
import { ConfigError, Effect, Layer, Logger, LogLevel, Option, Redacted } from "effect"
import { AdapterEventsLive } from "./bots/AdapterEventsLive.js"
import { BroadcastChannelsLive } from "./bots/BroadcastChannelsLive.js"
import { FailoverForRole } from "./bots/FailoverMonitor.js"
import { PlatformsLive, PlatformStartError } from "./bots/Platforms.js"
import { describeConfigError, ServerConfig, ServerConfigLive, type ServerSettings } from "./config/ServerConfig.js"
import { AllRoutes, ApiNodeRoutes, BodyLimitMiddleware, ChatHubRoute, HealthRoutes } from "./http/Routes.js"
import { UpgradeRouter, UpgradeRouterLive } from "./http/UpgradeRouter.js"
import { redactingLogger } from "./internal/LogRedaction.js"
import { NotificationsForRole } from "./notifications/ClusterRelay.js"
import { EventSink } from "./notifications/NotificationDispatcher.js"
import { SchedulersForRole } from "./schedulers/DeadlineSweep.js"
import { ServerBaseLive } from "./ServerServices.js"

/** The routes a server role serves (two-server layout: `chat` = WebSocket hub, `api` = everything else). */
export const routesFor = (settings: ServerSettings) =>
  settings.role === "chat"
    ? Layer.mergeAll(HealthRoutes, ChatHubRoute, BodyLimitMiddleware)
    : settings.role === "api"
      ? ApiNodeRoutes
      : AllRoutes

/**
 * The router with its sessions and the bot fleet as its `Deliver`. With `REDIS_URL`: sessions in Redis and a Redis
 * lease per chat, so several instances never run turns of one chat at once; else sessions in PostgreSQL and the
 * in-process lock (one instance).
 */
export const RouterStackLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (settings) =>
    RouterLive({ webBaseUrl: settings.publicUrl }).pipe(
      Layer.provide(
        Option.match(settings.redisUrl, {
          onNone: () => SessionStorePostgres,
          onSome: (url) =>
            Layer.merge(
              SessionStoreRedis(Redacted.value(url), { prefix: `${settings.redisPrefix}router:` }),
              ChatLockRedis(Redacted.value(url), { prefix: `${settings.redisPrefix}chatlock:` })
            )
        })
      ),
      // the channels admins registered, offered while their bot runs here
      Layer.provide(BroadcastChannelsLive),
      Layer.provideMerge(BotFleet.layer)
    )
  )
)

/** Domain events go to the router for delivery to platforms. */
export const RouterEventSink = Layer.effect(
  EventSink,
  Effect.map(Router, (router) => ({ onEvent: (event) => Effect.asVoid(router.onEvent(event)) }))
)

/** The HTTP server on PORT/HOST, sharing its Node server with the `ws` endpoints. */
const HttpServerLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const settings = yield* ServerConfig
    const { server } = yield* UpgradeRouter
    return HttpLayerRouter.serve(routesFor(settings)).pipe(
      Layer.provideMerge(NodeHttpServer.layer(() => server, { port: settings.port, host: settings.host }))
    )
  })
)

/** The bots and the web chat: on every role but the chat node. */
const PlatformsForRole = Layer.unwrapEffect(
  Effect.map(ServerConfig, (settings) =>
    settings.role === "chat"
      ? Layer.empty
      : Layer.merge(PlatformsLive, AdapterEventsLive).pipe(
          Layer.provide(TurnHandler.fromRouter),
          Layer.provide(AdapterEvents.layer)
        )
  )
)

/** The platform over given core services and configuration (tests provide a test database and settings). */
export const AppLive = Layer.mergeAll(
  PlatformsForRole,
  // the chat role hands its events to an instance with bots (notifications/ClusterRelay.ts)
  NotificationsForRole(RouterEventSink),
  // the deadline sweep, one instance at a time
  SchedulersForRole,
  // the failover monitor and the token pool's refills, one instance at a time
  FailoverForRole
).pipe(
  Layer.provideMerge(HttpServerLive),
  Layer.provideMerge(RouterStackLive),
  Layer.provideMerge(ServerBaseLive),
  Layer.provideMerge(UpgradeRouterLive)
)

export const MainLive = AppLive.pipe(Layer.provideMerge(CoreLive), Layer.provideMerge(ServerConfigLive))

const logLevel = (name: string | undefined) =>
  ({ debug: LogLevel.Debug, info: LogLevel.Info, warning: LogLevel.Warning, error: LogLevel.Error })[
    (name ?? "info").toLowerCase()
  ] ?? LogLevel.Info

/** `LOG_FORMAT=json` (default when not a terminal) or `pretty`; `LOG_LEVEL`; secrets in URLs redacted. */
export const LoggingLive = Layer.mergeAll(
  Logger.replace(
    Logger.defaultLogger,
    redactingLogger(
      (process.env["LOG_FORMAT"] ?? (process.stdout.isTTY ? "pretty" : "json")) === "json"
        ? Logger.withConsoleLog(Logger.jsonLogger)
        : Logger.prettyLoggerDefault
    )
  ),
  Logger.minimumLogLevel(logLevel(process.env["LOG_LEVEL"]))
)

/** Runs until interrupted (SIGTERM / SIGINT); a configuration error is explained and exits with status 1. */
export const main = Layer.launch(MainLive).pipe(
  Effect.catchAll((error) =>
    Effect.gen(function* () {
      if (ConfigError.isConfigError(error)) {
        const lines = describeConfigError(error)
        yield* Effect.sync(() =>
          process.stderr.write(`GroupBuy cannot start: bad configuration\n${lines.map((l) => `  ${l}`).join("\n")}\n`)
        )
      } else {
        yield* Effect.logError("GroupBuy cannot start", error)
        if (error instanceof PlatformStartError) {
          yield* Effect.sync(() => process.stderr.write(`GroupBuy cannot start: ${error.message}\n`))
        }
      }
      yield* Effect.sync(() => (process.exitCode = 1))
    })
  ),
  Effect.provide(LoggingLive)
)
