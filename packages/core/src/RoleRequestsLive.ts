/** `RoleRequests` over PostgreSQL (`role_requests`); events are published after the transaction commits. */
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Schema } from "effect"
import { NotFound, RuleViolation } from "./Errors.js"
import { DomainEvents } from "./Events.js"
import { RoleRequestId, UserId } from "./Ids.js"
import { decodeRows, orDie } from "./internal/people/Sql.js"
import { Role } from "./Models.js"
import {
  type RequestableRole,
  RoleRequest,
  RoleRequestFilter,
  RoleRequests,
  type RoleRequestView
} from "./RoleRequests.js"

const roleName = { organizer: ["an organizer", "организатором"], supplier: ["a supplier", "поставщиком"] } as const

const Refusal = {
  inactive: () =>
    new RuleViolation({
      code: "role-request.inactive",
      en: "Your account is blocked, so it cannot ask for a role.",
      ru: "Ваш аккаунт заблокирован, поэтому запросить роль нельзя.",
      params: {}
    }),
  hasRole: (role: RequestableRole) =>
    new RuleViolation({
      code: "role-request.has-role",
      en: `You are already ${roleName[role][0]}.`,
      ru: `Вы уже являетесь ${roleName[role][1]}.`,
      params: { role }
    }),
  pending: (role: RequestableRole) =>
    new RuleViolation({
      code: "role-request.pending",
      en: `You have already asked to become ${roleName[role][0]}: wait for an administrator's answer.`,
      ru: `Вы уже попросили стать ${roleName[role][1]}: дождитесь ответа администратора.`,
      params: { role }
    }),
  decided: (request: RoleRequest) =>
    new RuleViolation({
      code: "role-request.decided",
      en: `This request has already been ${request.status === "APPROVED" ? "approved" : "declined"}.`,
      ru: `Этот запрос уже ${request.status === "APPROVED" ? "одобрен" : "отклонён"}.`,
      params: { status: request.status }
    })
}

const Requester = Schema.Struct({ id: UserId, role: Role, isActive: Schema.Boolean })
const AdminRow = Schema.Struct({ id: UserId })
const ViewRow = Schema.Struct({
  ...RoleRequest.fields,
  firstName: Schema.String,
  lastName: Schema.NullOr(Schema.String),
  username: Schema.NullOr(Schema.String),
  currentRole: Role
})
const TotalRow = Schema.Struct({ total: Schema.Number })

export const RoleRequestsLive = Layer.effect(
  RoleRequests,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const events = yield* DomainEvents
    const requests = decodeRows(RoleRequest)

    const pendingOf = (userId: UserId) =>
      Effect.map(
        requests(sql`SELECT * FROM role_requests WHERE user_id = ${userId} AND status = 'PENDING'`),
        (rows) => rows[0] ?? null
      )

    const request = Effect.fn("RoleRequests.request")(function* (userId: UserId, role: RequestableRole) {
      const outcome = yield* sql.withTransaction(
        Effect.gen(function* () {
          // the account's row lock serialises two requests of one person (a double tap, the bot and the cabinet)
          const [user] = yield* decodeRows(Requester)(
            sql`SELECT id, role, is_active FROM users WHERE id = ${userId} FOR UPDATE`
          )
          if (user === undefined) return yield* new NotFound({ entity: "user", id: userId })
          if (!user.isActive) return yield* Refusal.inactive()
          if (user.role === role) return yield* Refusal.hasRole(role)
          const existing = yield* pendingOf(userId)
          if (existing !== null) {
            if (existing.role !== role) return yield* Refusal.pending(existing.role)
            return { request: existing, created: false }
          }
          const [created] = yield* requests(
            sql`INSERT INTO role_requests (user_id, role) VALUES (${userId}, ${role}) RETURNING *`
          )
          return { request: created!, created: true }
        })
      )
      if (outcome.created) {
        const admins = yield* decodeRows(AdminRow)(
          sql`SELECT u.id FROM users u WHERE u.is_active AND (u.is_admin OR EXISTS (
                  SELECT 1 FROM admin_accounts a WHERE a.user_id = u.id AND a.is_active))`
        )
        yield* events.publish({
          _tag: "RoleRequested",
          requestId: outcome.request.id,
          userId,
          role,
          admins: admins.map((a) => a.id)
        })
      }
      return outcome
    }, orDie)

    const pending = Effect.fn("RoleRequests.pending")(function* (userId: UserId) {
      if (!Schema.is(UserId)(userId)) return null
      return yield* pendingOf(userId)
    }, orDie)

    const list = Effect.fn("RoleRequests.list")(function* (input: RoleRequestFilter) {
      const filter = yield* Schema.decodeUnknown(RoleRequestFilter)(input).pipe(Effect.orDie)
      const where = sql.and([
        sql`r.status = ${filter.status ?? "PENDING"}`,
        ...(filter.userId === undefined ? [] : [sql`r.user_id = ${filter.userId}`])
      ])
      const rows = yield* decodeRows(ViewRow)(
        sql`SELECT r.*, u.first_name, u.last_name, u.username, u.role AS current_role
              FROM role_requests r JOIN users u ON u.id = r.user_id
              WHERE ${where} ORDER BY r.created_at, r.id OFFSET ${filter.offset} LIMIT ${filter.limit}`
      )
      const [count] = yield* decodeRows(TotalRow)(
        sql`SELECT count(*)::int AS total FROM role_requests r WHERE ${where}`
      )
      const items = rows.map(({ currentRole, firstName, lastName, username, ...request }): RoleRequestView => ({
        request: RoleRequest.make(request),
        user: { firstName, lastName, username, currentRole }
      }))
      return { items, total: count?.total ?? 0, offset: filter.offset, limit: filter.limit }
    }, orDie)

    const decide = Effect.fn("RoleRequests.decide")(function* (id: RoleRequestId, approve: boolean, by: UserId | null) {
      const outcome = yield* sql.withTransaction(
        Effect.gen(function* () {
          const [current] = yield* requests(sql`SELECT * FROM role_requests WHERE id = ${id} FOR UPDATE`)
          if (current === undefined) return yield* new NotFound({ entity: "role_request", id })
          if (current.status !== "PENDING") {
            if (current.status === (approve ? "APPROVED" : "DECLINED")) return { request: current, changed: false }
            return yield* Refusal.decided(current)
          }
          // the role only: admin rights, if any, stay as they are (a request never takes them away)
          if (approve)
            yield* sql`UPDATE users SET role = ${current.role}, updated_at = now() WHERE id = ${current.userId}`
          const [decided] = yield* requests(
            sql`UPDATE role_requests SET status = ${approve ? "APPROVED" : "DECLINED"}, decided_by = ${by},
                    decided_at = now()
                  WHERE id = ${id} RETURNING *`
          )
          return { request: decided!, changed: true }
        })
      )
      if (outcome.changed)
        yield* events.publish({
          _tag: "RoleRequestDecided",
          requestId: outcome.request.id,
          userId: outcome.request.userId,
          role: outcome.request.role,
          approved: approve
        })
      return outcome
    }, orDie)

    return RoleRequests.of({
      request,
      pending,
      list,
      // an id that is not a UUID names no request (rather than a database error)
      decide: (id, approve, by) =>
        Schema.is(RoleRequestId)(id)
          ? decide(id, approve, by)
          : Effect.fail(new NotFound({ entity: "role_request", id: String(id) }))
    })
  })
)
