/**
 * Shared fixtures of the money suites (Ledger, Procurements, Payments, Concurrency): the service layer over one
 * database profile, users inserted with SQL (independent of the Users service), a clock set to a real instant and
 * small readers for balances, held amounts and row counts.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Duration, Effect, Layer, Schema, TestClock } from "effect"
import { DomainEventsLive } from "../src/Events.js"
import type { CategoryId, ProcurementId } from "../src/Ids.js"
import { UserId } from "../src/Ids.js"
import { Credit, Ledger } from "../src/Ledger.js"
import { LedgerLive } from "../src/LedgerLive.js"
import type { Role } from "../src/Models.js"
import { Kopecks } from "../src/Money.js"
import { PaymentsLive } from "../src/PaymentsLive.js"
import { CreateProcurement, Procurements } from "../src/Procurements.js"
import { ProcurementsLive } from "../src/ProcurementsLive.js"

/**
 * Ledger, Procurements and Payments (and the bus and the database they need) over a database layer. `Layer.fresh`:
 * @effect/vitest memoises layers across the suites of a file, and each profile needs services over its own database.
 */
export const moneyLayer = <E>(database: Layer.Layer<SqlClient.SqlClient, E>) =>
  Layer.fresh(
    Layer.mergeAll(LedgerLive, ProcurementsLive, PaymentsLive).pipe(
      Layer.provideMerge(DomainEventsLive),
      Layer.provideMerge(database)
    )
  )

/** A fixed, realistic "now" for TestClock (it starts at the epoch otherwise). */
export const NOW = DateTime.unsafeMake("2030-03-01T12:00:00Z")

/** Sets TestClock to `NOW` (call at the start of every `it.effect`). */
export const atNow = TestClock.setTime(DateTime.toEpochMillis(NOW))

let counter = 0

/** Inserts a user row directly (the Users service is not needed by the money suites). */
export const insertUser = (
  options: {
    readonly role?: Role
    readonly isAdmin?: boolean
    readonly isActive?: boolean
    readonly firstName?: string
  } = {}
): Effect.Effect<UserId, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    counter += 1
    const rows = yield* sql<{ id: string }>`INSERT INTO users ${sql.insert({
      firstName: options.firstName ?? `User ${counter}`,
      username: `user_${counter}_${Math.random().toString(36).slice(2, 8)}`,
      role: options.role ?? "buyer",
      isAdmin: options.isAdmin ?? false,
      isActive: options.isActive ?? true
    })} RETURNING id`
    return UserId.make(rows[0]!.id)
  })

export const insertOrganizer = () => insertUser({ role: "organizer" })

/** Inserts a category (optionally under a parent). */
export const insertCategory = (name: string, parentId: CategoryId | null = null) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ id: CategoryId }>`INSERT INTO categories ${sql.insert({ name, parentId })} RETURNING id`
    return rows[0]!.id
  })

/** Deposits through the ledger with a fresh idempotency key. */
export const fund = (userId: UserId, amount: bigint) =>
  Effect.flatMap(Ledger, (ledger) =>
    ledger.deposit(
      new Credit({
        userId,
        amount: Kopecks.make(amount),
        idempotencyKey: `fund:${userId}:${Math.random().toString(36).slice(2)}:${++counter}`
      })
    )
  )

type ProcurementFields = ConstructorParameters<typeof CreateProcurement>[0]

/**
 * A valid creation input relative to the current (test) clock; override any field. The target is 10 000 ₽, or the
 * stop-at amount when that is lower (a stop amount below the target is refused).
 */
export const procurementInput = (organizerId: UserId, overrides: Partial<ProcurementFields> = {}) =>
  Effect.map(
    DateTime.now,
    (now) =>
      new CreateProcurement({
        organizerId,
        title: "Мёд алтайский",
        description: "Свежий мёд с пасеки",
        targetAmount: Kopecks.make(
          overrides.stopAtAmount != null && overrides.stopAtAmount < 1_000_000n ? overrides.stopAtAmount : 1_000_000n
        ),
        pricePerUnit: Kopecks.make(50_000n),
        unit: "кг",
        deadline: DateTime.add(now, { days: 7 }),
        city: "Барнаул",
        publish: true,
        ...overrides
      })
  )

/** Creates a procurement (ACTIVE unless `overrides` says otherwise) and returns its id. */
export const createProcurement = (organizerId: UserId, overrides: Partial<ProcurementFields> = {}) =>
  Effect.gen(function* () {
    const procurements = yield* Procurements
    const view = yield* procurements.create(yield* procurementInput(organizerId, overrides))
    return view.procurement.id
  })

const Bigint = Schema.Struct({ value: Kopecks })

const readKopecks = (query: (sql: SqlClient.SqlClient) => Effect.Effect<ReadonlyArray<unknown>, SqlError>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* query(sql)
    return (yield* Schema.decodeUnknown(Bigint)(rows[0])).value as bigint
  }).pipe(Effect.orDie)

export const balanceOf = (userId: UserId) =>
  readKopecks((sql) => sql`SELECT balance::text AS value FROM users WHERE id = ${userId}`)

export const heldOf = (id: ProcurementId) =>
  readKopecks((sql) => sql`SELECT held_amount::text AS value FROM procurements WHERE id = ${id}`)

/** Σ of a user's transaction amounts (must equal their balance). */
export const transactionSumOf = (userId: UserId) =>
  readKopecks((sql) => sql`SELECT coalesce(sum(amount), 0)::text AS value FROM transactions WHERE user_id = ${userId}`)

/** Row counts of the tables the money services write. */
export const rowCounts = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ procurements: number; participants: number; transactions: number; payments: number }>`
    SELECT (SELECT count(*)::int FROM procurements) AS procurements,
           (SELECT count(*)::int FROM participants) AS participants,
           (SELECT count(*)::int FROM transactions) AS transactions,
           (SELECT count(*)::int FROM payments) AS payments`
  return rows[0]!
}).pipe(Effect.orDie)

/** Moves the test clock. */
export const advance = (duration: Duration.DurationInput) => TestClock.adjust(duration)
