/**
 * Admin accounts and their sessions (tables `admin_accounts`, `admin_sessions`). Passwords are scrypt hashes; the
 * session token lives only in the HttpOnly cookie — the database keeps its SHA-256 — and each session has its own
 * CSRF token that every state-changing request must repeat in `x-csrf-token`.
 */
import { SqlClient } from "@effect/sql"
import { AdminId, AdminIdentity, Forbidden, InvalidInput, Unauthorized, UserId } from "@groupbuy/core"
import { Clock, Context, Duration, Effect, Layer, Option, Schema } from "effect"
import { createHash, randomBytes } from "node:crypto"
import { hashPassword, passwordProblem, verifyPassword } from "../auth/Passwords.js"

export const SESSION_TTL = Duration.hours(12)

export interface AdminSession {
  readonly admin: AdminIdentity
  readonly csrfToken: string
}

export interface AdminSessionsService {
  /** Creates an admin account (the CLI); fails when the email is taken or the password too weak. */
  readonly createAdmin: (
    email: string,
    password: string,
    userId?: UserId | null
  ) => Effect.Effect<AdminIdentity, InvalidInput>
  readonly setPassword: (email: string, password: string) => Effect.Effect<void, InvalidInput>
  readonly login: (
    email: string,
    password: string
  ) => Effect.Effect<AdminSession & { readonly token: string }, Unauthorized | Forbidden>
  readonly authenticate: (token: string) => Effect.Effect<AdminSession, Unauthorized>
  readonly logout: (token: string) => Effect.Effect<void>
}

export class AdminSessions extends Context.Tag("@groupbuy/server/AdminSessions")<
  AdminSessions,
  AdminSessionsService
>() {}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex")
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

const AccountRow = Schema.Struct({
  id: AdminId,
  email: Schema.String,
  passwordHash: Schema.String,
  userId: Schema.NullOr(UserId),
  isActive: Schema.Boolean
})
const SessionRow = Schema.Struct({
  id: AdminId,
  email: Schema.String,
  userId: Schema.NullOr(UserId),
  csrfToken: Schema.String
})

// a real hash, so an unknown email costs as much time as a wrong password
const DUMMY_HASH = Effect.runSync(Effect.cached(Effect.suspend(() => hashPassword("not a password"))))

export const AdminSessionsLive = Layer.effect(
  AdminSessions,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const decodeAccount = Schema.decodeUnknown(Schema.Array(AccountRow))
    const decodeSession = Schema.decodeUnknown(Schema.Array(SessionRow))

    const validate = (email: string, password: string) => {
      const normalized = email.trim().toLowerCase()
      if (!EMAIL.test(normalized)) {
        return Effect.fail(InvalidInput.single("email", "email.invalid", "not a valid email", "неверный email"))
      }
      const problem = passwordProblem(password)
      if (problem !== null) {
        return Effect.fail(
          InvalidInput.single("password", "password.weak", problem, "пароль должен быть не короче 10 символов")
        )
      }
      return Effect.succeed(normalized)
    }

    const service: AdminSessionsService = {
      createAdmin: (email, password, userId = null) =>
        Effect.gen(function* () {
          const normalized = yield* validate(email, password)
          const passwordHash = yield* hashPassword(password)
          const rows = yield* sql`
            INSERT INTO admin_accounts ${sql.insert({ email: normalized, passwordHash, userId })}
            ON CONFLICT DO NOTHING
            RETURNING id, email, password_hash, user_id, is_active`.pipe(Effect.flatMap(decodeAccount), Effect.orDie)
          const row = rows[0]
          if (row === undefined) {
            return yield* InvalidInput.single(
              "email",
              "admin.exists",
              "an admin with this email already exists",
              "администратор с таким email уже есть"
            )
          }
          return new AdminIdentity({ id: row.id, email: row.email, userId: row.userId })
        }),
      setPassword: (email, password) =>
        Effect.gen(function* () {
          const normalized = yield* validate(email, password)
          const passwordHash = yield* hashPassword(password)
          const rows = yield* sql`
            UPDATE admin_accounts SET password_hash = ${passwordHash}
            WHERE lower(email) = ${normalized} RETURNING id`.pipe(Effect.orDie)
          if (rows.length === 0) {
            return yield* InvalidInput.single("email", "admin.unknown", "no such admin", "нет такого администратора")
          }
          yield* sql`DELETE FROM admin_sessions WHERE admin_id = ${rows[0]!.id as string}`.pipe(Effect.orDie)
        }),
      login: (email, password) =>
        Effect.gen(function* () {
          const rows = yield* sql`
            SELECT id, email, password_hash, user_id, is_active FROM admin_accounts
            WHERE lower(email) = ${email.trim().toLowerCase()}`.pipe(Effect.flatMap(decodeAccount), Effect.orDie)
          const account = rows[0]
          const ok = yield* verifyPassword(password, account?.passwordHash ?? (yield* DUMMY_HASH))
          if (account === undefined || !ok) return yield* new Unauthorized({ reason: "wrong email or password" })
          if (!account.isActive) {
            return yield* new Forbidden({ action: "admin login", reason: "this admin account is disabled" })
          }
          const token = randomBytes(32).toString("base64url")
          const csrfToken = randomBytes(24).toString("base64url")
          const now = yield* Clock.currentTimeMillis
          const expiresAt = new Date(now + Duration.toMillis(SESSION_TTL))
          yield* sql
            .withTransaction(
              Effect.all([
                sql`DELETE FROM admin_sessions WHERE expires_at < ${new Date(now)}`,
                sql`INSERT INTO admin_sessions ${sql.insert({
                  tokenHash: hashToken(token),
                  adminId: account.id,
                  csrfToken,
                  expiresAt
                })}`,
                sql`UPDATE admin_accounts SET last_login_at = ${new Date(now)} WHERE id = ${account.id}`
              ])
            )
            .pipe(Effect.orDie)
          return {
            token,
            csrfToken,
            admin: new AdminIdentity({ id: account.id, email: account.email, userId: account.userId })
          }
        }),
      authenticate: (token) =>
        Effect.gen(function* () {
          if (token === "") return yield* new Unauthorized({ reason: "not signed in" })
          const now = yield* Clock.currentTimeMillis
          const rows = yield* sql`
            SELECT a.id, a.email, a.user_id, s.csrf_token FROM admin_sessions s
            JOIN admin_accounts a ON a.id = s.admin_id
            WHERE s.token_hash = ${hashToken(token)} AND s.expires_at > ${new Date(now)} AND a.is_active`.pipe(
            Effect.flatMap(decodeSession),
            Effect.orDie
          )
          return yield* Option.match(Option.fromNullable(rows[0]), {
            onNone: () => Effect.fail(new Unauthorized({ reason: "the admin session has expired; sign in again" })),
            onSome: (row) =>
              Effect.succeed({
                admin: new AdminIdentity({ id: row.id, email: row.email, userId: row.userId }),
                csrfToken: row.csrfToken
              })
          })
        }),
      logout: (token) => sql`DELETE FROM admin_sessions WHERE token_hash = ${hashToken(token)}`.pipe(Effect.orDie)
    }
    return AdminSessions.of(service)
  })
)
