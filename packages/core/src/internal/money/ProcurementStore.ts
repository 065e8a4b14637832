/**
 * SQL of procurements and participants for `ProcurementsLive`: row locks, reads with their progress statistics and
 * the list query. Procurement rows are locked `FOR NO KEY UPDATE` (the lock order is procurement row first, then user
 * rows by id); participant rows are only changed while their procurement row is locked.
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import type { Fragment } from "@effect/sql/Statement"
import { Effect, Schema } from "effect"
import { CategoryId, ParticipantId, ProcurementId, UserId } from "../../Ids.js"
import type { ParticipantStatus, ProcurementStatus } from "../../Models.js"
import { Participant, Procurement, Role } from "../../Models.js"
import { Kopecks } from "../../Money.js"
import type { ProcurementSortColumn } from "../../Procurements.js"
import type { SortOrder } from "../../SortOrder.js"
import { orderBy } from "../ListSql.js"

/** Every column of `procurements` except the generated search vector. */
export const procurementColumns = [
  "id",
  "title",
  "description",
  "category_id",
  "organizer_id",
  "supplier_id",
  "target_amount",
  "price_per_unit",
  "unit",
  "min_quantity",
  "deadline",
  "payment_deadline",
  "city",
  "delivery_address",
  "stop_at_amount",
  "image_url",
  "is_featured",
  "organizer_fee_percent",
  "status",
  "held_amount",
  "created_at",
  "updated_at"
] as const

const Stats = Schema.Struct({ collectedAmount: Kopecks, participantCount: Schema.Int })

/** The names of the organizer and the supplier (null without one), read in the same query as the row. */
const Names = Schema.Struct({ organizerName: Schema.String, supplierName: Schema.NullOr(Schema.String) })

/** A procurement row with the statistics of its counting (non-cancelled) participants and its people's names. */
export const ProcurementWithStats = Schema.Struct({ procurement: Procurement, stats: Stats, names: Names })
export type ProcurementWithStats = typeof ProcurementWithStats.Type

export const UserAccess = Schema.Struct({ id: UserId, role: Role, isAdmin: Schema.Boolean, isActive: Schema.Boolean })

export const ParticipantWithUser = Schema.Struct({
  participant: Participant,
  user: Schema.Struct({
    id: UserId,
    firstName: Schema.String,
    lastName: Schema.NullOr(Schema.String),
    username: Schema.NullOr(Schema.String)
  })
})

export type ListOrder = "newest" | "deadline" | "progress" | "relevance"

const procurementOrder: { readonly [K in ProcurementSortColumn]: string } = {
  createdAt: "p.created_at",
  title: "lower(p.title)",
  status: "p.status",
  deadline: "p.deadline",
  targetAmount: "p.target_amount",
  collectedAmount: "coalesce(s.collected, 0)",
  participantCount: "coalesce(s.participant_count, 0)",
  city: "lower(p.city)"
}

export const makeProcurementStore = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const columns = (alias: string) => sql.literal(procurementColumns.map((c) => `${alias}.${c}`).join(", "))

  const lock = SqlSchema.findOne({
    Request: ProcurementId,
    Result: Procurement,
    execute: (id) => sql`SELECT ${columns("p")} FROM procurements p WHERE p.id = ${id} FOR NO KEY UPDATE`
  })

  const participantsOf = SqlSchema.findAll({
    Request: ProcurementId,
    Result: Participant,
    execute: (id) => sql`SELECT * FROM participants WHERE procurement_id = ${id} ORDER BY created_at, id`
  })

  const participation = SqlSchema.findOne({
    Request: Schema.Struct({ procurementId: ProcurementId, userId: UserId }),
    Result: Participant,
    execute: ({ procurementId, userId }) =>
      sql`SELECT * FROM participants
          WHERE procurement_id = ${procurementId} AND user_id = ${userId} AND status <> 'CANCELLED'`
  })

  const participant = SqlSchema.findOne({
    Request: ParticipantId,
    Result: Participant,
    execute: (id) => sql`SELECT * FROM participants WHERE id = ${id}`
  })

  /**
   * What a join checks, in one statement read after the procurement row is locked: whether the account exists and is
   * active (null: no account), whether the user is in already, and the amount collected.
   */
  const joinContext = SqlSchema.single({
    Request: Schema.Struct({ procurementId: ProcurementId, userId: UserId }),
    Result: Schema.Struct({
      userActive: Schema.NullOr(Schema.Boolean),
      alreadyJoined: Schema.Boolean,
      collected: Kopecks
    }),
    execute: ({ procurementId, userId }) =>
      sql`SELECT (SELECT is_active FROM users WHERE id = ${userId}) AS user_active,
            EXISTS (SELECT 1 FROM participants
              WHERE procurement_id = ${procurementId} AND user_id = ${userId} AND status <> 'CANCELLED') AS already_joined,
            (SELECT coalesce(sum(amount), 0)::text FROM participants
              WHERE procurement_id = ${procurementId} AND status <> 'CANCELLED') AS collected`
  })

  const user = SqlSchema.findOne({
    Request: UserId,
    Result: UserAccess,
    execute: (id) => sql`SELECT id, role, is_admin, is_active FROM users WHERE id = ${id}`
  })

  const categoryExists = (id: CategoryId) =>
    Effect.map(sql`SELECT 1 AS found FROM categories WHERE id = ${id}`, (rows) => rows.length > 0)

  const insertParticipant = SqlSchema.single({
    Request: Schema.Struct({ procurementId: ProcurementId, userId: UserId, quantity: Schema.Int, amount: Kopecks }),
    Result: Participant,
    execute: (row) => sql`INSERT INTO participants ${sql.insert({ ...row, status: "PENDING" })} RETURNING *`
  })

  const setParticipantStatus = (ids: ReadonlyArray<string>, status: ParticipantStatus) =>
    ids.length === 0
      ? Effect.succeed<ReadonlyArray<Participant>>([])
      : sql`UPDATE participants SET status = ${status}, updated_at = now() WHERE id IN ${sql.in(ids)} RETURNING *`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(Participant)))
        )

  const setStatus = (id: ProcurementId, status: ProcurementStatus, heldDelta: bigint) =>
    sql`UPDATE procurements SET status = ${status}, held_amount = held_amount + ${heldDelta}, updated_at = now()
        WHERE id = ${id}`

  const addHeld = (id: ProcurementId, delta: bigint) =>
    sql`UPDATE procurements SET held_amount = held_amount + ${delta}, updated_at = now() WHERE id = ${id}`

  const stats = sql.literal(`LEFT JOIN LATERAL (
      SELECT sum(pa.amount) AS collected, count(*)::int AS participant_count FROM participants pa
      WHERE pa.procurement_id = p.id AND pa.status <> 'CANCELLED'
    ) s ON true`)

  /** "First Last", or the first name alone (as the bots write a person's name). */
  const fullName = (alias: string) => sql.literal(`concat_ws(' ', ${alias}.first_name, nullif(${alias}.last_name, ''))`)

  const withStatsRaw = (where: Fragment, order: Fragment, page?: { readonly offset: number; readonly limit: number }) =>
    sql`SELECT ${columns("p")}, coalesce(s.collected, 0)::text AS collected_amount,
          coalesce(s.participant_count, 0) AS participant_count,
          ${fullName("o")} AS organizer_name, ${fullName("su")} AS supplier_name
        FROM procurements p ${stats}
        JOIN users o ON o.id = p.organizer_id
        LEFT JOIN users su ON su.id = p.supplier_id
        WHERE ${where}
        ORDER BY ${order}
        ${page === undefined ? sql.literal("") : sql`LIMIT ${page.limit} OFFSET ${page.offset}`}`.pipe(
      Effect.map((rows) => rows.map((row) => ({ procurement: row, stats: row, names: row })))
    )

  const decodeWithStats = Schema.decodeUnknown(Schema.Array(ProcurementWithStats))
  const withStatsRows = (
    where: Fragment,
    order: Fragment,
    page?: { readonly offset: number; readonly limit: number }
  ) => Effect.flatMap(withStatsRaw(where, order, page), decodeWithStats)

  const withStats = SqlSchema.findOne({
    Request: ProcurementId,
    Result: ProcurementWithStats,
    execute: (id) => withStatsRaw(sql`p.id = ${id}`, sql.literal("p.id"))
  })

  const descendantsOf = (categoryId: CategoryId) =>
    sql`p.category_id IN (
          WITH RECURSIVE tree AS (
            SELECT id FROM categories WHERE id = ${categoryId}
            UNION ALL
            SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id
          )
          SELECT id FROM tree)`

  /** The list query: filters, order, page and total. */
  const list = (filter: {
    readonly status?: ReadonlyArray<ProcurementStatus> | undefined
    readonly categoryId?: CategoryId | undefined
    readonly city?: string | undefined
    readonly featured?: boolean | undefined
    readonly organizerId?: UserId | undefined
    readonly supplierId?: UserId | undefined
    readonly query?: string | undefined
    readonly order: ListOrder
    /** an admin grid's column order; replaces `order` */
    readonly sortBy?: SortOrder<ProcurementSortColumn> | undefined
    readonly offset: number
    readonly limit: number
    /** an ACTIVE procurement whose deadline is not after `now` is no longer joinable */
    readonly now: Date
  }) =>
    Effect.gen(function* () {
      const clauses: Array<Fragment> = []
      if (filter.status !== undefined && filter.status.length > 0) {
        clauses.push(sql`p.status IN ${sql.in(filter.status)}`)
        // a listing by status shows what can be acted on: an ACTIVE one past its deadline is left out (the deadline
        // sweep stops it shortly; unfiltered listings, the admin's, still show every row as it is)
        clauses.push(sql`NOT (p.status = 'ACTIVE' AND p.deadline <= ${filter.now})`)
      }
      if (filter.categoryId !== undefined) clauses.push(descendantsOf(filter.categoryId))
      if (filter.city !== undefined) clauses.push(sql`lower(p.city) = lower(${filter.city})`)
      if (filter.featured !== undefined) clauses.push(sql`p.is_featured = ${filter.featured}`)
      if (filter.organizerId !== undefined) clauses.push(sql`p.organizer_id = ${filter.organizerId}`)
      if (filter.supplierId !== undefined) clauses.push(sql`p.supplier_id = ${filter.supplierId}`)
      if (filter.query !== undefined) clauses.push(sql`p.search @@ websearch_to_tsquery('russian', ${filter.query})`)
      const where = sql.and(clauses)
      const order =
        filter.sortBy !== undefined
          ? orderBy(sql, filter.sortBy, procurementOrder, "p.created_at DESC, p.id DESC", "p.id DESC")
          : filter.order === "relevance" && filter.query !== undefined
            ? sql`ts_rank(p.search, websearch_to_tsquery('russian', ${filter.query})) DESC, p.created_at DESC, p.id`
            : filter.order === "deadline"
              ? sql.literal("p.deadline ASC, p.created_at DESC, p.id")
              : filter.order === "progress"
                ? sql.literal("coalesce(s.collected, 0)::numeric / p.target_amount DESC, p.created_at DESC, p.id")
                : // the default listing puts featured procurements first (the bots' /procurements, the API's list)
                  sql.literal("p.is_featured DESC, p.created_at DESC, p.id DESC")
      const items = yield* withStatsRows(where, order, filter)
      const [count] = yield* sql<{ total: number }>`SELECT count(*)::int AS total FROM procurements p WHERE ${where}`
      return { items, total: count?.total ?? 0 }
    })

  const organizedBy = (userId: UserId) =>
    withStatsRows(sql`p.organizer_id = ${userId}`, sql.literal("p.created_at DESC, p.id DESC"))

  const suppliedBy = (userId: UserId) =>
    withStatsRows(sql`p.supplier_id = ${userId}`, sql.literal("p.created_at DESC, p.id DESC"))

  const joinedBy = SqlSchema.findAll({
    Request: UserId,
    Result: Participant,
    execute: (userId) =>
      sql`SELECT * FROM participants WHERE user_id = ${userId} AND status <> 'CANCELLED' ORDER BY created_at DESC, id`
  })

  const byIds = (ids: ReadonlyArray<ProcurementId>) =>
    ids.length === 0
      ? Effect.succeed<ReadonlyArray<ProcurementWithStats>>([])
      : withStatsRows(sql`p.id IN ${sql.in(ids)}`, sql.literal("p.id"))

  const participantsWithUsers = (id: ProcurementId) =>
    sql`SELECT pa.*, u.first_name, u.last_name, u.username
        FROM participants pa JOIN users u ON u.id = pa.user_id
        WHERE pa.procurement_id = ${id}
        ORDER BY pa.created_at, pa.id`.pipe(
      Effect.map((rows) =>
        rows.map((row) => ({ participant: row, user: { ...row, id: (row as { userId: unknown }).userId } }))
      ),
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(ParticipantWithUser)))
    )

  const expiredActive = (now: Date) =>
    sql<{ id: ProcurementId }>`SELECT id FROM procurements WHERE status = 'ACTIVE' AND deadline <= ${now}
      ORDER BY deadline, id`.pipe(Effect.map((rows) => rows.map((r) => r.id)))

  return {
    sql,
    columns,
    lock,
    participantsOf,
    participation,
    participant,
    joinContext,
    user,
    categoryExists,
    insertParticipant,
    setParticipantStatus,
    setStatus,
    addHeld,
    withStats,
    list,
    organizedBy,
    suppliedBy,
    joinedBy,
    byIds,
    participantsWithUsers,
    expiredActive
  } as const
})

export type ProcurementStore = Effect.Effect.Success<typeof makeProcurementStore>
