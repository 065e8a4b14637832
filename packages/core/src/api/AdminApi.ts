/**
 * The admin API (`/api/admin/...`): session login with a CSRF token, dashboard statistics, and management of users,
 * procurements, payments, transactions, categories, chat messages and bulk notifications. Every change is audited.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { CreateCategory, UpdateCategory } from "../Categories.js"
import { AddChannel } from "../Channels.js"
import { Forbidden, IllegalTransition, InsufficientFunds, InvalidInput, NotFound, RuleViolation } from "../Errors.js"
import {
  CategoryId,
  ChannelId,
  ChatMessageId,
  Language,
  Platform,
  ProcurementId,
  RoleRequestId,
  UserId
} from "../Ids.js"
import {
  AuditEntry,
  Category,
  Channel,
  PaymentStatus,
  ProcurementStatus,
  Role,
  Transaction,
  TransactionType,
  User
} from "../Models.js"
import { Kopecks } from "../Money.js"
import { TooManyRequests, Unauthorized } from "./Security.js"
import {
  BooleanParam,
  CategoryNodeJson,
  CommaSeparated,
  PageParams,
  ParticipantViewJson,
  ProcurementViewJson,
  PlatformIdentityJson,
  PaymentJson,
  ChatMessageJson,
  MyProcurementsJson
} from "./Dto.js"
import { PaymentListParams } from "./PaymentsApi.js"
import { UserListParams } from "./UsersApi.js"
import { AccountRole, UserSortColumn } from "../Users.js"
import { FromParam, SortParam, ToParam } from "./ListParams.js"
import { AuditSortColumn } from "../AuditLog.js"
import { MessageSortColumn } from "../Chat.js"
import { TransactionSortColumn } from "../Ledger.js"
import { PaymentSortColumn } from "../Payments.js"
import { ProcurementSortColumn } from "../Procurements.js"
import { pageEndpoint } from "./PageEndpoint.js"
import { specAlias } from "./SpecAlias.js"
import { RoleRequestJson, RoleRequestStatus } from "../RoleRequests.js"
import * as Refusals from "./Refusals.js"
import { AdminAuthentication, AdminIdentity } from "./Security.js"

export class AdminLoginBody extends Schema.Class<AdminLoginBody>("AdminLoginBody")({
  email: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(320)),
  password: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024))
}) {}

/** The signed-in admin and the CSRF token to send as `x-csrf-token` on every change. */
export const AdminSessionInfo = Schema.Struct({ admin: AdminIdentity, csrfToken: Schema.String })

const Count = Schema.NonNegativeInt
const Amount = Kopecks

export const DashboardStats = Schema.Struct({
  users: Schema.Struct({
    total: Count,
    byRole: Schema.Array(Schema.Struct({ role: Role, count: Count })),
    byPlatform: Schema.Array(Schema.Struct({ platform: Platform, count: Count })),
    newToday: Count,
    newWeek: Count,
    newMonth: Count
  }),
  procurements: Schema.Struct({
    total: Count,
    byStatus: Schema.Array(Schema.Struct({ status: ProcurementStatus, count: Count })),
    active: Count,
    /** COMPLETED / (COMPLETED + CANCELLED), 0..1; 0 when none finished */
    completionRate: Schema.Number
  }),
  payments: Schema.Struct({
    /** Σ succeeded deposits */
    revenue: Amount,
    byStatus: Schema.Array(Schema.Struct({ status: PaymentStatus, count: Count, amount: Amount })),
    byDay: Schema.Array(Schema.Struct({ day: Schema.String, count: Count, amount: Amount }))
  }),
  messages: Schema.Struct({ total: Count, today: Count }),
  notifications: Schema.Struct({ total: Count, unread: Count })
})
export type DashboardStats = typeof DashboardStats.Type

/** The activity of a period, one bucket per day / week / month, empty buckets included. */
export const DashboardTrends = Schema.Struct({
  period: Schema.Literal("day", "week", "month"),
  from: Schema.DateTimeUtc,
  to: Schema.DateTimeUtc,
  buckets: Schema.Array(
    Schema.Struct({
      /** `2026-12-04` (day), `2026-W49` (ISO week), `2026-12` (month); UTC */
      label: Schema.String,
      /** the bucket's first instant (UTC) */
      start: Schema.DateTimeUtc,
      registrations: Count,
      procurementsCreated: Count,
      /** procurements COMPLETED, by their last change */
      procurementsCompleted: Count,
      /** succeeded payments, by when they were settled */
      paymentsSucceeded: Count,
      paymentsAmount: Amount,
      messages: Count,
      notifications: Count
    })
  )
})
export type DashboardTrends = typeof DashboardTrends.Type

/** The dashboard's period: bucket size and range (the last 30 days by day when not given). */
export const DashboardParams = Schema.Struct({
  period: Schema.optional(Schema.Literal("day", "week", "month")),
  from: Schema.optional(FromParam),
  to: Schema.optional(ToParam)
})

export const AdminUserDetails = Schema.Struct({
  user: User.json,
  identities: Schema.Array(PlatformIdentityJson),
  balance: Kopecks,
  /** the procurements they organize, and those they take part in (not cancelled) with their participation */
  procurements: MyProcurementsJson
})

/** The users grid: the users' own list filters, and `sort`. */
export const AdminUserParams = Schema.Struct({
  ...UserListParams.fields,
  sort: Schema.optional(SortParam(UserSortColumn))
})

/** `admin` gives admin rights (the role stays); another role replaces the role and takes admin rights away. */
export class RoleBody extends Schema.Class<RoleBody>("RoleBody")({ role: AccountRole }) {}

export class FlagBody extends Schema.Class<FlagBody>("FlagBody")({ value: Schema.Boolean }) {}

export class BalanceAdjustmentBody extends Schema.Class<BalanceAdjustmentBody>("BalanceAdjustmentBody")({
  /** signed kopecks */
  amount: Kopecks,
  reason: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(500))
}) {}

export const AdminProcurementParams = Schema.Struct({
  ...PageParams,
  status: Schema.optional(CommaSeparated(ProcurementStatus)),
  categoryId: Schema.optional(CategoryId),
  city: Schema.optional(Schema.String),
  featured: Schema.optional(BooleanParam),
  query: Schema.optional(Schema.String),
  /** one user's organized procurements (the user page), paged */
  organizerId: Schema.optional(UserId),
  /** the procurements one user supplies */
  supplierId: Schema.optional(UserId),
  sort: Schema.optional(SortParam(ProcurementSortColumn))
})

/** The payments grid: the users' own payment filters, `sort` and a `from` / `to` range of `createdAt`. */
export const AdminPaymentParams = Schema.Struct({
  ...PaymentListParams.fields,
  sort: Schema.optional(SortParam(PaymentSortColumn)),
  from: Schema.optional(FromParam),
  to: Schema.optional(ToParam)
})

export const AdminTransactionParams = Schema.Struct({
  ...PageParams,
  userId: Schema.optional(UserId),
  type: Schema.optional(TransactionType),
  sort: Schema.optional(SortParam(TransactionSortColumn)),
  from: Schema.optional(FromParam),
  to: Schema.optional(ToParam)
})

export const AdminMessageParams = Schema.Struct({
  ...PageParams,
  procurementId: Schema.optional(ProcurementId),
  userId: Schema.optional(UserId),
  query: Schema.optional(Schema.String),
  includeDeleted: Schema.optional(BooleanParam),
  sort: Schema.optional(SortParam(MessageSortColumn))
})

export const AdminAuditParams = Schema.Struct({
  ...PageParams,
  actorId: Schema.optional(Schema.String),
  action: Schema.optional(Schema.String),
  targetType: Schema.optional(Schema.String),
  targetId: Schema.optional(Schema.String),
  sort: Schema.optional(SortParam(AuditSortColumn)),
  from: Schema.optional(FromParam),
  to: Schema.optional(ToParam)
})

/** Whom a bulk notification reaches: every filter given must match; active accounts unless `isActive` says. */
export const BulkAudienceParams = Schema.Struct({
  role: Schema.optional(AccountRole),
  platform: Schema.optional(Platform),
  isActive: Schema.optional(BooleanParam),
  isVerified: Schema.optional(BooleanParam)
})

export class BulkNotificationBody extends Schema.Class<BulkNotificationBody>("BulkNotificationBody")({
  title: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)),
  body: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(4000)),
  role: Schema.optional(AccountRole),
  platform: Schema.optional(Platform),
  isActive: Schema.optional(Schema.Boolean),
  isVerified: Schema.optional(Schema.Boolean)
}) {}

const UserPath = Schema.Struct({ id: UserId })
const ProcurementPath = Schema.Struct({ id: ProcurementId })
const CategoryPath = Schema.Struct({ id: CategoryId })
const MessagePath = Schema.Struct({ id: ChatMessageId })

/** A chat to announce procurements in (who added it is the admin's linked account, when there is one). */
export class AddChannelBody extends Schema.Class<AddChannelBody>("AddChannelBody")({
  botId: AddChannel.fields.botId,
  platform: AddChannel.fields.platform,
  chatId: AddChannel.fields.chatId,
  title: AddChannel.fields.title,
  /** the language of announcements there; Russian when not given */
  language: Schema.optional(Language)
}) {}

const ChannelPath = Schema.Struct({ id: ChannelId })

/** Where a WhatsApp account's login stands (the adapter's status, for the admin panel). */
export const WhatsAppLoginState = Schema.Literal(
  "connecting",
  "awaiting_qr",
  "awaiting_pairing_code",
  "open",
  "reconnecting",
  "logged_out",
  "stopped"
)
export type WhatsAppLoginState = typeof WhatsAppLoginState.Type

export const WhatsAppAccountStatus = Schema.Struct({
  account: Schema.String,
  state: WhatsAppLoginState,
  /** `awaiting_qr`: the QR payload to scan in WhatsApp → Linked devices, and the same QR rendered as SVG markup */
  qr: Schema.optional(Schema.String),
  qrSvg: Schema.optional(Schema.String),
  /** `awaiting_pairing_code`: type `code` in WhatsApp → Linked devices → Link with phone number */
  pairing: Schema.optional(Schema.Struct({ phone: Schema.String, code: Schema.String })),
  /** `reconnecting`: the attempt, the delay before it and why the connection closed */
  reconnect: Schema.optional(Schema.Struct({ attempt: Count, delayMs: Count, reason: Schema.String })),
  outbound: Schema.Struct({ sent: Count, failed: Count, pending: Count })
})
export type WhatsAppAccountStatus = typeof WhatsAppAccountStatus.Type

/** A phone number in international format: 10–15 digits, country code first; spaces, dashes, brackets and a leading + allowed. */
export class PairingCodeBody extends Schema.Class<PairingCodeBody>("PairingCodeBody")({
  phone: Schema.String.pipe(
    Schema.filter((s) => /^\+?[\d\s()-]+$/.test(s) && /^\d{10,15}$/.test(s.replace(/\D/g, "")), {
      message: () => "a phone number with country code, 10–15 digits, e.g. +7 912 345-67-89"
    })
  )
}) {}

/** A bot this server runs: its health from the adapters' reports and its outbound queue. */
export const BotStatus = Schema.Struct({
  /** the fleet id (`telegram`, `vk`, `whatsapp`, `web`) */
  id: Schema.String,
  platform: Platform,
  /** the bot's @username / community screen name when the platform has one */
  username: Schema.NullOr(Schema.String),
  /** `unhealthy`: the platform refused the token or was unreachable repeatedly; `stopped`: shut down */
  state: Schema.Literal("running", "unhealthy", "stopped"),
  startedAt: Schema.DateTimeUtc,
  /** the last health failure: `unauthorized` or `network`, the platform's words, when */
  lastError: Schema.NullOr(Schema.Struct({ reason: Schema.String, detail: Schema.String, at: Schema.DateTimeUtc })),
  /** messages sent / failed / waiting / retried since start (null when stopped) */
  outbound: Schema.NullOr(Schema.Struct({ sent: Count, failed: Count, pending: Count, retried: Count }))
})
export type BotStatus = typeof BotStatus.Type

const WhatsAppPath = Schema.Struct({ account: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/)) })

/** `POST /whatsapp/:account/<action>`: the account may be unknown here, or not in a state the action applies to. */
const whatsappAction = <const Name extends string>(name: Name, action: string) =>
  HttpApiEndpoint.post(name, `/whatsapp/:account/${action}`)
    .setPath(WhatsAppPath)
    .addError(NotFound)
    .addError(RuleViolation)

/** `PUT /users/:id/<flag>` with `{ value }`: switches one flag of an account. */
const setUserFlag = <const Name extends string>(name: Name, flag: string) =>
  HttpApiEndpoint.put(name, `/users/:id/${flag}`)
    .setPath(UserPath)
    .setPayload(FlagBody)
    .addSuccess(User.json)
    .addError(NotFound)

/** A role request with the requester's name and current role. */
export const RoleRequestViewJson = Schema.Struct({
  request: RoleRequestJson,
  user: Schema.Struct({
    firstName: Schema.String,
    lastName: Schema.NullOr(Schema.String),
    username: Schema.NullOr(Schema.String),
    currentRole: Role
  })
})

export const AdminRoleRequestParams = Schema.Struct({
  ...PageParams,
  status: Schema.optional(RoleRequestStatus),
  userId: Schema.optional(UserId)
})

/** `POST /role-requests/:id/<decision>`: the request may be unknown, or decided the other way already. */
const roleDecision = <const Name extends string>(name: Name, decision: string) =>
  HttpApiEndpoint.post(name, `/role-requests/:id/${decision}`)
    .setPath(Schema.Struct({ id: RoleRequestId }))
    .addSuccess(RoleRequestJson)
    .addError(NotFound)
    .addError(RuleViolation)

/** `POST /users/:id/<toggle>` without a body: switches one flag of an account to its opposite. */
const toggleUserFlag = <const Name extends string>(name: Name, toggle: string, canonical: string) =>
  HttpApiEndpoint.post(name, `/users/:id/${toggle}`)
    .setPath(UserPath)
    .addSuccess(User.json)
    .addError(NotFound)
    .pipe(
      specAlias(
        `Switch the account's ${toggle.replace("toggle_", "")} flag`,
        canonical,
        "Without a body: the flag is switched to its opposite."
      )
    )

/** Login needs no session; everything else is in `AdminApi`. */
export class AdminAuthApi extends HttpApiGroup.make("adminAuth")
  .add(
    HttpApiEndpoint.post("login", "/login")
      .annotate(OpenApi.Summary, "Sign in to the admin panel")
      .annotate(
        OpenApi.Description,
        "Email and password: sets the HttpOnly session cookie and answers the CSRF token to send as " +
          "`x-csrf-token` on every change. 401 for a wrong email or password, 403 for a disabled admin, 429 after " +
          "too many attempts (Retry-After)."
      )
      .setPayload(AdminLoginBody)
      .addSuccess(AdminSessionInfo)
      .addError(Unauthorized)
      .addError(Forbidden)
      .addError(TooManyRequests)
  )
  .add(
    HttpApiEndpoint.post("authLogin", "/auth")
      .setPayload(AdminLoginBody)
      .addSuccess(AdminSessionInfo)
      .addError(Unauthorized)
      .addError(Forbidden)
      .addError(TooManyRequests)
      .pipe(specAlias("Sign in", "POST /admin/login"))
  )
  .prefix("/admin") {}

export class AdminApi extends HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.post("logout", "/logout")
      .annotate(OpenApi.Summary, "Sign out of the admin panel")
      .annotate(OpenApi.Description, "Ends the session and clears its cookie; audited.")
      .addSuccess(HttpApiSchema.NoContent)
  )
  .add(
    HttpApiEndpoint.get("status", "/status")
      .annotate(OpenApi.Summary, "The admin session")
      .annotate(OpenApi.Description, "The signed-in admin and the CSRF token; 401 without a valid session.")
      .addSuccess(AdminSessionInfo)
  )
  .add(
    HttpApiEndpoint.get("dashboard", "/dashboard")
      .annotate(OpenApi.Summary, "Dashboard statistics")
      .annotate(
        OpenApi.Description,
        "Users by role and platform and new ones, procurements by status and the completion rate, payments " +
          "(revenue in kopecks, by status and by day), messages and notifications."
      )
      .addSuccess(DashboardStats)
  )
  .add(
    HttpApiEndpoint.get("dashboardTrends", "/dashboard/trends")
      .setUrlParams(DashboardParams)
      .addSuccess(DashboardTrends)
      .addError(InvalidInput)
      .annotate(OpenApi.Summary, "Activity trends for the dashboard")
      .annotate(
        OpenApi.Description,
        "Registrations, procurements created / completed, succeeded payments (count, amount), chat messages and " +
          "notifications per `period` (day, week or month; UTC) between `from` and `to` (default: the last 30 days " +
          "by day). Every bucket is present, zeros included; at most 1000 buckets."
      )
  )
  // users
  .add(
    pageEndpoint("users", "/users", AdminUserParams, User.json)
      .annotate(OpenApi.Summary, "Users, filtered, searched and ordered")
      .annotate(
        OpenApi.Description,
        `Searches name, username, email, phone and platform ids; \`sort\` orders by one of ${UserSortColumn.literals.join(", ")} (newest first by default).`
      )
  )
  .add(
    HttpApiEndpoint.get("user", "/users/:id")
      .setPath(UserPath)
      .addSuccess(AdminUserDetails)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "A user's page")
      .annotate(
        OpenApi.Description,
        "The profile, linked platforms, balance, the procurements they organize and their participations " +
          "(procurement, quantity, amount, participation status). Paged lists: `/procurements?organizerId=`, " +
          "`/transactions?userId=` (each row with `balanceAfter`), `/payments?userId=`."
      )
  )
  .add(
    HttpApiEndpoint.put("setUserRole", "/users/:id/role")
      .setPath(UserPath)
      .setPayload(RoleBody)
      .addSuccess(User.json)
      .addError(NotFound)
      .addError(RuleViolation)
      .annotate(OpenApi.Summary, "Change a user's role")
      .annotate(
        OpenApi.Description,
        "buyer / organizer / supplier replace the role (and take admin rights away); admin gives admin rights. " +
          "409 role.last-admin when the last active admin would lose them, role.self-demotion for one's own account. " +
          "Audited with the role before and after; the user is notified in their language."
      )
  )
  .add(
    setUserFlag("setUserActive", "active")
      .annotate(OpenApi.Summary, "Block or unblock a user")
      .annotate(OpenApi.Description, "`value: false` blocks the account (its sessions lose access at once); audited.")
  )
  .add(
    setUserFlag("setUserVerified", "verified")
      .annotate(OpenApi.Summary, "Mark a user verified")
      .annotate(OpenApi.Description, "Sets or clears the verified flag; audited.")
  )
  .add(
    HttpApiEndpoint.post("adjustBalance", "/users/:id/balance")
      .annotate(OpenApi.Summary, "Credit or debit a balance")
      .annotate(
        OpenApi.Description,
        "A signed `amount` in kopecks (a string; negative debits) with a reason, written as one ADJUSTMENT " +
          "transaction; audited. 409 InsufficientFunds when a debit exceeds the balance; 400 with readable issues."
      )
      .setPath(UserPath)
      .setPayload(BalanceAdjustmentBody)
      .addSuccess(Transaction.json, { status: 201 })
      .addError(InsufficientFunds)
      .pipe(Refusals.rejected)
  )
  // procurements
  .add(
    pageEndpoint("procurements", "/procurements", AdminProcurementParams, ProcurementViewJson)
      .annotate(OpenApi.Summary, "Procurements, filtered and ordered")
      .annotate(
        OpenApi.Description,
        `\`sort\` orders by one of ${ProcurementSortColumn.literals.join(", ")} (featured, then newest first by default).`
      )
  )
  .add(
    HttpApiEndpoint.post("setProcurementStatus", "/procurements/:id/status")
      .annotate(OpenApi.Summary, "Move a procurement's status")
      .annotate(
        OpenApi.Description,
        "As the organizer's status change, by an administrator; audited. 409 IllegalTransition names the allowed " +
          "moves."
      )
      .setPath(ProcurementPath)
      .setPayload(Schema.Struct({ status: ProcurementStatus }))
      .addSuccess(ProcurementViewJson)
      .addError(IllegalTransition)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.put("setProcurementFeatured", "/procurements/:id/featured")
      .annotate(OpenApi.Summary, "Feature a procurement")
      .annotate(OpenApi.Description, "Featured procurements are marked and listed first; audited.")
      .setPath(ProcurementPath)
      .setPayload(FlagBody)
      .addSuccess(ProcurementViewJson)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("procurementParticipants", "/procurements/:id/participants")
      .annotate(OpenApi.Summary, "A procurement's participants")
      .annotate(OpenApi.Description, "Each participant with their name, quantity, amount in kopecks and status.")
      .setPath(ProcurementPath)
      .addSuccess(Schema.Array(ParticipantViewJson))
      .addError(NotFound)
  )
  // payments and the ledger
  // the same filters as the users' own payment list; the admin sees everyone's
  .add(
    pageEndpoint("payments", "/payments", AdminPaymentParams, PaymentJson)
      .annotate(OpenApi.Summary, "Everyone's payments, filtered and ordered")
      .annotate(
        OpenApi.Description,
        "`from` / `to` bound `createdAt` (ISO date = the whole UTC day, or date-time; both included); " +
          `\`sort\` orders by one of ${PaymentSortColumn.literals.join(", ")} (newest first by default).`
      )
  )
  .add(
    HttpApiEndpoint.get("paymentSummary", "/payments/summary")
      .annotate(OpenApi.Summary, "Payment summary")
      .annotate(
        OpenApi.Description,
        "Payments by status and by day (count and amount in kopecks) over the last `days` (30 by default, at most " +
          "366)."
      )
      .setUrlParams(
        Schema.Struct({ days: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 366))) })
      )
      .addSuccess(
        Schema.Struct({
          byStatus: Schema.Array(Schema.Struct({ status: PaymentStatus, count: Count, amount: Amount })),
          byDay: Schema.Array(Schema.Struct({ day: Schema.String, count: Count, amount: Amount }))
        })
      )
  )
  .add(
    pageEndpoint("transactions", "/transactions", AdminTransactionParams, Transaction.json)
      .annotate(OpenApi.Summary, "The transaction journal")
      .annotate(
        OpenApi.Description,
        "Each row carries `balanceAfter`, the user's balance after it (filter by `userId` for one user's history). " +
          "`from` / `to` bound `createdAt` (ISO date = the whole UTC day, or date-time; both included); " +
          `\`sort\` orders by one of ${TransactionSortColumn.literals.join(", ")} (newest first by default).`
      )
  )
  // categories
  .add(
    HttpApiEndpoint.get("categories", "/categories")
      .annotate(OpenApi.Summary, "Categories")
      .annotate(OpenApi.Description, "Every category as a tree, for the category editor.")
      .addSuccess(Schema.Array(CategoryNodeJson))
  )
  .add(
    HttpApiEndpoint.post("createCategory", "/categories")
      .annotate(OpenApi.Summary, "Create a category")
      .annotate(
        OpenApi.Description,
        "A name (unique among its siblings: 409 category.duplicate), an optional parent, icon, description and " +
          "order; audited."
      )
      .setPayload(CreateCategory)
      .addSuccess(Category.json, { status: 201 })
      .addError(RuleViolation)
      .pipe(Refusals.rejected)
  )
  .add(
    HttpApiEndpoint.patch("updateCategory", "/categories/:id")
      .annotate(OpenApi.Summary, "Edit a category")
      .annotate(OpenApi.Description, "Rename, move (409 category.cycle when under itself), reorder; audited.")
      .setPath(CategoryPath)
      .setPayload(UpdateCategory)
      .addSuccess(Category.json)
      .addError(RuleViolation)
      .pipe(Refusals.rejected)
  )
  .add(
    HttpApiEndpoint.del("deleteCategory", "/categories/:id")
      .annotate(OpenApi.Summary, "Delete a category")
      .annotate(
        OpenApi.Description,
        "409 category.has-children while it has subcategories; 404 when there is none. Audited."
      )
      .setPath(CategoryPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
      .addError(RuleViolation)
  )
  // chat messages
  .add(
    pageEndpoint("messages", "/messages", AdminMessageParams, ChatMessageJson)
      .annotate(OpenApi.Summary, "Chat messages across procurements")
      .annotate(
        OpenApi.Description,
        "`query` searches the text (Russian stemming); `includeDeleted=true` shows soft-deleted ones; " +
          `\`sort\` orders by one of ${MessageSortColumn.literals.join(", ")} (newest first by default).`
      )
  )
  .add(
    HttpApiEndpoint.del("deleteMessage", "/messages/:id")
      .annotate(OpenApi.Summary, "Delete a chat message")
      .annotate(
        OpenApi.Description,
        "Moderation: the message is soft-deleted (shown as deleted to members, restorable); audited."
      )
      .setPath(MessagePath)
      .addSuccess(ChatMessageJson)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("restoreMessage", "/messages/:id/restore")
      .annotate(OpenApi.Summary, "Restore a deleted chat message")
      .annotate(OpenApi.Description, "Undoes a moderation deletion; audited.")
      .setPath(MessagePath)
      .addSuccess(ChatMessageJson)
      .addError(NotFound)
  )
  // notifications and the audit log
  .add(
    HttpApiEndpoint.post("bulkNotification", "/notifications/bulk")
      .setPayload(BulkNotificationBody)
      .addSuccess(Schema.Struct({ count: Count }), { status: 201 })
      .annotate(OpenApi.Summary, "Send a notification to every user, or a filtered set")
      .annotate(
        OpenApi.Description,
        "Optional filters (all must match): role (buyer / organizer / supplier / admin), platform, isActive " +
          "(active accounts only unless given), isVerified. Each recipient gets a SYSTEM notification, delivered to " +
          "their most recently used platform. Answers how many were created; audited."
      )
  )
  .add(
    HttpApiEndpoint.get("bulkNotificationCount", "/notifications/bulk/count")
      .setUrlParams(BulkAudienceParams)
      .addSuccess(Schema.Struct({ count: Count }))
      .annotate(OpenApi.Summary, "How many users a bulk notification would reach")
      .annotate(OpenApi.Description, "The same filters as `POST /notifications/bulk`, as URL parameters.")
  )
  .add(
    pageEndpoint("audit", "/audit", AdminAuditParams, AuditEntry.json)
      .annotate(OpenApi.Summary, "The audit log")
      .annotate(
        OpenApi.Description,
        "Who did what: filter by actor, action and target; `from` / `to` bound the time (ISO date = the whole UTC " +
          `day, or date-time; both included); \`sort\` orders by one of ${AuditSortColumn.literals.join(", ")} ` +
          "(newest first by default)."
      )
  )
  // chats where bots announce procurements (/broadcast)
  .add(
    HttpApiEndpoint.get("channels", "/channels")
      .annotate(OpenApi.Summary, "Announcement channels")
      .annotate(OpenApi.Description, "The chats where bots announce procurements on /broadcast, oldest first.")
      .addSuccess(Schema.Array(Channel.json))
  )
  .add(
    HttpApiEndpoint.post("addChannel", "/channels")
      .setPayload(AddChannelBody)
      .addSuccess(Channel.json, { status: 201 })
      .addError(RuleViolation)
      .addError(InvalidInput)
      .annotate(OpenApi.Summary, "Connect a chat where a bot announces procurements")
      .annotate(
        OpenApi.Description,
        "`botId` is the fleet id of a bot this server runs on `platform` (see GET /bots); 400 channel.unknown-bot " +
          "names the bots there are. 409 channel.duplicate when the chat is already connected to that bot. Audited."
      )
  )
  .add(
    HttpApiEndpoint.del("removeChannel", "/channels/:id")
      .annotate(OpenApi.Summary, "Disconnect a channel")
      .annotate(OpenApi.Description, "The bot stops announcing there; the chat itself is untouched. Audited.")
      .setPath(ChannelPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("bots", "/bots")
      .addSuccess(Schema.Array(BotStatus))
      .annotate(OpenApi.Summary, "The bots this server runs")
      .annotate(
        OpenApi.Description,
        "Every bot started here (Telegram, VK, WhatsApp, the web widget): platform, fleet id, username, state " +
          "(running / unhealthy / stopped) from the adapters' health reports, the last error and when, and the " +
          "outbound queue's figures. WhatsApp login is under /whatsapp."
      )
  )
  // the specification's names for the operations above (SpecAlias.ts)
  .add(
    HttpApiEndpoint.get("authStatus", "/auth")
      .addSuccess(AdminSessionInfo)
      .pipe(specAlias("The session", "GET /admin/status"))
  )
  .add(
    HttpApiEndpoint.del("authLogout", "/auth")
      .addSuccess(HttpApiSchema.NoContent)
      .pipe(specAlias("Sign out", "POST /admin/logout"))
  )
  .add(toggleUserFlag("toggleUserActive", "toggle_active", "PUT /admin/users/{id}/active"))
  .add(toggleUserFlag("toggleUserVerified", "toggle_verified", "PUT /admin/users/{id}/verified"))
  .add(
    HttpApiEndpoint.post("updateBalance", "/users/:id/update_balance")
      .setPath(UserPath)
      .setPayload(BalanceAdjustmentBody)
      .addSuccess(Transaction.json, { status: 201 })
      .addError(InsufficientFunds)
      .pipe(Refusals.rejected, specAlias("Credit or debit a balance", "POST /admin/users/{id}/balance"))
  )
  .add(
    HttpApiEndpoint.post("updateProcurementStatus", "/procurements/:id/update_status")
      .setPath(ProcurementPath)
      .setPayload(Schema.Struct({ status: ProcurementStatus }))
      .addSuccess(ProcurementViewJson)
      .addError(IllegalTransition)
      .addError(NotFound)
      .pipe(specAlias("Move a procurement's status", "POST /admin/procurements/{id}/status"))
  )
  .add(
    HttpApiEndpoint.post("toggleProcurementFeatured", "/procurements/:id/toggle_featured")
      .setPath(ProcurementPath)
      .addSuccess(ProcurementViewJson)
      .addError(NotFound)
      .pipe(
        specAlias(
          "Feature or unfeature a procurement",
          "PUT /admin/procurements/{id}/featured",
          "Without a body: the flag is switched to its opposite."
        )
      )
  )
  .add(
    HttpApiEndpoint.post("sendBulk", "/notifications/send_bulk")
      .setPayload(BulkNotificationBody)
      .addSuccess(Schema.Struct({ count: Count }), { status: 201 })
      .pipe(specAlias("Send a bulk notification", "POST /admin/notifications/bulk"))
  )
  // role requests (a buyer asks to become an organizer or a supplier)
  .add(
    pageEndpoint("roleRequests", "/role-requests", AdminRoleRequestParams, RoleRequestViewJson)
      .annotate(OpenApi.Summary, "Role requests")
      .annotate(
        OpenApi.Description,
        "Requests to become an organizer or a supplier, oldest first, with the requester's name and current role. " +
          "`status` is PENDING unless given (APPROVED, DECLINED); `userId` narrows to one account."
      )
  )
  .add(
    roleDecision("approveRoleRequest", "approve")
      .annotate(OpenApi.Summary, "Approve a role request")
      .annotate(
        OpenApi.Description,
        "The account gets the requested role in the same transaction (admin rights, if any, stay). Approving an " +
          "approved request again changes nothing; 409 role-request.decided when it was declined. Audited; the user " +
          "is notified in their language."
      )
  )
  .add(
    roleDecision("declineRoleRequest", "decline")
      .annotate(OpenApi.Summary, "Decline a role request")
      .annotate(
        OpenApi.Description,
        "The role stays as it is. Declining a declined request again changes nothing; 409 role-request.decided when " +
          "it was approved. Audited; the user is notified in their language."
      )
  )
  // WhatsApp accounts of this server: login by QR code or pairing code, logout
  .add(
    HttpApiEndpoint.get("whatsappAccounts", "/whatsapp")
      .annotate(OpenApi.Summary, "WhatsApp accounts")
      .annotate(OpenApi.Description, "Each WhatsApp account of this server with its login state and outbound queue.")
      .addSuccess(Schema.Array(WhatsAppAccountStatus))
  )
  .add(
    HttpApiEndpoint.get("whatsappAccount", "/whatsapp/:account")
      .annotate(OpenApi.Summary, "A WhatsApp account")
      .annotate(
        OpenApi.Description,
        "Its login state: the QR code to scan, the pairing code, reconnect attempts; 404 for an unknown account."
      )
      .setPath(WhatsAppPath)
      .addSuccess(WhatsAppAccountStatus)
      .addError(NotFound)
  )
  .add(
    whatsappAction("whatsappPairingCode", "pairing-code")
      .annotate(OpenApi.Summary, "Log a WhatsApp account in by phone")
      .annotate(
        OpenApi.Description,
        "Asks WhatsApp for a pairing code for `phone` (with the country code), to type in WhatsApp → Linked " +
          "devices; audited. 404 for an unknown account, 409 when it is not waiting for a login."
      )
      .setPayload(PairingCodeBody)
      .addSuccess(Schema.Struct({ phone: Schema.String, code: Schema.String }))
  )
  .add(
    whatsappAction("whatsappLogin", "login")
      .annotate(OpenApi.Summary, "Start a WhatsApp login")
      .annotate(
        OpenApi.Description,
        "Starts (or restarts) the login of the account: a QR code follows in its status; audited."
      )
      .addSuccess(WhatsAppAccountStatus, { status: 202 })
  )
  .add(
    whatsappAction("whatsappLogout", "logout")
      .annotate(OpenApi.Summary, "Log a WhatsApp account out")
      .annotate(OpenApi.Description, "Unlinks the device and forgets its credentials; audited.")
      .addSuccess(HttpApiSchema.NoContent)
  )
  .middleware(AdminAuthentication)
  .prefix("/admin") {}
