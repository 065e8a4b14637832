/**
 * `Withdrawals` over PostgreSQL (`withdrawal_requests`) and the ledger writes. Each step is one SQL transaction that
 * locks the request row (then the user's), so a double click, or an approval racing a rejection, acts once; the
 * ledger rows carry the keys `withdrawal:<id>:hold|paid|release` (the link from a ledger row to its request; no
 * description, which a user would read in a language it is not written in), whose unique index is the backstop. Events are
 * published after the transaction commits.
 */
import { Effect, Either, Layer, Option, Schema } from "effect"
import type { DomainEvent } from "./Events.js"
import { InvalidInput, NotFound, RuleViolation } from "./Errors.js"
import { UserId, WithdrawalRequestId } from "./Ids.js"
import { ledgerAmountIssues } from "./LedgerLive.js"
import type { Transaction } from "./Models.js"
import { Kopecks } from "./Money.js"
import {
  type PayoutFailure,
  type PayoutReceipt,
  RequestWithdrawal,
  WITHDRAWAL_DETAILS_MAX,
  WITHDRAWAL_DETAILS_MIN,
  WithdrawalFilter,
  WithdrawalRequest,
  Withdrawals,
  type WithdrawalView
} from "./Withdrawals.js"
import { decodeInput, issue, refuseIfAny } from "./internal/money/InputDecoding.js"
import { makeMoneyWork } from "./internal/money/MoneyWork.js"
import { orDie } from "./internal/money/SqlEdge.js"
import { decodeRows } from "./internal/people/Sql.js"

/** How long a payout may stay under way before another approval may try again (keyed by the request id). */
const STUCK_AFTER_SECONDS = 600

const Refusal = {
  inactive: () =>
    new RuleViolation({
      code: "withdrawal.inactive",
      en: "Your account is blocked, so it cannot withdraw money.",
      ru: "Ваш аккаунт заблокирован, поэтому вывести деньги нельзя.",
      params: {}
    }),
  decided: (request: WithdrawalRequest) =>
    new RuleViolation({
      code: "withdrawal.decided",
      en: `This withdrawal request has already been ${request.status === "APPROVED" ? "paid out" : "rejected"}.`,
      ru: `Эта заявка на вывод уже ${request.status === "APPROVED" ? "выплачена" : "отклонена"}.`,
      params: { status: request.status }
    }),
  processing: () =>
    new RuleViolation({
      code: "withdrawal.processing",
      en: "The payout of this withdrawal request is under way: wait for it to finish.",
      ru: "Выплата по этой заявке уже выполняется: дождитесь её завершения.",
      params: {}
    }),
  payoutFailed: (failure: PayoutFailure) =>
    new RuleViolation({
      code: "withdrawal.payout-failed",
      en: `The payout failed, the request is pending again and the amount stays held: ${failure.message}`,
      ru: `Выплата не прошла, заявка снова ожидает решения, сумма остаётся удержанной: ${failure.message}`,
      params: { failure: failure.message }
    }),
  keyReused: () =>
    InvalidInput.single(
      "idempotencyKey",
      "idempotency-key.reused",
      "This idempotency key was already used for a different withdrawal request",
      "Этот ключ идемпотентности уже использован для другой заявки на вывод"
    )
}

const inputIssues = (amount: bigint, details: string) => [
  ...ledgerAmountIssues(amount),
  ...(details.length < WITHDRAWAL_DETAILS_MIN
    ? [
        issue(
          "details",
          "withdrawal.details-missing",
          "Write where to pay: a card number, or an account number with its bank, or a phone number for SBP.",
          "Укажите, куда перевести деньги: номер карты, или номер счёта и банк, или телефон для СБП."
        )
      ]
    : details.length > WITHDRAWAL_DETAILS_MAX
      ? [
          issue(
            "details",
            "withdrawal.details-too-long",
            `The payout details may be at most ${WITHDRAWAL_DETAILS_MAX} characters long.`,
            `Реквизиты для выплаты — не длиннее ${WITHDRAWAL_DETAILS_MAX} символов.`
          )
        ]
      : [])
]

const decodeRequest = decodeInput(RequestWithdrawal)
const AdminRow = Schema.Struct({ id: UserId })
const ViewRow = Schema.Struct({
  ...WithdrawalRequest.fields,
  firstName: Schema.String,
  lastName: Schema.NullOr(Schema.String),
  username: Schema.NullOr(Schema.String),
  balance: Kopecks
})
const TotalRow = Schema.Struct({ total: Schema.Number })

const keyOf = (id: WithdrawalRequestId, step: "hold" | "paid" | "release") => `withdrawal:${id}:${step}`

export const WithdrawalsLive = Layer.effect(
  Withdrawals,
  Effect.gen(function* () {
    const { publishAll, sql, transaction, writes } = yield* makeMoneyWork
    const requests = decodeRows(WithdrawalRequest)

    const balanceChanged = (t: Transaction): DomainEvent => ({
      _tag: "BalanceChanged",
      userId: t.userId,
      balance: t.balanceAfter
    })
    const decided = (request: WithdrawalRequest): DomainEvent => ({
      _tag: "WithdrawalDecided",
      requestId: request.id,
      userId: request.userId,
      amount: request.amount,
      approved: request.status === "APPROVED",
      reason: request.reason
    })

    const lockRequest = (id: WithdrawalRequestId) =>
      Effect.flatMap(requests(sql`SELECT * FROM withdrawal_requests WHERE id = ${id} FOR UPDATE`), (rows) =>
        rows[0] === undefined
          ? Effect.fail(new NotFound({ entity: "withdrawal_request", id }))
          : Effect.succeed(rows[0])
      )

    const request = Effect.fn("Withdrawals.request")(function* (userId: UserId, input: RequestWithdrawal) {
      const decoded = yield* decodeRequest(input)
      const details = decoded.details.trim()
      yield* refuseIfAny(inputIssues(decoded.amount, details))
      const key = decoded.idempotencyKey ?? null
      const outcome = yield* transaction(
        Effect.gen(function* () {
          // the account's row lock serialises the requests of one person: the second of two at once sees the
          // balance the first left, and a replayed key finds the first request
          const user = yield* writes.lockUser(userId)
          if (Option.isNone(user)) return yield* new NotFound({ entity: "user", id: userId })
          if (!user.value.isActive) return yield* Refusal.inactive()
          if (key !== null) {
            const [existing] = yield* requests(sql`SELECT * FROM withdrawal_requests WHERE idempotency_key = ${key}`)
            if (existing !== undefined) {
              if (existing.userId !== userId || existing.amount !== decoded.amount) return yield* Refusal.keyReused()
              return { request: existing, created: false, hold: null }
            }
          }
          const [created] = yield* requests(
            sql`INSERT INTO withdrawal_requests (user_id, amount, details, idempotency_key)
                VALUES (${userId}, ${decoded.amount}, ${details}, ${key}) RETURNING *`
          )
          const hold = yield* writes.apply({
            userId,
            type: "WITHDRAWAL_HOLD",
            amount: Kopecks.make(-decoded.amount),
            idempotencyKey: keyOf(created!.id, "hold")
          })
          return { request: created!, created: true, hold }
        })
      ).pipe(Effect.catchTag("EntryConflict", (e) => Effect.die(e)))
      if (outcome.hold !== null) {
        const admins = yield* orDie(
          decodeRows(AdminRow)(
            sql`SELECT u.id FROM users u WHERE u.is_active AND (u.is_admin OR EXISTS (
                    SELECT 1 FROM admin_accounts a WHERE a.user_id = u.id AND a.is_active))`
          )
        )
        yield* publishAll([
          balanceChanged(outcome.hold),
          {
            _tag: "WithdrawalRequested",
            requestId: outcome.request.id,
            userId,
            amount: outcome.request.amount,
            admins: admins.map((a) => a.id).filter((id) => id !== userId)
          }
        ])
      }
      return { request: outcome.request, created: outcome.created }
    })

    const get = (id: WithdrawalRequestId) =>
      orDie(requests(sql`SELECT * FROM withdrawal_requests WHERE id = ${id}`)).pipe(
        Effect.flatMap((rows) =>
          rows[0] === undefined
            ? Effect.fail(new NotFound({ entity: "withdrawal_request", id }))
            : Effect.succeed(rows[0])
        )
      )

    const list = Effect.fn("Withdrawals.list")(function* (input: WithdrawalFilter) {
      const filter = yield* Schema.decodeUnknown(WithdrawalFilter)(input).pipe(Effect.orDie)
      const where = sql.and([
        ...(filter.status === undefined ? [] : [sql`w.status = ${filter.status}`]),
        ...(filter.userId === undefined ? [] : [sql`w.user_id = ${filter.userId}`])
      ])
      const rows = yield* decodeRows(ViewRow)(
        sql`SELECT w.*, u.first_name, u.last_name, u.username, u.balance
              FROM withdrawal_requests w JOIN users u ON u.id = w.user_id
              WHERE ${where} ORDER BY w.created_at DESC, w.id DESC OFFSET ${filter.offset} LIMIT ${filter.limit}`
      )
      const [count] = yield* decodeRows(TotalRow)(
        sql`SELECT count(*)::int AS total FROM withdrawal_requests w WHERE ${where}`
      )
      const items = rows.map(({ balance, firstName, lastName, username, ...request }): WithdrawalView => ({
        request: WithdrawalRequest.make(request),
        user: { firstName, lastName, username, balance }
      }))
      return { items, total: count?.total ?? 0, offset: filter.offset, limit: filter.limit }
    }, orDie)

    /** PENDING (or stuck in PROCESSING) → PROCESSING, or the reason this approval does nothing or is refused. */
    const claim = (id: WithdrawalRequestId, by: UserId | null) =>
      transaction(
        Effect.gen(function* () {
          const current = yield* lockRequest(id)
          if (current.status === "APPROVED") return Either.left(current)
          if (current.status === "REJECTED") return yield* Refusal.decided(current)
          if (current.status === "PROCESSING") {
            const [stuck] = yield* sql<{ stuck: boolean }>`
              SELECT updated_at < now() - make_interval(secs => ${STUCK_AFTER_SECONDS}) AS stuck
                FROM withdrawal_requests WHERE id = ${id}`
            if (stuck?.stuck !== true) return yield* Refusal.processing()
          }
          const [claimed] = yield* requests(
            sql`UPDATE withdrawal_requests SET status = 'PROCESSING', decided_by = ${by}, failure = NULL,
                    updated_at = now()
                  WHERE id = ${id} RETURNING *`
          )
          return Either.right(claimed!)
        })
      )

    /** The payout happened: the WITHDRAWAL is recorded (the balance already lost the amount to the hold). */
    const complete = (id: WithdrawalRequestId, receipt: PayoutReceipt) =>
      transaction(
        Effect.gen(function* () {
          const current = yield* lockRequest(id)
          // another approval of a stuck request finished first
          if (current.status !== "PROCESSING") return { request: current, changed: false }
          yield* writes.lockUser(current.userId)
          yield* writes.record({
            userId: current.userId,
            type: "WITHDRAWAL",
            amount: Kopecks.make(-current.amount),
            idempotencyKey: keyOf(id, "paid"),
            createdBy: current.decidedBy
          })
          const [approved] = yield* requests(
            sql`UPDATE withdrawal_requests SET status = 'APPROVED', provider = ${receipt.provider},
                    payout_reference = ${receipt.reference}, decided_at = now(), updated_at = now()
                  WHERE id = ${id} RETURNING *`
          )
          return { request: approved!, changed: true }
        })
      ).pipe(Effect.catchTag("EntryConflict", (e) => Effect.die(e)))

    /** The payout failed: back to PENDING, still held, with the provider's message for the admin. */
    const unclaim = (id: WithdrawalRequestId, failure: PayoutFailure) =>
      orDie(
        sql`UPDATE withdrawal_requests SET status = 'PENDING', failure = ${failure.message.slice(0, 1000)},
                updated_at = now()
              WHERE id = ${id} AND status = 'PROCESSING'`
      )

    const approve = <R>(
      id: WithdrawalRequestId,
      by: UserId | null,
      payout: (request: WithdrawalRequest) => Effect.Effect<PayoutReceipt, PayoutFailure, R>
    ) =>
      Effect.gen(function* () {
        const claimed = yield* claim(id, by)
        if (Either.isLeft(claimed)) return { request: claimed.left, changed: false }
        const paid = yield* Effect.either(payout(claimed.right))
        if (Either.isLeft(paid)) {
          yield* unclaim(id, paid.left)
          return yield* Refusal.payoutFailed(paid.left)
        }
        const outcome = yield* complete(id, paid.right)
        if (outcome.changed) yield* publishAll([decided(outcome.request)])
        return outcome
      }).pipe(Effect.withSpan("Withdrawals.approve"))

    const reject = Effect.fn("Withdrawals.reject")(function* (
      id: WithdrawalRequestId,
      by: UserId | null,
      reason: string | null
    ) {
      const outcome = yield* transaction(
        Effect.gen(function* () {
          const current = yield* lockRequest(id)
          if (current.status === "REJECTED") return { request: current, changed: false, release: null }
          if (current.status === "APPROVED") return yield* Refusal.decided(current)
          if (current.status === "PROCESSING") return yield* Refusal.processing()
          const release = yield* writes.apply({
            userId: current.userId,
            type: "WITHDRAWAL_RELEASE",
            amount: current.amount,
            idempotencyKey: keyOf(id, "release"),
            createdBy: by
          })
          const [rejected] = yield* requests(
            sql`UPDATE withdrawal_requests SET status = 'REJECTED', reason = ${reason}, decided_by = ${by},
                    decided_at = now(), updated_at = now()
                  WHERE id = ${id} RETURNING *`
          )
          return { request: rejected!, changed: true, release }
        })
      ).pipe(
        // a release is a credit: it never lacks funds; a lost key race means the release already happened
        Effect.catchTags({ InsufficientFunds: (e) => Effect.die(e), EntryConflict: (e) => Effect.die(e) })
      )
      if (outcome.release !== null) yield* publishAll([balanceChanged(outcome.release), decided(outcome.request)])
      return { request: outcome.request, changed: outcome.changed }
    })

    // an id that is not a UUID names no request (rather than a database error)
    const known =
      <A, E, R>(run: (id: WithdrawalRequestId) => Effect.Effect<A, E, R>) =>
      (id: WithdrawalRequestId): Effect.Effect<A, E | NotFound, R> =>
        Schema.is(WithdrawalRequestId)(id)
          ? run(id)
          : Effect.fail(new NotFound({ entity: "withdrawal_request", id: String(id) }))

    return Withdrawals.of({
      request: (userId, input) =>
        Schema.is(UserId)(userId) ? request(userId, input) : Effect.fail(new NotFound({ entity: "user", id: userId })),
      get: known(get),
      list,
      approve: (id, by, payout) => known((valid) => approve(valid, by, payout))(id),
      reject: (id, by, reason) => known((valid) => reject(valid, by, reason))(id)
    })
  })
)
