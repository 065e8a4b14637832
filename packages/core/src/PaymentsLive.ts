/**
 * Payment records over SQL. Settling locks the payment row first (then the user's row, through the ledger writes), so
 * however many times — or however concurrently — a provider reports a payment, it is credited once, with the ledger
 * idempotency key `payment:<id>` as a second guard. A payment reported by the provider's own id (a bank transfer) is
 * settled under the user's row lock instead, so that one user's transfers are matched to announced deposits one at a
 * time; the unique (provider, provider_payment_id) index keeps one record per bank payment. Events are published after
 * the transaction committed.
 */
import { SqlSchema } from "@effect/sql"
import type { Fragment } from "@effect/sql/Statement"
import { Effect, Layer, Option, Schema } from "effect"
import type { Actor } from "./Common.js"
import { Actor as ActorSchema } from "./Common.js"
import { Forbidden, IllegalTransition, InvalidInput, NotFound } from "./Errors.js"
import type { DomainEvent } from "./Events.js"
import { PaymentId, ProcurementId, UserId } from "./Ids.js"
import { ledgerAmountIssues } from "./LedgerLive.js"
import type { Participant, PaymentStatus, Procurement } from "./Models.js"
import { Payment } from "./Models.js"
import { formatRubles, Kopecks } from "./Money.js"
import type { PaymentSummary, PaymentsService } from "./Payments.js"
import {
  CreateDeposit,
  CreateProcurementPayment,
  MAX_DEPOSIT,
  MIN_DEPOSIT,
  PaymentFilter,
  type PaymentSortColumn,
  Payments
} from "./Payments.js"
import { checkPay, violation } from "./ProcurementRules.js"
import { makeProcurementStore } from "./internal/money/ProcurementStore.js"
import { makeReferralReward } from "./internal/money/ReferralReward.js"
import { decodeId, decodeInput, issue, refuseIfAny, validId } from "./internal/money/InputDecoding.js"
import { makeMoneyWork } from "./internal/money/MoneyWork.js"
import { orDie } from "./internal/money/SqlEdge.js"
import { dateRange, orderBy } from "./internal/ListSql.js"

const decodeDeposit = decodeInput(CreateDeposit)
const decodeShare = decodeInput(CreateProcurementPayment)

/** A share may be paid now: the procurement is in PAYMENT and the participant CONFIRMED (as paying from the balance). */
const payableNow = (p: Procurement, participant: Participant) =>
  p.status === "PAYMENT" && participant.status === "CONFIRMED"

/** A provider that authorizes first may hold the money from while the procurement collects until its PAYMENT. */
const checkAuthorizeEarly = (p: Procurement, participant: Participant) =>
  participant.status === "PAID" || participant.status === "DELIVERED"
    ? Effect.fail(violation("pay.already-paid", "You have already paid", "Вы уже оплатили участие"))
    : p.status === "ACTIVE" || p.status === "STOPPED" || p.status === "PAYMENT"
      ? Effect.void
      : Effect.fail(
          violation(
            "pay.not-open",
            "Payment is not open for this procurement",
            "Оплата по этой закупке сейчас не принимается"
          )
        )
const decodeFilter = decodeInput(PaymentFilter)
const IncomingInput = Schema.Struct({
  userId: UserId,
  provider: Schema.NonEmptyTrimmedString,
  providerPaymentId: Schema.NonEmptyTrimmedString,
  amount: Kopecks,
  description: Schema.optional(Schema.NullOr(Schema.String))
})
const decodeIncoming = decodeInput(IncomingInput)
type IncomingPayment = Parameters<PaymentsService["recordIncoming"]>[0]
const paymentId = decodeId(PaymentId, "payment")

/** The ledger key of the credit of a payment. */
export const paymentCreditKey = (id: PaymentId) => `payment:${id}`
const refundKey = (id: PaymentId) => `payment-refund:${id}`

const depositAmountIssues = (amount: bigint) =>
  amount < MIN_DEPOSIT
    ? [
        issue(
          "amount",
          "deposit.too-small",
          `The deposit must be at least ${formatRubles(MIN_DEPOSIT)}`,
          `Сумма пополнения должна быть не меньше ${formatRubles(MIN_DEPOSIT)}`
        )
      ]
    : amount > MAX_DEPOSIT
      ? [
          issue(
            "amount",
            "deposit.too-large",
            `The deposit may not exceed ${formatRubles(MAX_DEPOSIT)}`,
            `Сумма пополнения не может превышать ${formatRubles(MAX_DEPOSIT)}`
          )
        ]
      : []

const keyReused = InvalidInput.single(
  "idempotencyKey",
  "idempotency-key.reused",
  "This idempotency key was already used for a different payment",
  "Этот ключ идемпотентности уже использован для другого платежа"
)

const StatusRow = Schema.Struct({ status: Schema.String, count: Schema.Int, amount: Kopecks })
const DayRow = Schema.Struct({ day: Schema.String, count: Schema.Int, amount: Kopecks })

const paymentOrder: { readonly [K in PaymentSortColumn]: string } = {
  createdAt: "created_at",
  amount: "amount",
  status: "status",
  type: "type",
  provider: "provider",
  settledAt: "settled_at"
}

export const PaymentsLive = Layer.effect(
  Payments,
  Effect.gen(function* () {
    const { publishAll, sql, transaction, unitOfWork, writes } = yield* makeMoneyWork
    const store = yield* makeProcurementStore
    const referral = yield* makeReferralReward(writes)

    const byId = SqlSchema.findOne({
      Request: PaymentId,
      Result: Payment,
      execute: (id) => sql`SELECT * FROM payments WHERE id = ${id}`
    })

    const lock = SqlSchema.findOne({
      Request: PaymentId,
      Result: Payment,
      execute: (id) => sql`SELECT * FROM payments WHERE id = ${id} FOR NO KEY UPDATE`
    })

    const byKey = SqlSchema.findOne({
      Request: Schema.String,
      Result: Payment,
      execute: (key) => sql`SELECT * FROM payments WHERE idempotency_key = ${key}`
    })

    const byProviderId = SqlSchema.findOne({
      Request: Schema.Struct({ provider: Schema.String, providerPaymentId: Schema.String }),
      Result: Payment,
      execute: ({ provider, providerPaymentId }) =>
        sql`SELECT * FROM payments WHERE provider = ${provider} AND provider_payment_id = ${providerPaymentId}`
    })

    const decodePayments = Schema.decodeUnknown(Schema.Array(Payment))
    const returning = <E, R>(statement: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
      Effect.flatMap(statement, decodePayments)

    /** Timestamps are the database's, like `created_at` (the Clock decides rules, not records). */
    const setStatus = (id: PaymentId, status: PaymentStatus) =>
      returning(
        sql`UPDATE payments SET status = ${status}, updated_at = now(),
              settled_at = CASE WHEN ${status} = 'SUCCEEDED' THEN now() ELSE settled_at END
            WHERE id = ${id} RETURNING *`
      ).pipe(Effect.map((rows) => rows[0]!))

    const lockOrFail = (id: PaymentId) =>
      Effect.flatMap(
        lock(id),
        Option.match({ onNone: () => Effect.fail(new NotFound({ entity: "payment", id })), onSome: Effect.succeed })
      )

    const createDeposit = (input: CreateDeposit) =>
      Effect.gen(function* () {
        const deposit = yield* decodeDeposit(input)
        yield* refuseIfAny(depositAmountIssues(deposit.amount))
        const user = yield* orDie(writes.balanceOf(deposit.userId))
        if (Option.isNone(user)) return yield* new NotFound({ entity: "user", id: deposit.userId })
        const [created] = yield* orDie(
          returning(
            sql`INSERT INTO payments ${sql.insert({
              userId: deposit.userId,
              type: "DEPOSIT",
              status: "PENDING",
              provider: deposit.provider,
              idempotencyKey: deposit.idempotencyKey,
              amount: deposit.amount,
              description: deposit.description ?? null
            })} ON CONFLICT DO NOTHING RETURNING *`
          )
        )
        if (created !== undefined) return created
        const existing = yield* orDie(byKey(deposit.idempotencyKey))
        if (Option.isNone(existing)) return yield* Effect.dieMessage("payment insert conflicted without its key")
        const same =
          existing.value.userId === deposit.userId &&
          existing.value.amount === deposit.amount &&
          existing.value.provider === deposit.provider
        return same ? existing.value : yield* keyReused
      }).pipe(Effect.withSpan("Payments.createDeposit"))

    const attachProvider = (id: PaymentId, providerPaymentId: string, confirmationUrl: string | null) =>
      Effect.gen(function* () {
        const pid = yield* paymentId(id)
        const [updated] = yield* orDie(
          returning(
            sql`UPDATE payments SET provider_payment_id = ${providerPaymentId},
                  confirmation_url = ${confirmationUrl}, updated_at = now()
                WHERE id = ${pid} RETURNING *`
          )
        )
        return updated ?? (yield* new NotFound({ entity: "payment", id: pid }))
      })

    /**
     * Settles a payment and credits its deposit, inside the caller's transaction. A procurement payment locks its
     * procurement before the payment (the order every procurement change takes: procurement, then the users' rows),
     * and pays the share when it may still be paid; otherwise its money stays on the balance as a deposit.
     */
    const settle = (id: PaymentId, authorizedOnly = false) =>
      Effect.gen(function* () {
        const seen = yield* byId(id)
        const share =
          Option.isSome(seen) && seen.value.type === "PROCUREMENT_PAYMENT" && seen.value.procurementId !== null
            ? yield* store.lock(seen.value.procurementId)
            : Option.none<Procurement>()
        const payment = yield* lockOrFail(id)
        if (payment.status === "SUCCEEDED") return { payment, credited: false, events: [] as Array<DomainEvent> }
        if (payment.status !== "WAITING_FOR_CAPTURE" && (authorizedOnly || payment.status !== "PENDING"))
          return yield* new IllegalTransition({ entity: "payment", from: payment.status, to: "SUCCEEDED" })
        const settled = yield* setStatus(id, "SUCCEEDED")
        if (payment.type === "PROCUREMENT_PAYMENT" && Option.isSome(share)) {
          const p = share.value
          const participant = yield* store.participation({ procurementId: p.id, userId: payment.userId })
          if (
            Option.isSome(participant) &&
            payableNow(p, participant.value) &&
            participant.value.amount === payment.amount
          )
            return yield* payShare(settled, p, participant.value)
        } else if (payment.type !== "DEPOSIT") return { payment: settled, credited: false, events: [] }
        const key = paymentCreditKey(id)
        const already = yield* writes.findByKey(key)
        if (Option.isSome(already)) return { payment: settled, credited: false, events: [] }
        const t = yield* writes
          .apply({
            userId: payment.userId,
            amount: payment.amount,
            type: "DEPOSIT",
            paymentId: id,
            idempotencyKey: key,
            description: payment.description
          })
          .pipe(Effect.catchTags({ InsufficientFunds: Effect.die, EntryConflict: Effect.die, NotFound: Effect.die }))
        const events: Array<DomainEvent> = [
          { _tag: "PaymentSucceeded", paymentId: id, userId: payment.userId, amount: payment.amount },
          { _tag: "BalanceChanged", userId: payment.userId, balance: t.balanceAfter },
          ...(yield* referral.reward(payment.userId))
        ]
        return { payment: settled, credited: true, events }
      })

    /** The provider's money pays the share: credited and debited at once, the participant PAID, the money held. */
    const payShare = (payment: Payment, p: Procurement, participant: Participant) =>
      Effect.gen(function* () {
        const die = { InsufficientFunds: Effect.die, EntryConflict: Effect.die, NotFound: Effect.die } as const
        yield* writes
          .apply({
            userId: payment.userId,
            amount: payment.amount,
            type: "DEPOSIT",
            paymentId: payment.id,
            procurementId: p.id,
            idempotencyKey: paymentCreditKey(payment.id),
            description: p.title
          })
          .pipe(Effect.catchTags(die))
        yield* writes
          .apply({
            userId: payment.userId,
            amount: Kopecks.make(-payment.amount),
            type: "PROCUREMENT_JOIN",
            procurementId: p.id,
            participantId: participant.id,
            paymentId: payment.id,
            description: p.title
          })
          .pipe(Effect.catchTags(die))
        yield* store.addHeld(p.id, payment.amount)
        yield* store.setParticipantStatus([participant.id], "PAID")
        const events: Array<DomainEvent> = [
          {
            _tag: "PaymentSucceeded",
            paymentId: payment.id,
            userId: payment.userId,
            amount: payment.amount,
            procurementId: p.id,
            title: p.title
          },
          ...(yield* referral.reward(payment.userId))
        ]
        return { payment, credited: true, events }
      })

    /** Settles the payment in one transaction (`capture`: an authorized card payment), then tells its events. */
    const settleById = (id: PaymentId, capture: boolean) =>
      Effect.gen(function* () {
        const pid = yield* paymentId(id)
        const result = yield* transaction(settle(pid, capture))
        yield* publishAll(result.events)
        return { payment: result.payment, credited: result.credited }
      })

    const succeed = (id: PaymentId) => settleById(id, false).pipe(Effect.withSpan("Payments.succeed"))

    const capture = (id: PaymentId) => settleById(id, true).pipe(Effect.withSpan("Payments.capture"))

    const createProcurementPayment = (input: CreateProcurementPayment) =>
      Effect.gen(function* () {
        const share = yield* decodeShare(input)
        return yield* transaction(
          Effect.gen(function* () {
            const p = yield* store.lock(share.procurementId)
            if (Option.isNone(p)) return yield* new NotFound({ entity: "procurement", id: share.procurementId })
            const sameKey = yield* byKey(share.idempotencyKey)
            if (Option.isSome(sameKey))
              return sameKey.value.userId === share.userId && sameKey.value.procurementId === share.procurementId
                ? sameKey.value
                : yield* keyReused
            const participant = yield* store.participation({ procurementId: p.value.id, userId: share.userId })
            if (Option.isNone(participant))
              return yield* new NotFound({ entity: "participant", id: `${share.procurementId}/${share.userId}` })
            yield* share.authorizeFirst
              ? checkAuthorizeEarly(p.value, participant.value)
              : checkPay(p.value.status, participant.value.status)
            const [open] = yield* openShares(p.value.id, share.userId)
            if (open !== undefined) return open
            const [created] = yield* returning(
              sql`INSERT INTO payments ${sql.insert({
                userId: share.userId,
                procurementId: p.value.id,
                type: "PROCUREMENT_PAYMENT",
                status: "PENDING",
                provider: share.provider,
                idempotencyKey: share.idempotencyKey,
                amount: participant.value.amount,
                description: p.value.title,
                metadata: JSON.stringify({ participantId: participant.value.id, authorizeFirst: share.authorizeFirst })
              })} RETURNING *`
            )
            return created!
          })
        )
      }).pipe(Effect.withSpan("Payments.createProcurementPayment"))

    const openShares = (procurement: ProcurementId, user?: UserId) =>
      returning(
        sql`SELECT * FROM payments WHERE type = 'PROCUREMENT_PAYMENT' AND procurement_id = ${procurement}
              AND status IN ('PENDING', 'WAITING_FOR_CAPTURE')
              ${user === undefined ? sql`` : sql`AND user_id = ${user}`}
            ORDER BY created_at, id`
      )

    const openForProcurement = (procurement: ProcurementId, user?: UserId) =>
      validId(ProcurementId)(procurement) && (user === undefined || validId(UserId)(user))
        ? orDie(openShares(procurement, user))
        : Effect.succeed([])

    const openOfUser = (user: UserId) =>
      validId(UserId)(user)
        ? orDie(
            returning(
              sql`SELECT * FROM payments WHERE type = 'PROCUREMENT_PAYMENT' AND user_id = ${user}
                    AND status IN ('PENDING', 'WAITING_FOR_CAPTURE')
                  ORDER BY created_at, id`
            )
          )
        : Effect.succeed([])

    const authorize = (id: PaymentId) =>
      Effect.gen(function* () {
        const pid = yield* paymentId(id)
        return yield* transaction(
          Effect.gen(function* () {
            const payment = yield* lockOrFail(pid)
            if (payment.status !== "PENDING" && payment.status !== "WAITING_FOR_CAPTURE")
              return yield* new IllegalTransition({
                entity: "payment",
                from: payment.status,
                to: "WAITING_FOR_CAPTURE"
              })
            const authorized = payment.status === "PENDING" ? yield* setStatus(pid, "WAITING_FOR_CAPTURE") : payment
            if (payment.type !== "PROCUREMENT_PAYMENT" || payment.procurementId === null)
              return { payment: authorized, capturable: false }
            const p = yield* store.withStats(payment.procurementId)
            const participant = yield* store.participation({
              procurementId: payment.procurementId,
              userId: payment.userId
            })
            const capturable =
              Option.isSome(p) &&
              Option.isSome(participant) &&
              payableNow(p.value.procurement, participant.value) &&
              participant.value.amount === payment.amount
            return { payment: authorized, capturable }
          })
        )
      }).pipe(Effect.withSpan("Payments.authorize"))

    const succeedByProviderId = (provider: string, providerPaymentId: string) =>
      Effect.gen(function* () {
        const found = yield* orDie(
          byProviderId({ provider: String(provider), providerPaymentId: String(providerPaymentId) })
        )
        if (Option.isNone(found))
          return yield* new NotFound({ entity: "payment", id: `${provider}:${providerPaymentId}` })
        return yield* succeed(found.value.id)
      })

    /**
     * A provider's payment reported by its own id, credited in one SQL transaction under the user's row lock, so that
     * concurrent reports of one user's payments run one after the other: the payment already recorded under this id is
     * settled (a no-op once settled); with `claimAnnounced`, else the user's oldest announced PENDING deposit of that
     * amount is claimed by a conditional update; else a new record. The unique (provider, provider_payment_id) index
     * makes a second record of one bank payment impossible, whatever the interleaving.
     */
    const incoming = (input: IncomingPayment, claimAnnounced: boolean) =>
      Effect.gen(function* () {
        const incoming = yield* decodeIncoming(input)
        yield* refuseIfAny(ledgerAmountIssues(incoming.amount))
        const result = yield* transaction(
          Effect.gen(function* () {
            const user = yield* writes.lockUser(incoming.userId)
            if (Option.isNone(user)) return yield* new NotFound({ entity: "user", id: incoming.userId })
            if (claimAnnounced) {
              // recorded under this bank id already: settle that record (to whomever it belongs), nothing else
              const known = yield* byProviderId(incoming)
              if (Option.isSome(known)) {
                return known.value.status === "REFUNDED"
                  ? { payment: known.value, credited: false, events: [] as ReadonlyArray<DomainEvent> }
                  : yield* settle(known.value.id)
              }
              // the conditional update is the claim: its row count says whether this bank payment got the deposit
              const [claimed] = yield* returning(
                sql`UPDATE payments SET provider_payment_id = ${incoming.providerPaymentId}, updated_at = now()
                    WHERE id = (
                      SELECT id FROM payments
                      WHERE user_id = ${incoming.userId} AND provider = ${incoming.provider} AND type = 'DEPOSIT'
                        AND status = 'PENDING' AND provider_payment_id IS NULL AND amount = ${incoming.amount}
                      ORDER BY created_at, id LIMIT 1
                      FOR NO KEY UPDATE SKIP LOCKED)
                    AND status = 'PENDING' AND provider_payment_id IS NULL
                    RETURNING *`
              )
              if (claimed !== undefined) return yield* settle(claimed.id)
            }
            const [inserted] = yield* returning(
              sql`INSERT INTO payments ${sql.insert({
                userId: incoming.userId,
                type: "DEPOSIT",
                status: "PENDING",
                provider: incoming.provider,
                providerPaymentId: incoming.providerPaymentId,
                idempotencyKey: `incoming:${incoming.provider}:${incoming.providerPaymentId}`,
                amount: incoming.amount,
                description: incoming.description ?? null
              })} ON CONFLICT DO NOTHING RETURNING *`
            )
            if (inserted === undefined) {
              const existing = yield* byProviderId(incoming)
              if (Option.isNone(existing)) return yield* Effect.dieMessage("incoming payment conflicted without its id")
              if (claimAnnounced && existing.value.status !== "REFUNDED") return yield* settle(existing.value.id)
              return { payment: existing.value, credited: false, events: [] as ReadonlyArray<DomainEvent> }
            }
            return yield* settle(inserted.id)
          })
        )
        yield* publishAll(result.events)
        return { payment: result.payment, credited: result.credited }
      })

    const recordIncoming = (input: IncomingPayment) =>
      incoming(input, false).pipe(
        Effect.catchTag("IllegalTransition", (e) => Effect.die(e)),
        Effect.withSpan("Payments.recordIncoming")
      )

    const settleIncoming = (input: IncomingPayment) =>
      incoming(input, true).pipe(Effect.withSpan("Payments.settleIncoming"))

    /** Bank ids are checked in chunks, so that a long list of identified payments stays one query per chunk. */
    const uncredited = (provider: string, providerPaymentIds: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        const wanted = [...new Set(providerPaymentIds)]
        const credited = new Set<string>()
        for (let i = 0; i < wanted.length; i += 500) {
          const rows = yield* orDie(
            sql<{ id: string }>`SELECT DISTINCT p.provider_payment_id AS id FROM payments p
              JOIN transactions t ON t.payment_id = p.id AND t.type = 'DEPOSIT'
              WHERE p.provider = ${provider} AND ${sql.in("p.provider_payment_id", wanted.slice(i, i + 500))}`
          )
          for (const row of rows) credited.add(row.id)
        }
        return wanted.filter((id) => !credited.has(id))
      })

    const cancel = (id: PaymentId) =>
      Effect.gen(function* () {
        const pid = yield* paymentId(id)
        return yield* transaction(
          Effect.gen(function* () {
            const payment = yield* lockOrFail(pid)
            if (payment.status !== "PENDING" && payment.status !== "WAITING_FOR_CAPTURE")
              return yield* new IllegalTransition({ entity: "payment", from: payment.status, to: "CANCELLED" })
            return yield* setStatus(pid, "CANCELLED")
          })
        )
      })

    const refund = (id: PaymentId) =>
      Effect.gen(function* () {
        const pid = yield* paymentId(id)
        return yield* unitOfWork(
          Effect.gen(function* () {
            const payment = yield* lockOrFail(pid)
            if (payment.status !== "SUCCEEDED" || payment.type !== "DEPOSIT")
              return yield* new IllegalTransition({ entity: "payment", from: payment.status, to: "REFUNDED" })
            const t = yield* writes
              .apply({
                userId: payment.userId,
                amount: Kopecks.make(-payment.amount),
                type: "WITHDRAWAL",
                paymentId: pid,
                idempotencyKey: refundKey(pid),
                description: "refund"
              })
              .pipe(
                Effect.catchTags({
                  InsufficientFunds: (e) =>
                    Effect.fail(
                      InvalidInput.single(
                        "amount",
                        "refund.already-spent",
                        `The balance (${formatRubles(e.available)}) no longer covers the refund of ${formatRubles(e.needed)}`,
                        `Баланс (${formatRubles(e.available)}) уже не покрывает возврат ${formatRubles(e.needed)}`
                      )
                    ),
                  EntryConflict: Effect.die,
                  NotFound: Effect.die
                })
              )
            const refunded = yield* setStatus(pid, "REFUNDED")
            return [refunded, [{ _tag: "BalanceChanged", userId: t.userId, balance: t.balanceAfter } as const]] as const
          })
        )
      }).pipe(Effect.withSpan("Payments.refund"))

    const get = (actor: Actor, id: PaymentId) =>
      Effect.gen(function* () {
        const who = yield* Schema.decodeUnknown(ActorSchema)(actor).pipe(
          Effect.mapError(() => new Forbidden({ action: "payment.get", reason: "unknown actor" }))
        )
        const pid = yield* paymentId(id)
        const payment = yield* orDie(byId(pid))
        if (Option.isNone(payment)) return yield* new NotFound({ entity: "payment", id: pid })
        if (who._tag === "User" && !who.isAdmin && who.userId !== payment.value.userId)
          return yield* new Forbidden({ action: "payment.get", reason: "a user sees only their own payments" })
        return payment.value
      })

    const PageRow = Schema.Struct({ payment: Payment, total: Schema.Int })
    const findPage = (where: Fragment, order: Fragment, page: { readonly offset: number; readonly limit: number }) =>
      sql`SELECT *, count(*) OVER ()::int AS total FROM payments WHERE ${where}
          ORDER BY ${order} LIMIT ${page.limit} OFFSET ${page.offset}`.pipe(
        Effect.map((rows) => rows.map((row) => ({ payment: row, total: (row as { total: number }).total }))),
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(PageRow)))
      )

    const countAll = (where: Fragment) =>
      sql<{ total: number }>`SELECT count(*)::int AS total FROM payments WHERE ${where}`.pipe(
        Effect.map((rows) => rows[0]?.total ?? 0)
      )

    const list = (filter: PaymentFilter) =>
      decodeFilter(filter).pipe(
        Effect.matchEffect({
          // an unreadable filter matches nothing rather than everything
          onFailure: () => Effect.succeed({ items: [], total: 0, offset: 0, limit: 20 }),
          onSuccess: (f) =>
            Effect.gen(function* () {
              const where = sql.and([
                ...(f.userId === undefined ? [] : [sql`user_id = ${f.userId}`]),
                ...(f.status === undefined ? [] : [sql`status = ${f.status}`]),
                ...(f.type === undefined ? [] : [sql`type = ${f.type}`]),
                ...(f.provider === undefined ? [] : [sql`provider = ${f.provider}`]),
                dateRange(sql, "created_at", f)
              ])
              const order = orderBy(sql, f.sort, paymentOrder, "created_at DESC, id DESC", "id DESC")
              const rows = yield* orDie(findPage(where, order, f))
              // past the last page the window count is absent: count separately
              const total = rows[0]?.total ?? (f.offset > 0 ? yield* orDie(countAll(where)) : 0)
              return { items: rows.map((r) => r.payment), total, offset: f.offset, limit: f.limit }
            })
        })
      )

    const summary = (days: number): Effect.Effect<PaymentSummary> =>
      Effect.gen(function* () {
        const window = Number.isFinite(days) ? Math.min(Math.max(Math.floor(days), 1), 3660) : 30
        const since = sql`now() - make_interval(days => ${window})`
        const byStatus = yield* orDie(
          sql`SELECT status, count(*)::int AS count, coalesce(sum(amount), 0)::text AS amount
              FROM payments WHERE created_at >= ${since} GROUP BY status ORDER BY status`.pipe(
            Effect.flatMap(Schema.decodeUnknown(Schema.Array(StatusRow)))
          )
        )
        const byDay = yield* orDie(
          sql`SELECT to_char(settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS count,
                coalesce(sum(amount), 0)::text AS amount
              FROM payments WHERE status = 'SUCCEEDED' AND settled_at >= ${since}
              GROUP BY 1 ORDER BY 1`.pipe(Effect.flatMap(Schema.decodeUnknown(Schema.Array(DayRow))))
        )
        return {
          byStatus: byStatus.map((r) => ({ status: r.status as PaymentStatus, count: r.count, amount: r.amount })),
          byDay
        }
      })

    const virtualAccount = (userId: UserId, provider: string) =>
      validId(UserId)(userId)
        ? orDie(
            sql<{ accountId: string }>`SELECT account_id FROM virtual_accounts
              WHERE user_id = ${userId} AND provider = ${provider}`
          ).pipe(Effect.map((rows) => rows[0]?.accountId ?? null))
        : Effect.succeed(null)

    const setVirtualAccount = (userId: UserId, provider: string, accountId: string) =>
      orDie(
        sql`INSERT INTO virtual_accounts ${sql.insert({ userId, provider, accountId })}
            ON CONFLICT (user_id, provider) DO UPDATE SET account_id = excluded.account_id`
      ).pipe(Effect.asVoid)

    const userByVirtualAccount = (provider: string, accountId: string) =>
      orDie(
        sql<{ userId: UserId }>`SELECT user_id FROM virtual_accounts
          WHERE provider = ${provider} AND account_id = ${accountId}`
      ).pipe(Effect.map((rows) => rows[0]?.userId ?? null))

    return Payments.of({
      createDeposit,
      createProcurementPayment,
      authorize,
      capture,
      openForProcurement,
      openOfUser,
      attachProvider,
      succeed,
      succeedByProviderId,
      recordIncoming,
      settleIncoming,
      uncredited,
      cancel,
      refund,
      get,
      list,
      summary,
      virtualAccount,
      setVirtualAccount,
      userByVirtualAccount
    })
  })
)
