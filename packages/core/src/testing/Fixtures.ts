/**
 * Plain-SQL fixtures for tests: users, procurements and participants inserted directly, so a suite can set up a
 * scene without going through (or depending on) the services under test.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import type { ParticipantStatus, ProcurementStatus, Role } from "../Models.js"
import { ParticipantId, ProcurementId, UserId } from "../Ids.js"

/** A user row (no identity). Defaults: a buyer named "Тест", active, balance 0. */
export const insertUser = (
  fields: {
    readonly firstName?: string
    readonly role?: Role
    readonly isAdmin?: boolean
    readonly isActive?: boolean
    readonly balance?: bigint
    readonly phone?: string | null
    readonly email?: string | null
  } = {}
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ id: string }>`INSERT INTO users ${sql.insert({
      firstName: fields.firstName ?? "Тест",
      role: fields.role ?? "buyer",
      isAdmin: fields.isAdmin ?? false,
      isActive: fields.isActive ?? true,
      balance: (fields.balance ?? 0n).toString(),
      phone: fields.phone ?? null,
      email: fields.email ?? null
    })} RETURNING id`
    return UserId.make(row!.id)
  }).pipe(Effect.orDie)

/** A procurement row. Defaults: ACTIVE, deadline in a week, 1000 ₽ target, 100 ₽ per unit. */
export const insertProcurement = (
  organizerId: UserId,
  fields: {
    readonly title?: string
    readonly supplierId?: UserId | null
    readonly status?: ProcurementStatus
  } = {}
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ id: string }>`INSERT INTO procurements ${sql.insert({
      title: fields.title ?? `Закупка ${randomUUID().slice(0, 8)}`,
      organizerId,
      supplierId: fields.supplierId ?? null,
      targetAmount: "100000",
      pricePerUnit: "10000",
      unit: "шт",
      deadline: new Date(Date.now() + 7 * 24 * 3600 * 1000),
      city: "Москва",
      status: fields.status ?? "ACTIVE"
    })} RETURNING id`
    return ProcurementId.make(row!.id)
  }).pipe(Effect.orDie)

/** A participant row (no money moves). Default status CONFIRMED, 1 unit for 100 ₽. */
export const insertParticipant = (
  procurementId: ProcurementId,
  userId: UserId,
  status: ParticipantStatus = "CONFIRMED"
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ id: string }>`INSERT INTO participants ${sql.insert({
      procurementId,
      userId,
      quantity: 1,
      amount: "10000",
      status
    })} RETURNING id`
    return ParticipantId.make(row!.id)
  }).pipe(Effect.orDie)
