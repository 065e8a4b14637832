/**
 * The rows of GroupBuy as `Model.Class`es: one schema per table with its select / insert / update / json variants.
 * Money is `Kopecks`; timestamps are `DateTime.Utc`.
 */
import { Model } from "@effect/sql"
import { Schema } from "effect"
import {
  AdminId,
  AttachmentId,
  AuditEntryId,
  ChannelId,
  CategoryId,
  ChatMessageId,
  IdentityId,
  Language,
  NotificationId,
  ParticipantId,
  PaymentId,
  Platform,
  ProcurementId,
  TransactionId,
  UserId
} from "./Ids.js"
import { Kopecks } from "./Money.js"

export const Role = Schema.Literal("buyer", "organizer", "supplier")
export type Role = typeof Role.Type

export class User extends Model.Class<User>("User")({
  id: Model.Generated(UserId),
  firstName: Schema.String,
  lastName: Schema.NullOr(Schema.String),
  username: Schema.NullOr(Schema.String),
  /** E.164, e.g. +79991234567 */
  phone: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  language: Language,
  role: Role,
  isAdmin: Schema.Boolean,
  balance: Model.FieldExcept("insert", "update", "jsonCreate", "jsonUpdate")(Kopecks),
  isVerified: Schema.Boolean,
  isActive: Schema.Boolean,
  lastPlatform: Schema.NullOr(Platform),
  createdAt: Model.DateTimeInsertFromDate,
  updatedAt: Model.DateTimeUpdateFromDate
}) {}

export class PlatformIdentity extends Model.Class<PlatformIdentity>("PlatformIdentity")({
  id: Model.Generated(IdentityId),
  userId: UserId,
  platform: Platform,
  /** The platform's own id of the person (Telegram user id, VK id, WhatsApp JID, web account/guest id). */
  externalId: Schema.String,
  username: Schema.NullOr(Schema.String),
  displayName: Schema.NullOr(Schema.String),
  /** false once the platform said the person blocked the bot (Telegram 403, ...). */
  reachable: Schema.Boolean,
  lastSeenAt: Model.DateTimeFromDate,
  createdAt: Model.DateTimeInsertFromDate
}) {}

export const OneTimeCodePurpose = Schema.Literal("link", "web_login")
export type OneTimeCodePurpose = typeof OneTimeCodePurpose.Type

export class Category extends Model.Class<Category>("Category")({
  id: Model.Generated(CategoryId),
  parentId: Schema.NullOr(CategoryId),
  name: Schema.String,
  /** An emoji */
  icon: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String),
  sortOrder: Schema.Int,
  createdAt: Model.DateTimeInsertFromDate,
  updatedAt: Model.DateTimeUpdateFromDate
}) {}

export const ProcurementStatus = Schema.Literal("DRAFT", "ACTIVE", "STOPPED", "PAYMENT", "COMPLETED", "CANCELLED")
export type ProcurementStatus = typeof ProcurementStatus.Type

/** numeric(5,2) arrives as a string */
const Percent = Schema.Union(Schema.Number, Schema.NumberFromString).pipe(Schema.between(0, 100))

export class Procurement extends Model.Class<Procurement>("Procurement")({
  id: Model.Generated(ProcurementId),
  title: Schema.String,
  description: Schema.String,
  categoryId: Schema.NullOr(CategoryId),
  organizerId: UserId,
  supplierId: Schema.NullOr(UserId),
  targetAmount: Kopecks,
  pricePerUnit: Kopecks,
  /** kg, pcs, l, pack, ... */
  unit: Schema.String,
  minQuantity: Schema.Int,
  deadline: Model.DateTimeFromDate,
  paymentDeadline: Schema.NullOr(Model.DateTimeFromDate),
  city: Schema.String,
  deliveryAddress: Schema.NullOr(Schema.String),
  stopAtAmount: Schema.NullOr(Kopecks),
  imageUrl: Schema.NullOr(Schema.String),
  isFeatured: Schema.Boolean,
  organizerFeePercent: Percent,
  status: ProcurementStatus,
  /** Money paid by participants and held for this procurement until COMPLETED (or refunded on CANCELLED). */
  heldAmount: Model.FieldExcept("insert", "update", "jsonCreate", "jsonUpdate")(Kopecks),
  createdAt: Model.DateTimeInsertFromDate,
  updatedAt: Model.DateTimeUpdateFromDate
}) {}

export const ParticipantStatus = Schema.Literal("PENDING", "CONFIRMED", "PAID", "DELIVERED", "CANCELLED")
export type ParticipantStatus = typeof ParticipantStatus.Type

export class Participant extends Model.Class<Participant>("Participant")({
  id: Model.Generated(ParticipantId),
  procurementId: ProcurementId,
  userId: UserId,
  quantity: Schema.Int,
  amount: Kopecks,
  status: ParticipantStatus,
  createdAt: Model.DateTimeInsertFromDate,
  updatedAt: Model.DateTimeUpdateFromDate
}) {}

export const PaymentType = Schema.Literal("DEPOSIT", "WITHDRAWAL", "PROCUREMENT_PAYMENT")
export type PaymentType = typeof PaymentType.Type
export const PaymentStatus = Schema.Literal("PENDING", "WAITING_FOR_CAPTURE", "SUCCEEDED", "CANCELLED", "REFUNDED")
export type PaymentStatus = typeof PaymentStatus.Type

export class Payment extends Model.Class<Payment>("Payment")({
  id: Model.Generated(PaymentId),
  userId: UserId,
  procurementId: Schema.NullOr(ProcurementId),
  type: PaymentType,
  status: PaymentStatus,
  /** "sandbox", "tochka", ... */
  provider: Schema.String,
  providerPaymentId: Schema.NullOr(Schema.String),
  idempotencyKey: Schema.String,
  amount: Kopecks,
  description: Schema.NullOr(Schema.String),
  /** Where the payer goes to pay (sandbox page, bank link), or null when paid by bank transfer details. */
  confirmationUrl: Schema.NullOr(Schema.String),
  metadata: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  settledAt: Schema.NullOr(Model.DateTimeFromDate),
  createdAt: Model.DateTimeInsertFromDate,
  updatedAt: Model.DateTimeUpdateFromDate
}) {}

export const TransactionType = Schema.Literal(
  "DEPOSIT",
  "WITHDRAWAL",
  "PROCUREMENT_JOIN",
  "PROCUREMENT_REFUND",
  "TRANSFER",
  "BONUS",
  "ADJUSTMENT",
  /** a shop order's debit, and its refund */
  "PURCHASE",
  "PURCHASE_REFUND",
  /** a referral shop owner's share of a sale, and its reversal when the order is refunded */
  "COMMISSION",
  "COMMISSION_REVERSAL",
  /** a withdrawal request holds the amount at once; a rejected one releases it (an approved one is the WITHDRAWAL) */
  "WITHDRAWAL_HOLD",
  "WITHDRAWAL_RELEASE"
)
export type TransactionType = typeof TransactionType.Type

/** One ledger row: exactly one per change of a balance, written in the same SQL transaction. */
export class Transaction extends Model.Class<Transaction>("Transaction")({
  id: Model.Generated(TransactionId),
  userId: UserId,
  type: TransactionType,
  /** Signed delta of the user's balance. */
  amount: Kopecks,
  balanceAfter: Kopecks,
  procurementId: Schema.NullOr(ProcurementId),
  participantId: Schema.NullOr(ParticipantId),
  paymentId: Schema.NullOr(PaymentId),
  idempotencyKey: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String),
  createdBy: Schema.NullOr(UserId),
  createdAt: Model.DateTimeInsertFromDate
}) {}

export const ChatMessageType = Schema.Literal("TEXT", "IMAGE", "FILE", "SYSTEM")
export type ChatMessageType = typeof ChatMessageType.Type

/** A file the server stores for a chat message; its bytes are served to the chat's members at `/api/attachments/{id}`. */
export const AttachmentInfo = Schema.Struct({
  id: AttachmentId,
  /** a safe file name ending in an extension of its type */
  name: Schema.String,
  /** the type sniffed from the content (never only the one the uploader claimed) */
  contentType: Schema.String,
  /** bytes */
  size: Schema.Int.pipe(Schema.nonNegative())
}).annotations({ identifier: "AttachmentInfo" })
export type AttachmentInfo = typeof AttachmentInfo.Type

export class ChatMessage extends Model.Class<ChatMessage>("ChatMessage")({
  id: Model.Generated(ChatMessageId),
  procurementId: ProcurementId,
  /** null for SYSTEM messages */
  userId: Schema.NullOr(UserId),
  type: ChatMessageType,
  text: Schema.String,
  attachmentUrl: Schema.NullOr(Schema.String),
  /** an uploaded file (absent in frames of older servers: null) */
  attachment: Schema.optionalWith(Schema.NullOr(AttachmentInfo), { default: () => null }),
  originPlatform: Schema.NullOr(Platform),
  createdAt: Model.DateTimeInsertFromDate,
  editedAt: Schema.NullOr(Model.DateTimeFromDate),
  deletedAt: Schema.NullOr(Model.DateTimeFromDate),
  deletedBy: Schema.NullOr(UserId)
}) {}

export const NotificationType = Schema.Literal(
  "NEW_CHAT_MESSAGE",
  "PROCUREMENT_STATUS_UPDATE",
  "PAYMENT_REQUIRED",
  "PAYMENT_RECEIVED",
  "PROCUREMENT_COMPLETED",
  "SYSTEM",
  /** to the organizer: someone joined / left their procurement */
  "PARTICIPANT_JOINED",
  "PARTICIPANT_LEFT",
  /** the shop */
  "ORDER_DELIVERED",
  "ORDER_REFUNDED",
  "SUBSCRIPTION_RENEWED",
  "SUBSCRIPTION_RENEWAL_FAILED",
  "SUBSCRIPTION_EXPIRING",
  "SUBSCRIPTION_EXPIRED",
  /** to administrators */
  "LOW_STOCK",
  "WITHDRAWAL_REQUESTED",
  "ROLE_REQUESTED",
  "BOT_FAILOVER",
  /** to the requester */
  "WITHDRAWAL_DECIDED",
  "ROLE_REQUEST_DECIDED",
  "BONUS_GRANTED",
  /** to a referral shop's owner */
  "SHOP_SALE"
)
export type NotificationType = typeof NotificationType.Type

export class Notification extends Model.Class<Notification>("Notification")({
  id: Model.Generated(NotificationId),
  userId: UserId,
  type: NotificationType,
  title: Schema.String,
  body: Schema.String,
  procurementId: Schema.NullOr(ProcurementId),
  data: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  isRead: Schema.Boolean,
  deliveredAt: Schema.NullOr(Model.DateTimeFromDate),
  deliveredPlatform: Schema.NullOr(Platform),
  createdAt: Model.DateTimeInsertFromDate
}) {}

export const ActorKind = Schema.Literal("admin", "user", "system", "service")
export type ActorKind = typeof ActorKind.Type

export class AuditEntry extends Model.Class<AuditEntry>("AuditEntry")({
  id: Model.Generated(AuditEntryId),
  actorId: Schema.NullOr(Schema.String),
  actorKind: ActorKind,
  /** e.g. "user.set_active", "ledger.adjust", "procurement.set_status" */
  action: Schema.String,
  targetType: Schema.NullOr(Schema.String),
  targetId: Schema.NullOr(Schema.String),
  details: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  ip: Schema.NullOr(Schema.String),
  createdAt: Model.DateTimeInsertFromDate
}) {}

/** A chat where a bot announces procurements (`broadcast_channels`). */
export class Channel extends Model.Class<Channel>("Channel")({
  id: Model.Generated(ChannelId),
  botId: Schema.String,
  platform: Platform,
  chatId: Schema.String,
  title: Schema.String,
  language: Language,
  addedBy: Schema.NullOr(UserId),
  createdAt: Model.DateTimeInsertFromDate
}) {}

export class AdminAccount extends Model.Class<AdminAccount>("AdminAccount")({
  id: Model.Generated(AdminId),
  email: Schema.String,
  passwordHash: Model.Sensitive(Schema.String),
  userId: Schema.NullOr(UserId),
  isActive: Schema.Boolean,
  createdAt: Model.DateTimeInsertFromDate,
  lastLoginAt: Schema.NullOr(Model.DateTimeFromDate)
}) {}
