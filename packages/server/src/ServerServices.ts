/** The server's own services over core: tokens, admin sessions, the payment provider, deposits, the hub's bus. */
import { FetchHttpClient } from "@effect/platform"
import { ShopLive } from "@groupbuy/core"
import { Effect, Layer, Option } from "effect"
import { AdminSessionsLive } from "./admin/AdminSessions.js"
import { ChatTokensLive } from "./auth/ChatTokens.js"
import { SignInThrottleLive } from "./auth/SignInThrottle.js"
import { BotLinksLive } from "./bots/BroadcastChannelsLive.js"
import { BotRegistryLive } from "./bots/BotRegistry.js"
import { BotStatusesLive } from "./bots/BotStatuses.js"
import { BotTokenCheckLive } from "./bots/BotTokenCheck.js"
import { BotTokensLive } from "./bots/BotTokens.js"
import { TokenPoolLive } from "./bots/TokenPool.js"
import { ReferralShopOpeningLive, ShopOpenerLive } from "./bots/ReferralShopOpening.js"
import { WhatsAppAccountsLive } from "./bots/WhatsAppAccounts.js"
import { AttachmentLinksLive } from "./auth/AttachmentLinksLive.js"
import { UserTokensLive } from "./auth/UserTokens.js"
import { ServerConfig } from "./config/ServerConfig.js"
import { ChatHubLive } from "./hub/ChatHub.js"
import { ClusterBusMemory, ClusterBusRedis } from "./hub/ClusterBus.js"
import { NotificationDispatcherLive } from "./notifications/NotificationDispatcher.js"
import { CardPaymentRulesLive } from "./payments/CardPaymentRules.js"
import { DepositsLive, PaymentGatewayLive } from "./payments/Deposits.js"
import { SandboxProviderLive } from "./payments/SandboxProvider.js"
import { TochkaProviderLive } from "./payments/TochkaProvider.js"
import { ProvidersLive } from "./shop/ProvidersLive.js"

/** The configured provider: the sandbox, or Tochka Cyclops with its polling loop. */
export const PaymentProviderLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (config) =>
    config.paymentProvider === "tochka"
      ? TochkaProviderLive.pipe(Layer.provide(FetchHttpClient.layer))
      : SandboxProviderLive
  )
)

/** In-process, or Redis pub/sub when `REDIS_URL` is set. */
export const ClusterBusLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (config) =>
    Option.match(config.redisUrl, {
      onNone: () => ClusterBusMemory,
      onSome: (url) => ClusterBusRedis(url, config.hubChannel)
    })
  )
)

/** Deposits and card payments over the configured provider, with the automatic capture / cancel rules of shares. */
export const PaymentsServicesLive = Layer.provideMerge(CardPaymentRulesLive, DepositsLive).pipe(
  Layer.provideMerge(PaymentProviderLive)
)

/** The shop (core's catalogue, orders and settings) over the provider clients the admins configured. */
export const ShopServicesLive = ShopLive.pipe(
  Layer.provideMerge(ProvidersLive.pipe(Layer.provide(FetchHttpClient.layer)))
)

/** Everything the routes need besides core and the configuration. */
export const ServerBaseLive = Layer.mergeAll(
  // relayed chat messages link their files for the members they reach (the router finds it in its context)
  Layer.provideMerge(AttachmentLinksLive, UserTokensLive),
  ChatTokensLive,
  AdminSessionsLive,
  SignInThrottleLive,
  WhatsAppAccountsLive,
  BotStatusesLive,
  BotLinksLive,
  // the fleet's tokens: sealed at rest, checked with their platform before they are kept; referral shops open with them
  // (and start their bot at once through the registry) and the pool of spare tokens that refills the fallback role
  // (BOT_TOKENS_FILE, /api/admin/bots/pool). The registry: the records' bots this instance runs (PlatformsLive serves
  // its loop); the API reconciles through it
  Layer.merge(ShopOpenerLive.pipe(Layer.provideMerge(ReferralShopOpeningLive)), TokenPoolLive).pipe(
    Layer.provideMerge(
      Layer.mergeAll(BotTokensLive, BotTokenCheckLive.pipe(Layer.provide(FetchHttpClient.layer)), BotRegistryLive)
    )
  ),
  PaymentGatewayLive.pipe(Layer.provideMerge(PaymentsServicesLive)),
  ChatHubLive,
  ShopServicesLive
).pipe(Layer.provideMerge(ClusterBusLive))

/** The base services and the notification dispatcher (which needs an `EventSink`). */
export const ServerServicesLive = Layer.merge(ServerBaseLive, NotificationDispatcherLive)
