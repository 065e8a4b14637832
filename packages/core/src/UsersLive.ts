/**
 * `Users` over PostgreSQL: accounts, their platform identities, one-time codes for `/link` and the web login, and the
 * merge of an empty account into the one that issued a link code.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Clock, Duration, Effect, Either, Layer, Option, Schema, String as Str } from "effect"
import { NotFound, type RuleViolation } from "./Errors.js"
import { DomainEvents } from "./Events.js"
import { UserId } from "./Ids.js"
import { orderBy } from "./internal/ListSql.js"
import { randomCode, normalizeCode } from "./internal/people/Codes.js"
import { decodeRows, escapeLike, orDie, uniqueViolation } from "./internal/people/Sql.js"
import { Violations } from "./internal/people/Violations.js"
import { OneTimeCodePurpose, PlatformIdentity, User } from "./Models.js"
import {
  type AccountRole,
  IdentityRef,
  RegisterUser,
  UpdateProfile,
  UserFilter,
  type UserSortColumn,
  Users
} from "./Users.js"
import { clearable, decodeInput, email, normalizePhone, personName, phone, Subjects, validate } from "./Validation.js"

const NAME_MAX = 100

const profileChecks = (input: {
  readonly firstName?: string | undefined
  readonly lastName?: string | null | undefined
  readonly phone?: string | null | undefined
  readonly email?: string | null | undefined
}) =>
  validate({
    firstName:
      input.firstName === undefined
        ? Either.right(undefined)
        : personName(input.firstName, { path: "firstName", subject: Subjects.firstName, max: NAME_MAX }),
    lastName: clearable(input.lastName, (v) =>
      personName(v, { path: "lastName", subject: Subjects.lastName, max: NAME_MAX })
    ),
    phone: clearable(input.phone, (v) => phone(v, "phone")),
    email: clearable(input.email, (v) => email(v, "email"))
  })

/** Maps the unique indexes of `users` / `platform_identities` to the rule a person broke. */
const mapUnique = (error: SqlError): Effect.Effect<never, RuleViolation | SqlError> => {
  switch (uniqueViolation(error)) {
    case "users_phone_key":
      return Effect.fail(Violations.phoneTaken())
    case "users_email_key":
      return Effect.fail(Violations.emailTaken())
    case "platform_identities_platform_external_id_key":
      return Effect.fail(Violations.registerAlready())
    default:
      return Effect.fail(error)
  }
}

const CodeRow = Schema.Struct({
  purpose: OneTimeCodePurpose,
  usedAt: Schema.NullOr(Schema.DateFromSelf),
  expiresAt: Schema.DateFromSelf
})

const HoldingsRow = Schema.Struct({ holds: Schema.Boolean })
const CountRow = Schema.Struct({ total: Schema.NumberFromString })

/**
 * How stale a sighting may get before a turn writes it again. `lastUsedIdentity` stays exact regardless: a sighting
 * is always written when another identity of the account was seen more recently.
 */
const TOUCH_INTERVAL_SECONDS = 60

/** The identity's columns beside the user's in `resolve`'s one row, prefixed so that they do not collide. */
const IDENTITY_FIELDS = [
  "id",
  "userId",
  "platform",
  "externalId",
  "username",
  "displayName",
  "reachable",
  "lastSeenAt",
  "createdAt"
] as const
const IDENTITY_COLUMNS = IDENTITY_FIELDS.map(
  (f) => `ident.${Str.camelToSnake(f)} AS ident_${Str.camelToSnake(f)}`
).join(", ")
const identityKey = (field: string) => `ident${field[0]!.toUpperCase()}${field.slice(1)}`

/** How many times `createCode` draws again after a collision before giving up (32^8 codes: practically never). */
const CODE_ATTEMPTS = 5

/** `resolve`'s row: the user's columns, and the identity's under `ident…` names. */
const splitResolved = (row: Record<string, unknown>) => {
  const user: Record<string, unknown> = {}
  const identity: Record<string, unknown> = {}
  const prefixed = new Set<string>(IDENTITY_FIELDS.map(identityKey))
  for (const [key, value] of Object.entries(row)) if (!prefixed.has(key)) user[key] = value
  for (const field of IDENTITY_FIELDS) identity[field] = row[identityKey(field)]
  return Effect.all({
    user: Schema.decodeUnknown(User)(user),
    identity: Schema.decodeUnknown(PlatformIdentity)(identity)
  })
}

const userOrder: { readonly [K in UserSortColumn]: string } = {
  createdAt: "u.created_at",
  firstName: "lower(u.first_name)",
  lastName: "lower(u.last_name)",
  email: "lower(u.email)",
  role: "u.role",
  balance: "u.balance"
}

export const UsersLive = Layer.effect(
  Users,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const users = decodeRows(User)
    const identityRows = decodeRows(PlatformIdentity)

    const findUser = (id: UserId, lock = false) =>
      users(sql`SELECT * FROM users WHERE id = ${id} ${sql.literal(lock ? "FOR UPDATE" : "")}`).pipe(
        Effect.map((rows) => Option.fromNullable(rows[0]))
      )

    const getUser = (id: UserId) =>
      Effect.flatMap(findUser(id), (found) =>
        Option.isSome(found) ? Effect.succeed(found.value) : Effect.fail(new NotFound({ entity: "user", id }))
      )

    // optional so that Users alone (without a bus) still works; CoreLive always has one
    const events = yield* Effect.serviceOption(DomainEvents)
    /** Open sessions elsewhere (the chat hub) drop what a deactivated or demoted account may no longer see. */
    const announceAccess = (user: User) =>
      Option.match(events, {
        onNone: () => Effect.void,
        onSome: (bus) =>
          bus.publish({ _tag: "AccountChanged", userId: user.id, isActive: user.isActive, isAdmin: user.isAdmin })
      })

    const setFlag = (column: "is_active" | "is_verified" | "is_admin") => (id: UserId, value: boolean) =>
      users(sql`UPDATE users SET ${sql(column)} = ${value}, updated_at = now() WHERE id = ${id} RETURNING *`).pipe(
        Effect.flatMap((rows) =>
          rows[0] ? Effect.succeed(rows[0]) : Effect.fail(new NotFound({ entity: "user", id }))
        ),
        Effect.tap((user) => (column === "is_verified" ? Effect.void : announceAccess(user))),
        orDie
      )

    const setRole = (id: UserId, role: AccountRole, by: UserId | null) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            const before = yield* getUser(id)
            // the active admins are locked first, in one order, so two demotions at once cannot both pass the count
            const admins = yield* sql<{
              id: string
            }>`SELECT id FROM users WHERE is_admin AND is_active ORDER BY id FOR UPDATE`
            const demoted = before.isAdmin && role !== "admin"
            if (demoted && by === id) return yield* Violations.selfDemotion()
            if (demoted && before.isActive && !admins.some((a) => a.id !== id)) return yield* Violations.lastAdmin()
            const [after] = yield* users(
              role === "admin"
                ? sql`UPDATE users SET is_admin = true, updated_at = now() WHERE id = ${id} RETURNING *`
                : sql`UPDATE users SET role = ${role}, is_admin = false, updated_at = now() WHERE id = ${id} RETURNING *`
            )
            // a request for the role just given is settled with it (it would otherwise wait for a decision made)
            if (role !== "admin")
              yield* sql`UPDATE role_requests SET status = 'APPROVED', decided_by = ${by}, decided_at = now()
                WHERE user_id = ${id} AND status = 'PENDING' AND role = ${role}`
            return { before, after: after ?? (yield* Effect.dieMessage(`Users.setRole: user ${id} vanished`)) }
          })
        )
        .pipe(
          Effect.tap(({ after, before }) => (after.isAdmin === before.isAdmin ? Effect.void : announceAccess(after))),
          orDie,
          Effect.withSpan("Users.setRole")
        )

    /** A sighting of an identity: seen now, reachable, latest username / display name if given. */
    const touchSet = (ref: IdentityRef) =>
      sql`last_seen_at = clock_timestamp(),
          reachable = true,
          username = CASE WHEN ${ref.username !== undefined} THEN ${ref.username ?? null} ELSE i.username END,
          display_name = CASE WHEN ${ref.displayName !== undefined} THEN ${ref.displayName ?? null}
            ELSE i.display_name END`

    /**
     * When a sighting of `cur` must be written: it was unreachable, its names changed, it was last seen longer ago
     * than `TOUCH_INTERVAL`, or another identity of the account was seen since (then this one becomes the most
     * recently used: notifications follow it). Otherwise a turn writes nothing.
     */
    const stale = (ref: IdentityRef) =>
      sql`NOT cur.reachable
          OR cur.last_seen_at < clock_timestamp() - ${sql.literal(`interval '${TOUCH_INTERVAL_SECONDS} seconds'`)}
          OR (${ref.username !== undefined} AND cur.username IS DISTINCT FROM ${ref.username ?? null})
          OR (${ref.displayName !== undefined} AND cur.display_name IS DISTINCT FROM ${ref.displayName ?? null})
          OR EXISTS (SELECT 1 FROM platform_identities o
                     WHERE o.user_id = cur.user_id AND o.id <> cur.id AND o.last_seen_at >= cur.last_seen_at)`

    /** Records a sighting of an identity unconditionally (after a link, where the account just changed). */
    const touchIdentity = (ref: IdentityRef) =>
      identityRows(
        sql`UPDATE platform_identities i SET ${touchSet(ref)}
            WHERE platform = ${ref.platform} AND external_id = ${ref.externalId}
            RETURNING *`
      ).pipe(Effect.map((rows) => Option.fromNullable(rows[0])))

    const insertIdentity = (userId: UserId, ref: IdentityRef) =>
      identityRows(
        sql`INSERT INTO platform_identities ${sql.insert({
          userId,
          platform: ref.platform,
          externalId: ref.externalId,
          username: ref.username ?? null,
          displayName: ref.displayName ?? null
        })} RETURNING *`
      )

    const markPlatform = (userId: UserId, ref: IdentityRef) =>
      users(sql`UPDATE users SET last_platform = ${ref.platform} WHERE id = ${userId} RETURNING *`).pipe(
        Effect.map((rows) => rows[0]!)
      )

    const register = Effect.fn("Users.register")(function* (input: RegisterUser) {
      const raw = yield* decodeInput(RegisterUser)(input)
      const checked = yield* profileChecks(raw)
      const id = raw.identity
      // one statement (atomic by itself): nothing is inserted when the identity already has an account
      const [user] = yield* users(
        sql`WITH existing AS (
              SELECT 1 FROM platform_identities WHERE platform = ${id.platform} AND external_id = ${id.externalId}
            ), inserted AS (
              INSERT INTO users (first_name, last_name, username, phone, email, language, role, last_platform)
              SELECT ${checked.firstName!}, ${checked.lastName ?? null}, ${id.username ?? null}, ${checked.phone ?? null},
                     ${checked.email ?? null}, ${raw.language ?? "ru"}, ${raw.role}, ${id.platform}
              WHERE NOT EXISTS (SELECT 1 FROM existing)
              RETURNING *
            ), identity AS (
              INSERT INTO platform_identities (user_id, platform, external_id, username, display_name)
              SELECT inserted.id, ${id.platform}, ${id.externalId}, ${id.username ?? null}, ${id.displayName ?? null}
              FROM inserted
              RETURNING user_id
            )
            SELECT inserted.* FROM inserted JOIN identity ON identity.user_id = inserted.id`
      ).pipe(Effect.catchTag("SqlError", mapUnique), orDie)
      return user ?? (yield* Violations.registerAlready())
    })

    const resolve = Effect.fn("Users.resolve")(function* (identity: IdentityRef) {
      const ref = yield* Schema.decodeUnknown(IdentityRef)(identity)
      const rows = yield* sql`WITH cur AS (
          SELECT * FROM platform_identities WHERE platform = ${ref.platform} AND external_id = ${ref.externalId}
        ), touched AS (
          UPDATE platform_identities i SET ${touchSet(ref)}
          FROM cur WHERE i.id = cur.id AND (${stale(ref)})
          RETURNING i.*
        ), ident AS (
          SELECT * FROM touched UNION ALL SELECT * FROM cur WHERE NOT EXISTS (SELECT 1 FROM touched)
        ), marked AS (
          UPDATE users u SET last_platform = ${ref.platform}
          FROM ident WHERE u.id = ident.user_id AND u.last_platform IS DISTINCT FROM ${ref.platform}
          RETURNING u.*
        ), usr AS (
          SELECT * FROM marked
          UNION ALL SELECT u.* FROM users u JOIN ident ON u.id = ident.user_id WHERE NOT EXISTS (SELECT 1 FROM marked)
        )
        SELECT usr.*, ${sql.literal(IDENTITY_COLUMNS)} FROM usr, ident`
      const [row] = rows
      if (row === undefined) return Option.none()
      return Option.some(yield* splitResolved(row))
    }, orDie)

    const update = Effect.fn("Users.update")(function* (id: UserId, patch: UpdateProfile) {
      const raw = yield* decodeInput(UpdateProfile)(patch)
      const checked = yield* profileChecks(raw)
      const fields: Record<string, unknown> = {}
      if (checked.firstName !== undefined) fields.firstName = checked.firstName
      if (checked.lastName !== undefined) fields.lastName = checked.lastName
      if (checked.phone !== undefined) fields.phone = checked.phone
      if (checked.email !== undefined) fields.email = checked.email
      if (raw.language !== undefined) fields.language = raw.language
      if (raw.role !== undefined) fields.role = raw.role
      if (Object.keys(fields).length === 0) return yield* getUser(id)
      const rows = yield* users(
        sql`UPDATE users SET ${sql.update(fields)}, updated_at = now() WHERE id = ${id} RETURNING *`
      ).pipe(Effect.catchTag("SqlError", mapUnique))
      return rows[0] ?? (yield* new NotFound({ entity: "user", id }))
    }, orDie)

    const identities = (id: UserId) =>
      identityRows(sql`SELECT * FROM platform_identities WHERE user_id = ${id} ORDER BY last_seen_at DESC`).pipe(orDie)

    const lastUsedIdentity = (id: UserId) =>
      identityRows(
        sql`SELECT * FROM platform_identities WHERE user_id = ${id} AND reachable
            ORDER BY last_seen_at DESC LIMIT 1`
      ).pipe(
        Effect.map((rows) => Option.fromNullable(rows[0])),
        orDie
      )

    const setReachable = (platform: string, externalId: string, reachable: boolean) =>
      sql`UPDATE platform_identities SET reachable = ${reachable}
          WHERE platform = ${platform} AND external_id = ${externalId}`.pipe(Effect.asVoid, orDie)

    const createCode = Effect.fn("Users.createCode")(function* (
      id: UserId,
      purpose: OneTimeCodePurpose,
      ttl: Duration.DurationInput
    ) {
      const validPurpose = yield* Schema.decodeUnknown(OneTimeCodePurpose)(purpose)
      const user = yield* getUser(id)
      const now = yield* Clock.currentTimeMillis
      const expiresAt = new Date(now + Duration.toMillis(Duration.decode(ttl)))
      // Forget this user's codes that expired more than a day ago (recent ones still explain "expired").
      yield* sql`DELETE FROM one_time_codes WHERE user_id = ${user.id}
                   AND expires_at < ${new Date(now - Duration.toMillis(Duration.days(1)))}`
      for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
        const code = yield* randomCode
        const stored = yield* sql`INSERT INTO one_time_codes ${sql.insert({
          code,
          purpose: validPurpose,
          userId: user.id,
          expiresAt
        })} ON CONFLICT (code) DO NOTHING RETURNING code`
        if (stored.length > 0) return { code, expiresAt }
      }
      return yield* Effect.dieMessage("could not find a free one-time code")
    }, orDie)

    /**
     * Marks the code used if it is valid right now, and returns its user; otherwise says why not. Runs inside the
     * caller's transaction: when a later rule refuses, the claim is rolled back and the code stays usable.
     */
    const claimCode = (input: string, purpose: OneTimeCodePurpose) =>
      Effect.gen(function* () {
        const code = normalizeCode(input)
        const now = new Date(yield* Clock.currentTimeMillis)
        const claimed = yield* sql<{ userId: string }>`UPDATE one_time_codes SET used_at = clock_timestamp()
          WHERE code = ${code} AND purpose = ${purpose} AND used_at IS NULL AND expires_at > ${now}
          RETURNING user_id`
        if (claimed[0]) return UserId.make(claimed[0].userId)
        const [row] = yield* decodeRows(CodeRow)(
          sql`SELECT purpose, used_at, expires_at FROM one_time_codes WHERE code = ${code}`
        )
        if (row === undefined || row.purpose !== purpose) return yield* Violations.codeInvalid()
        if (row.usedAt !== null) return yield* Violations.codeUsed()
        return yield* Violations.codeExpired()
      })

    const activeOwner = (id: UserId) =>
      Effect.flatMap(findUser(id, true), (owner) =>
        Option.isSome(owner) && owner.value.isActive ? Effect.succeed(owner.value) : Violations.codeInvalid()
      )

    /** True when the account holds anything of value: balance, participations, procurements, payments, ledger rows. */
    const holdsSomething = (id: UserId) =>
      decodeRows(HoldingsRow)(
        sql`SELECT (u.balance <> 0
              OR EXISTS (SELECT 1 FROM participants WHERE user_id = u.id)
              OR EXISTS (SELECT 1 FROM procurements WHERE organizer_id = u.id OR supplier_id = u.id)
              OR EXISTS (SELECT 1 FROM payments WHERE user_id = u.id)
              OR EXISTS (SELECT 1 FROM transactions WHERE user_id = u.id)) AS holds
            FROM users u WHERE u.id = ${id}`
      ).pipe(Effect.map((rows) => rows[0]?.holds ?? false))

    /** Moves every identity (and a missing phone/email) of `from` to `into`, then deactivates `from`. */
    const merge = (from: User, into: User) =>
      Effect.gen(function* () {
        yield* sql`UPDATE platform_identities SET user_id = ${into.id} WHERE user_id = ${from.id}`
        yield* sql`UPDATE users SET is_active = false, phone = NULL, email = NULL, updated_at = now()
                   WHERE id = ${from.id}`
        yield* sql`UPDATE users SET phone = coalesce(phone, ${from.phone}), email = coalesce(email, ${from.email}),
                   updated_at = now() WHERE id = ${into.id}`
      })

    const redeemLinkCode = Effect.fn("Users.redeemLinkCode")(function* (code: string, identity: IdentityRef) {
      const ref = yield* Schema.decodeUnknown(IdentityRef)(identity)
      return yield* sql.withTransaction(
        Effect.gen(function* () {
          const ownerId = yield* claimCode(code, "link")
          const [existing] = yield* identityRows(
            sql`SELECT * FROM platform_identities
                WHERE platform = ${ref.platform} AND external_id = ${ref.externalId} FOR UPDATE`
          )
          if (existing === undefined) {
            yield* activeOwner(ownerId)
            yield* insertIdentity(ownerId, ref)
          } else if (existing.userId === ownerId) {
            return yield* Violations.sameAccount()
          } else {
            // Lock both accounts in id order so two opposite merges cannot deadlock.
            const locked = yield* users(
              sql`SELECT * FROM users WHERE id IN (${ownerId}, ${existing.userId}) ORDER BY id FOR UPDATE`
            )
            const owner = locked.find((u) => u.id === ownerId)
            const other = locked.find((u) => u.id === existing.userId)
            if (owner === undefined || !owner.isActive) return yield* Violations.codeInvalid()
            if (other === undefined || !other.isActive || (yield* holdsSomething(other.id))) {
              return yield* Violations.accountInUse()
            }
            yield* merge(other, owner)
          }
          yield* touchIdentity(ref)
          return yield* markPlatform(ownerId, ref)
        })
      )
    }, orDie)

    const redeemWebLogin = Effect.fn("Users.redeemWebLogin")(function* (code: string) {
      return yield* sql.withTransaction(Effect.flatMap(claimCode(code, "web_login"), activeOwner))
    }, orDie)

    const list = Effect.fn("Users.list")(function* (filter: UserFilter) {
      const f = yield* Schema.decodeUnknown(UserFilter)(filter)
      const conditions = []
      const query = f.query?.trim() ?? ""
      if (query !== "") {
        const pattern = `%${escapeLike(query)}%`
        const asPhone = normalizePhone(query) ?? null
        conditions.push(sql`(
          u.first_name ILIKE ${pattern} OR u.last_name ILIKE ${pattern}
          OR (u.first_name || ' ' || coalesce(u.last_name, '')) ILIKE ${pattern}
          OR u.username ILIKE ${pattern} OR u.email ILIKE ${pattern} OR u.phone LIKE ${pattern}
          OR u.phone = ${asPhone}
          OR EXISTS (SELECT 1 FROM platform_identities i WHERE i.user_id = u.id
                     AND (i.external_id = ${query} OR i.username ILIKE ${pattern})))`)
      }
      if (f.role !== undefined) conditions.push(sql`u.role = ${f.role}`)
      if (f.isActive !== undefined) conditions.push(sql`u.is_active = ${f.isActive}`)
      if (f.isVerified !== undefined) conditions.push(sql`u.is_verified = ${f.isVerified}`)
      if (f.platform !== undefined) {
        conditions.push(
          sql`EXISTS (SELECT 1 FROM platform_identities i WHERE i.user_id = u.id AND i.platform = ${f.platform})`
        )
      }
      const where = sql.and(conditions)
      const [count] = yield* decodeRows(CountRow)(sql`SELECT count(*)::text AS total FROM users u WHERE ${where}`)
      const items = yield* users(
        sql`SELECT u.* FROM users u WHERE ${where}
            ORDER BY ${orderBy(sql, f.sort, userOrder, "u.created_at DESC, u.id", "u.id")}
            LIMIT ${f.limit} OFFSET ${f.offset}`
      )
      return { items, total: count?.total ?? 0, offset: f.offset, limit: f.limit }
    }, orDie)

    return Users.of({
      register,
      resolve,
      get: (id) => getUser(id).pipe(orDie),
      update,
      identities,
      lastUsedIdentity,
      setReachable,
      createCode,
      redeemLinkCode,
      redeemWebLogin,
      list,
      setActive: setFlag("is_active"),
      setVerified: setFlag("is_verified"),
      setAdmin: setFlag("is_admin"),
      setRole
    })
  })
)
