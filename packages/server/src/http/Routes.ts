/** Every HTTP route of the server, grouped so that the chat and API roles of a two-server layout can pick theirs. */
import { HttpApiScalar, HttpLayerRouter } from "@effect/platform"
import { GroupBuyApi } from "@groupbuy/core"
import { Layer } from "effect"
import { AdminAuthenticationLive } from "../admin/AdminAuthenticationLive.js"
import { AuthenticationLive } from "../auth/AuthenticationLive.js"
import { ChatHubRoute } from "../hub/ChatHub.js"
import { AdminAuthHandlers, AdminHandlers } from "./handlers/AdminHandlers.js"
import { AuthHandlers } from "./handlers/AuthHandlers.js"
import { CategoriesHandlers } from "./handlers/CategoriesHandlers.js"
import { ChatFileLinksHandlers, ChatHandlers } from "./handlers/ChatHandlers.js"
import { NotificationsHandlers } from "./handlers/NotificationsHandlers.js"
import { AdminPaymentsHandlers } from "./handlers/AdminPaymentsHandlers.js"
import { AdminBotPoolHandlers } from "./handlers/AdminBotPoolHandlers.js"
import { AdminBotRecordsHandlers } from "./handlers/AdminBotRecordsHandlers.js"
import { AdminReferralShopsHandlers, ReferralShopsHandlers } from "./handlers/ReferralShopsHandlers.js"
import { AdminReferralsHandlers, ReferralsHandlers } from "./handlers/AdminReferralsHandlers.js"
import { PaymentsHandlers } from "./handlers/PaymentsHandlers.js"
import { ProcurementsHandlers } from "./handlers/ProcurementsHandlers.js"
import { UsersHandlers } from "./handlers/UsersHandlers.js"
import { ShopAdminHandlers } from "./handlers/ShopAdminHandlers.js"
import { ShopCatalogHandlers, ShopHandlers, ShopSubscriptionHandlers } from "./handlers/ShopHandlers.js"
import { AdminWithdrawalsHandlers, WithdrawalsHandlers } from "./handlers/WithdrawalsHandlers.js"
import { AdminBonusHandlers } from "./handlers/BonusHandlers.js"
import { HealthRoutes } from "./HealthRoutes.js"
import { PaymentRoutes } from "./PaymentRoutes.js"
import { ReadableRefusalsMiddleware } from "./ReadableRefusals.js"
import { BodyLimitMiddleware, JsonBodyMiddleware } from "./RequestBodies.js"
import { SecurityHeadersMiddleware } from "./SecurityHeaders.js"
import { WebRoutes } from "./WebRoutes.js"
import { WidgetRoutes } from "./WidgetRoutes.js"

export const HandlersLive = Layer.mergeAll(
  AuthHandlers,
  UsersHandlers,
  ProcurementsHandlers,
  PaymentsHandlers,
  AdminPaymentsHandlers,
  AdminReferralsHandlers,
  ReferralsHandlers,
  ChatHandlers,
  ChatFileLinksHandlers,
  NotificationsHandlers,
  CategoriesHandlers,
  AdminAuthHandlers,
  AdminHandlers,
  WithdrawalsHandlers,
  AdminWithdrawalsHandlers,
  AdminBonusHandlers,
  ShopCatalogHandlers,
  ShopHandlers,
  ShopSubscriptionHandlers,
  ShopAdminHandlers,
  AdminBotPoolHandlers,
  AdminBotRecordsHandlers,
  ReferralShopsHandlers,
  AdminReferralShopsHandlers
)

/** The REST and admin API with its OpenAPI document at `/api/openapi.json`. */
export const ApiRoutes = HttpLayerRouter.addHttpApi(GroupBuyApi, { openapiPath: "/api/openapi.json" }).pipe(
  Layer.provide(HandlersLive),
  Layer.provide(JsonBodyMiddleware.layer),
  Layer.provide(AuthenticationLive),
  Layer.provide(AdminAuthenticationLive)
)

/** Interactive documentation (Scalar, served inline: works offline, and under the pages' CSP: no web fonts). */
export const DocsRoute = HttpApiScalar.layerHttpLayerRouter({
  api: GroupBuyApi,
  path: "/api/docs",
  scalar: { withDefaultFonts: false }
})

export { BodyLimitMiddleware, ChatHubRoute, HealthRoutes, PaymentRoutes, WebRoutes, WidgetRoutes }

/**
 * The API node: API, docs, payments, the web chat's page (`/widget`) and the web cabinet (`/`, everything else a GET
 * asks for: WebRoutes.ts); security headers on every response (SecurityHeaders.ts), request bodies capped
 * (RequestBodies.ts).
 */
export const ApiNodeRoutes = Layer.mergeAll(
  ApiRoutes,
  DocsRoute,
  HealthRoutes,
  PaymentRoutes,
  WidgetRoutes,
  WebRoutes,
  BodyLimitMiddleware,
  SecurityHeadersMiddleware,
  ReadableRefusalsMiddleware
)

/** Everything on one server. */
export const AllRoutes = Layer.mergeAll(ApiNodeRoutes, ChatHubRoute)
