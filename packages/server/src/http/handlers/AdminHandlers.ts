/** The admin API: every state-changing action is written to the audit log with the admin and their address. */
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import {
  ADMIN_SESSION_COOKIE,
  adminSessionSecurity,
  accountRole,
  type Actor,
  Adjustment,
  AuditFilter,
  AddChannel,
  AuditLog,
  type AdminLoginBody,
  type BalanceAdjustmentBody,
  type BulkNotificationBody,
  Categories,
  Channels,
  Chat,
  CreateNotification,
  CurrentAdmin,
  FlagBody,
  GroupBuyApi,
  InvalidInput,
  Ledger,
  MessageFilter,
  NotificationAudience,
  Notifications,
  PaymentFilter,
  Payments,
  ProcurementFilter,
  type ProcurementId,
  type ProcurementStatus,
  Procurements,
  RecordAudit,
  type RoleRequestId,
  RoleRequestFilter,
  RoleRequests,
  systemActor,
  TransactionFilter,
  UserFilter,
  type User,
  userActor,
  type UserId,
  Users
} from "@groupbuy/core"
import { text } from "@groupbuy/router"
import { Effect } from "effect"
import { auditAdminAction } from "../../admin/AdminAudit.js"
import { AdminSessions, SESSION_TTL } from "../../admin/AdminSessions.js"
import { dashboardStats, dashboardTrends } from "../../admin/Dashboard.js"
import { addressKey, SignInThrottle } from "../../auth/SignInThrottle.js"
import { BotStatuses } from "../../bots/BotStatuses.js"
import { WhatsAppAccounts } from "../../bots/WhatsAppAccounts.js"
import { ServerConfig } from "../../config/ServerConfig.js"
import { compact } from "../../internal/Compact.js"
import { clientAddress } from "../ClientAddress.js"
import { withRetryAfter } from "../RetryAfter.js"

type UserPath = { readonly id: UserId }
type ProcurementPath = { readonly id: ProcurementId }

const sessionCookie = Effect.map(HttpServerRequest.HttpServerRequest, (r) => r.cookies[ADMIN_SESSION_COOKIE] ?? "")

export const AdminAuthHandlers = HttpApiBuilder.group(GroupBuyApi, "adminAuth", (handlers) =>
  Effect.gen(function* () {
    const sessions = yield* AdminSessions
    const audit = yield* AuditLog
    const config = yield* ServerConfig
    const throttle = yield* SignInThrottle
    const login = ({ payload }: { readonly payload: AdminLoginBody }) =>
      Effect.gen(function* () {
        const ip = yield* clientAddress
        const attempt = sessions.login(payload.email, payload.password).pipe(
          Effect.tapError(() =>
            audit.record(
              new RecordAudit({
                actorId: null,
                actorKind: "admin",
                action: "admin.login_failed",
                details: { email: payload.email },
                ip
              })
            )
          )
        )
        const session = yield* throttle.guard(
          [
            { scope: "admin-account", id: payload.email.trim().toLowerCase() },
            { scope: "admin-address", id: addressKey(ip) }
          ],
          attempt,
          // a disabled account with the right password is no guess
          (error) => error._tag === "Unauthorized"
        )
        yield* HttpApiBuilder.securitySetCookie(adminSessionSecurity, session.token, {
          httpOnly: true,
          secure: config.cookieSecure,
          sameSite: "strict",
          path: "/api/admin",
          // a Duration: a bare number would be read as milliseconds (Max-Age=43 for 12 hours)
          maxAge: SESSION_TTL
        })
        yield* audit.record(
          new RecordAudit({ actorId: session.admin.id, actorKind: "admin", action: "admin.login", ip })
        )
        return { admin: session.admin, csrfToken: session.csrfToken }
      }).pipe(withRetryAfter)
    return handlers.handle("login", login).handle("authLogin", login)
  })
)

export const AdminHandlers = HttpApiBuilder.group(GroupBuyApi, "admin", (handlers) =>
  Effect.gen(function* () {
    const sessions = yield* AdminSessions
    const auditLog = yield* AuditLog
    const users = yield* Users
    const ledger = yield* Ledger
    const procurements = yield* Procurements
    const payments = yield* Payments
    const categories = yield* Categories
    const chat = yield* Chat
    const notifications = yield* Notifications
    const config = yield* ServerConfig
    const whatsapp = yield* WhatsAppAccounts
    const channels = yield* Channels
    const bots = yield* BotStatuses
    const roleRequests = yield* RoleRequests

    /** Records what the current admin did. */
    const audit = auditAdminAction

    /** A channel names a bot of this server's fleet on its platform: announcements through any other go nowhere. */
    const requireBot = (botId: string, platform: string) =>
      Effect.gen(function* () {
        const fleet = yield* bots.list
        if (fleet.some((bot) => bot.id === botId.trim() && bot.platform === platform)) return
        const known = fleet.map((bot) => `${bot.id} (${bot.platform})`).join(", ")
        return yield* InvalidInput.single(
          "botId",
          "channel.unknown-bot",
          `There is no ${platform} bot “${botId}” on this server. Bots: ${known === "" ? "none" : known}.`,
          `На этом сервере нет бота «${botId}» платформы ${platform}. Боты: ${known === "" ? "нет" : known}.`
        )
      })

    /** Approves or declines a role request; a decision that changed something is audited (a repeat is not). */
    const decideRoleRequest = (id: RoleRequestId, approve: boolean) =>
      Effect.gen(function* () {
        const admin = yield* CurrentAdmin
        const { changed, request } = yield* roleRequests.decide(id, approve, admin.userId)
        if (changed)
          yield* audit(approve ? "role_request.approve" : "role_request.decline", "user", request.userId, {
            requestId: request.id,
            role: request.role
          })
        return request
      })

    /** Admins act in core as their linked user with admin rights, or as the system. */
    const adminActor = Effect.map(CurrentAdmin, (admin): Actor =>
      admin.userId !== null ? userActor(admin.userId, true) : systemActor(`admin ${admin.email}`)
    )

    const logout = () =>
      Effect.gen(function* () {
        yield* sessions.logout(yield* sessionCookie)
        yield* HttpApiBuilder.securitySetCookie(adminSessionSecurity, "", {
          httpOnly: true,
          secure: config.cookieSecure,
          sameSite: "strict",
          path: "/api/admin",
          maxAge: 0
        })
        yield* audit("admin.logout", null, null)
      })
    const status = () =>
      Effect.gen(function* () {
        const session = yield* sessions.authenticate(yield* sessionCookie)
        return { admin: session.admin, csrfToken: session.csrfToken }
      })
    const setUserActive = ({ path, payload }: { readonly path: UserPath; readonly payload: FlagBody }) =>
      Effect.tap(users.setActive(path.id, payload.value), () =>
        audit("user.set_active", "user", path.id, { value: payload.value })
      )
    const setUserVerified = ({ path, payload }: { readonly path: UserPath; readonly payload: FlagBody }) =>
      Effect.tap(users.setVerified(path.id, payload.value), () =>
        audit("user.set_verified", "user", path.id, { value: payload.value })
      )
    /** The specification's toggles: the flag's opposite, through the same handler as setting it. */
    const toggle =
      <A, E, R>(
        current: (user: User) => boolean,
        set: (request: { readonly path: UserPath; readonly payload: FlagBody }) => Effect.Effect<A, E, R>
      ) =>
      ({ path }: { readonly path: UserPath }) =>
        Effect.flatMap(users.get(path.id), (user) => set({ path, payload: new FlagBody({ value: !current(user) }) }))
    const adjustBalance = ({ path, payload }: { readonly path: UserPath; readonly payload: BalanceAdjustmentBody }) =>
      Effect.gen(function* () {
        const admin = yield* CurrentAdmin
        const transaction = yield* ledger.adjust(
          new Adjustment({
            userId: path.id,
            amount: payload.amount,
            type: "ADJUSTMENT",
            reason: payload.reason,
            createdBy: admin.userId
          })
        )
        yield* audit("ledger.adjust", "user", path.id, {
          amount: payload.amount.toString(),
          reason: payload.reason,
          transactionId: transaction.id
        })
        return transaction
      })
    const setProcurementStatus = ({
      path,
      payload
    }: {
      readonly path: ProcurementPath
      readonly payload: { readonly status: ProcurementStatus }
    }) =>
      Effect.gen(function* () {
        const view = yield* procurements.setStatus(yield* adminActor, path.id, payload.status)
        yield* audit("procurement.set_status", "procurement", path.id, { status: payload.status })
        return view
      })
    const setProcurementFeatured = ({
      path,
      payload
    }: {
      readonly path: ProcurementPath
      readonly payload: FlagBody
    }) =>
      Effect.tap(procurements.setFeatured(path.id, payload.value), () =>
        audit("procurement.set_featured", "procurement", path.id, { value: payload.value })
      )
    const bulkNotification = ({ payload: { body, title, ...filters } }: { readonly payload: BulkNotificationBody }) =>
      Effect.gen(function* () {
        const audience = new NotificationAudience(compact(filters))
        const rows = yield* notifications.createMany(audience, { type: "SYSTEM", title, body })
        yield* audit("notification.bulk", null, null, { title, count: rows.length, audience: compact(filters) })
        return { count: rows.length }
      })

    return handlers
      .handle("logout", logout)
      .handle("authLogout", logout)
      .handle("status", status)
      .handle("authStatus", status)
      .handle("dashboard", () => dashboardStats)
      .handle("dashboardTrends", ({ urlParams }) => dashboardTrends(urlParams))
      .handle("users", ({ urlParams }) => users.list(new UserFilter(compact(urlParams))))
      .handle("user", ({ path }) =>
        Effect.gen(function* () {
          const user = yield* users.get(path.id)
          const identities = yield* users.identities(path.id)
          const balance = yield* ledger.balance(path.id)
          return { user, identities, balance, procurements: yield* procurements.forUser(path.id) }
        })
      )
      .handle("setUserRole", ({ path, payload }) =>
        Effect.gen(function* () {
          const admin = yield* CurrentAdmin
          const { after, before } = yield* users.setRole(path.id, payload.role, admin.userId)
          const [from, to] = [accountRole(before), accountRole(after)]
          if (from === to) return after
          yield* audit("user.set_role", "user", path.id, { before: from, after: to })
          const language = after.language
          const roles = { from: text(language, `role.${from}`), to: text(language, `role.${to}`) }
          yield* notifications.create(
            new CreateNotification({
              userId: after.id,
              type: "SYSTEM",
              title: text(language, "notification.roleChanged.title"),
              body: text(language, "notification.roleChanged.body", roles),
              data: { from, to }
            })
          )
          return after
        })
      )
      .handle("setUserActive", setUserActive)
      .handle(
        "toggleUserActive",
        toggle((user) => user.isActive, setUserActive)
      )
      .handle("setUserVerified", setUserVerified)
      .handle(
        "toggleUserVerified",
        toggle((user) => user.isVerified, setUserVerified)
      )
      .handle("adjustBalance", adjustBalance)
      .handle("updateBalance", adjustBalance)
      .handle("procurements", ({ urlParams: { sort, ...filters } }) =>
        procurements.list(new ProcurementFilter(compact({ ...filters, sortBy: sort })))
      )
      .handle("setProcurementStatus", setProcurementStatus)
      .handle("updateProcurementStatus", setProcurementStatus)
      .handle("setProcurementFeatured", setProcurementFeatured)
      .handle("toggleProcurementFeatured", ({ path }) =>
        Effect.flatMap(procurements.get(path.id), (view) =>
          setProcurementFeatured({ path, payload: new FlagBody({ value: !view.procurement.isFeatured }) })
        )
      )
      .handle("procurementParticipants", ({ path }) => procurements.participants(path.id))
      .handle("payments", ({ urlParams }) => payments.list(new PaymentFilter(compact(urlParams))))
      .handle("paymentSummary", ({ urlParams }) => payments.summary(urlParams.days ?? 30))
      .handle("transactions", ({ urlParams }) => ledger.list(new TransactionFilter(compact(urlParams))))
      .handle("categories", () => categories.tree())
      .handle("createCategory", ({ payload }) =>
        Effect.tap(categories.create(payload), (c) =>
          audit("category.create", "category", c.id, { name: c.name, parentId: c.parentId, icon: c.icon })
        )
      )
      .handle("updateCategory", ({ path, payload }) =>
        Effect.tap(categories.update(path.id, payload), () =>
          audit("category.update", "category", path.id, compact({ ...payload }))
        )
      )
      .handle("deleteCategory", ({ path }) =>
        Effect.tap(categories.remove(path.id), () => audit("category.delete", "category", path.id))
      )
      .handle("messages", ({ urlParams }) => chat.list(new MessageFilter(compact(urlParams))))
      .handle("deleteMessage", ({ path }) =>
        Effect.gen(function* () {
          const message = yield* chat.remove(yield* adminActor, path.id).pipe(Effect.catchTag("Forbidden", Effect.die))
          yield* audit("chat.delete", "chat_message", path.id, { procurementId: message.procurementId })
          return message
        })
      )
      .handle("restoreMessage", ({ path }) =>
        Effect.gen(function* () {
          const message = yield* chat.restore(yield* adminActor, path.id).pipe(Effect.catchTag("Forbidden", Effect.die))
          yield* audit("chat.restore", "chat_message", path.id, { procurementId: message.procurementId })
          return message
        })
      )
      .handle("bulkNotification", bulkNotification)
      .handle("sendBulk", bulkNotification)
      .handle("bulkNotificationCount", ({ urlParams }) =>
        Effect.map(notifications.audienceSize(new NotificationAudience(compact(urlParams))), (count) => ({ count }))
      )
      .handle("audit", ({ urlParams }) => auditLog.list(new AuditFilter(compact(urlParams))))
      .handle("channels", () => channels.list())
      .handle("addChannel", ({ payload }) =>
        Effect.gen(function* () {
          const admin = yield* CurrentAdmin
          const { language, ...fields } = payload
          yield* requireBot(payload.botId, payload.platform)
          const channel = yield* channels.add(
            new AddChannel({ ...fields, ...(language === undefined ? {} : { language }), addedBy: admin.userId })
          )
          yield* audit("channel.add", "broadcast_channel", channel.id, {
            botId: channel.botId,
            platform: channel.platform,
            chatId: channel.chatId,
            title: channel.title
          })
          return channel
        })
      )
      .handle("removeChannel", ({ path }) =>
        Effect.gen(function* () {
          const channel = yield* channels.remove(path.id)
          yield* audit("channel.remove", "broadcast_channel", channel.id, {
            botId: channel.botId,
            chatId: channel.chatId,
            title: channel.title
          })
        })
      )
      .handle("bots", () => bots.list)
      .handle("roleRequests", ({ urlParams }) => roleRequests.list(new RoleRequestFilter(compact(urlParams))))
      .handle("approveRoleRequest", ({ path }) => decideRoleRequest(path.id, true))
      .handle("declineRoleRequest", ({ path }) => decideRoleRequest(path.id, false))
      .handle("whatsappAccounts", () => whatsapp.list)
      .handle("whatsappAccount", ({ path }) => whatsapp.status(path.account))
      .handle("whatsappPairingCode", ({ path, payload }) =>
        Effect.tap(whatsapp.requestPairingCode(path.account, payload.phone), (pairing) =>
          audit("whatsapp.pairing_code", "whatsapp_account", path.account, { phone: pairing.phone })
        )
      )
      .handle("whatsappLogin", ({ path }) =>
        Effect.tap(whatsapp.login(path.account), () => audit("whatsapp.login", "whatsapp_account", path.account))
      )
      .handle("whatsappLogout", ({ path }) =>
        Effect.tap(whatsapp.logout(path.account), () => audit("whatsapp.logout", "whatsapp_account", path.account))
      )
  })
)
