/**
 * The real conversation engine for adapter end-to-end tests: `RouterLive` over core's Live layers on a fresh PGlite
 * database, in-memory sessions, the test payment gateway, and a `Deliver` the test supplies (so proactive messages
 * go out through the adapter under test). A core service whose Live layer has not landed yet dies loudly when used.
 */
import * as Core from "@groupbuy/core"
import { PgliteTest } from "@groupbuy/core/testing"
import {
  type BroadcastChannel,
  BroadcastChannelsStatic,
  ChatRef,
  Deliver,
  type DeliverService,
  PaymentGatewayTest,
  RouterLive,
  SessionStoreMemory
} from "@groupbuy/router"
import { type Context, Effect, Layer } from "effect"
import { TurnHandler } from "../../src/shared/TurnHandler.js"

const unavailable = <S>(name: string): S =>
  new Proxy({} as Record<string, unknown>, {
    get: (_, method) => () => Effect.dieMessage(`${name}.${String(method)}: its Live layer has not landed yet`)
  }) as S

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLayer = Layer.Layer<any, any, any>

const liveOr = <I, S>(tag: Context.Tag<I, S>, name: string): AnyLayer =>
  ((Core as Record<string, unknown>)[name] as AnyLayer | undefined) ?? Layer.succeed(tag, unavailable<S>(tag.key))

/** Core's services and `DomainEvents` over a fresh migrated PGlite. */
export const coreOnPglite = Layer.mergeAll(
  liveOr(Core.Users, "UsersLive"),
  liveOr(Core.KeyValue, "KeyValueLive"),
  liveOr(Core.Ledger, "LedgerLive"),
  liveOr(Core.Procurements, "ProcurementsLive"),
  liveOr(Core.Payments, "PaymentsLive"),
  liveOr(Core.Chat, "ChatLive"),
  liveOr(Core.Notifications, "NotificationsLive"),
  liveOr(Core.Categories, "CategoriesLive"),
  liveOr(Core.AuditLog, "AuditLogLive"),
  liveOr(Core.RoleRequests, "RoleRequestsLive")
).pipe(Layer.provideMerge(Core.DomainEventsLive), Layer.provideMerge(PgliteTest)) as Layer.Layer<
  | Core.Users
  | Core.KeyValue
  | Core.Ledger
  | Core.Procurements
  | Core.Payments
  | Core.Chat
  | Core.Notifications
  | Core.Categories
  | Core.RoleRequests
  | Core.DomainEvents
>

/** A `Deliver` whose target is set once the adapter exists (the adapter itself needs the router first). */
export const lateDeliver = () => {
  let target: DeliverService["deliver"] | undefined
  const layer = Layer.succeed(Deliver, {
    deliver: (ref, replies) =>
      Effect.suspend(() =>
        target === undefined ? Effect.dieMessage("no adapter to deliver through yet") : target(ref, replies)
      )
  })
  return { layer, set: (deliver: DeliverService["deliver"]) => void (target = deliver) }
}

/** A broadcast channel on another platform, as the router's own scenarios configure it. */
export const newsChannel: BroadcastChannel = {
  id: "news",
  title: "Новости закупок",
  ref: new ChatRef({ bot: "channel-bot", platform: "telegram", chatId: "news", userId: "channel", locale: "ru" }),
  deepLink: "https://t.me/groupbuy_bot?start={payload}"
}

/** The router as the adapters' `TurnHandler`, plus the router and core services for system steps. */
export const realRouter = (deliver: Layer.Layer<Deliver>, channels: ReadonlyArray<BroadcastChannel> = [newsChannel]) =>
  TurnHandler.fromRouter.pipe(
    Layer.provideMerge(RouterLive()),
    Layer.provideMerge(Layer.mergeAll(SessionStoreMemory, deliver, BroadcastChannelsStatic(channels))),
    Layer.provideMerge(PaymentGatewayTest),
    Layer.provideMerge(coreOnPglite)
  )
