/** A whole server (routes + server services) over a core test profile, on a random loopback port. */
import { HttpApiClient, HttpClient, HttpClientRequest, HttpLayerRouter, HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { GroupBuyApi, type UserId } from "@groupbuy/core"
import { Duration, Effect, Layer, Option, Redacted } from "effect"
import { randomUUID } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { UserTokens } from "../../src/auth/UserTokens.js"
import { ServerConfig, type ServerSettings } from "../../src/config/ServerConfig.js"
import { AllRoutes } from "../../src/http/Routes.js"
import { UpgradeRouter, UpgradeRouterLive } from "../../src/http/UpgradeRouter.js"
import { type EventSink, EventSinkNone } from "../../src/notifications/NotificationDispatcher.js"
import { RouterStackLive } from "../../src/Server.js"
import { ServerServicesLive } from "../../src/ServerServices.js"

export const SERVICE_TOKEN = "test-service-token-0123456789abcdef"

export const testSettings = (overrides: Partial<ServerSettings> = {}): ServerSettings => ({
  port: 0,
  host: "127.0.0.1",
  publicUrl: "http://127.0.0.1:0",
  dataDir: mkdtempSync(join(tmpdir(), "groupbuy-server-")),
  redisUrl: Option.none(),
  hubChannel: `groupbuy:test:${randomUUID()}`,
  redisPrefix: `groupbuy-test:${randomUUID()}:`,
  jwtSecret: Redacted.make("a-test-jwt-secret-that-is-long-enough-0123456789"),
  serviceToken: Option.some(Redacted.make(SERVICE_TOKEN)),
  role: "all",
  cookieSecure: false,
  telegram: Option.none(),
  vk: Option.none(),
  telegramApiRoot: Option.none(),
  vkApiBaseUrl: Option.none(),
  botTokenKey: Redacted.make("a-test-bot-token-key-that-is-long-enough-0123456789"),
  botTokensFile: Option.none(),
  vkAppSecret: Option.none(),
  miniAppMaxAge: Duration.days(1),
  whatsapp: false,
  whatsappPairingPhone: Option.none(),
  widgetOrigins: [],
  trustedProxies: [],
  paymentProvider: "sandbox",
  sandboxWebhookSecret: Redacted.make("a-sandbox-webhook-secret-0123456789"),
  tochka: Option.none(),
  shutdownTimeout: Duration.seconds(5),
  ...overrides
})

/**
 * An HTTP server on a random loopback port whose Node server also routes WebSocket upgrades (`UpgradeRouter`: the
 * chat hub mounts there), as `main` wires it. Build each server under `Layer.fresh` (as `TestServer` does), so that
 * it gets a Node server of its own.
 */
export const loopbackServer = () =>
  Layer.unwrapEffect(
    Effect.map(UpgradeRouter, ({ server }) => NodeHttpServer.layer(() => server, { port: 0, host: "127.0.0.1" }))
  ).pipe(Layer.provideMerge(UpgradeRouterLive))

/** `NodeHttpServer.layerTest` over `loopbackServer`: the server and an `HttpClient` that reaches it. */
const testHttpServer = () =>
  HttpServer.layerTestClient.pipe(
    Layer.provide(NodeHttpClient.layerWithoutAgent),
    Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: false })),
    Layer.provideMerge(loopbackServer())
  )

/**
 * Routes served on a test HTTP server (as `NodeHttpServer.layerTest`) over the given core layer. Fresh:
 * @effect/vitest shares layers between the suites of a file, and each database profile needs its own handlers.
 */
export const TestServer = <E, R>(
  core: Layer.Layer<any, E, R>,
  overrides: Partial<ServerSettings> = {},
  sink: Layer.Layer<EventSink> = EventSinkNone
) =>
  Layer.fresh(
    HttpLayerRouter.serve(AllRoutes, { disableLogger: true, disableListenLog: true }).pipe(
      Layer.provideMerge(testHttpServer()),
      // the router behind the announce endpoint (no bots run here, so no broadcast channel is offered)
      Layer.provideMerge(RouterStackLive),
      Layer.provideMerge(ServerServicesLive),
      Layer.provideMerge(sink),
      Layer.provideMerge(core),
      Layer.provideMerge(Layer.succeed(ServerConfig, testSettings(overrides)))
    )
  )

/** An API client that sends `Authorization: Bearer <token>`. */
export const clientWith = (token: string | undefined, baseUrl?: string) =>
  HttpApiClient.make(GroupBuyApi, {
    transformClient: token === undefined ? undefined : HttpClient.mapRequest(HttpClientRequest.bearerToken(token)),
    ...(baseUrl === undefined ? {} : { baseUrl })
  })

export const serviceClient = clientWith(SERVICE_TOKEN)

/** A client signed in as the user (a fresh JWT). */
export const userClient = (userId: UserId, baseUrl?: string) =>
  Effect.flatMap(UserTokens, (tokens) => Effect.flatMap(tokens.issue(userId), (t) => clientWith(t.token, baseUrl)))
