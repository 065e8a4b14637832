/** The HTTP contract of GroupBuy (`@effect/platform` HttpApi). */
export * from "./AdminApi.js"
export * from "./AuthApi.js"
export * from "./CategoriesApi.js"
export * from "./ChatApi.js"
export * from "./Dto.js"
export * from "./GroupBuyApi.js"
export * from "./NotificationsApi.js"
export * from "./PaymentsApi.js"
export * from "./ReferralsApi.js"
export * from "./BotPoolApi.js"
export * from "./BotRecordsApi.js"
export * from "./ReferralShopsApi.js"
export * from "./ProcurementsApi.js"
export * from "./ReadableIssues.js"
export * from "./RequestBody.js"
export * from "./Security.js"
export * from "./UsersApi.js"
export * from "./ShopApi.js"
export * from "./WithdrawalsApi.js"
export * from "./BonusApi.js"
// the columns each admin list may be ordered by, so the panel's grids offer exactly those
export { AuditSortColumn } from "../AuditLog.js"
export { TransactionSortColumn } from "../Ledger.js"
export { PaymentSortColumn } from "../Payments.js"
export { ProcurementSortColumn } from "../Procurements.js"
// the lifecycle tables, so clients offer only the moves the server allows
export { procurementTransitions, participantTransitions } from "../Lifecycle.js"
// ids (to decode a route parameter) and the profile body, which web clients build
export {
  AttachmentId,
  CategoryId,
  ChatMessageId,
  NotificationId,
  ParticipantId,
  PaymentId,
  ProcurementId,
  UserId
} from "../Ids.js"
export { UpdateProfile } from "../Users.js"
// the category bodies, which the admin panel builds
export { CreateCategory, UpdateCategory } from "../Categories.js"
export { Kopecks } from "../Money.js"
// the chat's file limits, so a client refuses a file before uploading it, with the server's own rules
export { ALLOWED_TYPES, formatFileSize, MAX_ATTACHMENT_BYTES } from "../Attachments.js"
export type { AttachmentInfo } from "../Models.js"
// the shop's ids, kinds, statuses, sortable columns and bodies, which the admin panel and the cabinet build
export { OrderId, ProductId, SubscriptionId } from "../Ids.js"
export {
  CreateProduct,
  MAX_ORDER_QUANTITY,
  OrderSortColumn,
  OrderStatus,
  ProductKind,
  ProductSortColumn,
  SubscriptionStatus,
  UpdateProduct,
  UpdateShopSettings
} from "../Shop.js"
// core's procurement rules (pure), so a client checks a form as you type with the server's own rules and messages
export * as ProcurementRules from "../ProcurementRules.js"
// the provider configuration body, which the admin panel's providers page builds
export { ConfigureProvider } from "../ProviderConfigs.js"
