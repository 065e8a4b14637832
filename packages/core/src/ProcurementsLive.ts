/**
 * Procurements over SQL. Every change runs in one SQL transaction that first locks the procurement row, so joins,
 * leaves, payments and status changes of one procurement are serialised (200 concurrent joins cannot overshoot a
 * stop-at amount); money moves through the ledger writes in the same transaction; events are published after commit.
 */
import { DateTime, Effect, Either, Layer, Option, Schema } from "effect"
import type { Actor, Page } from "./Common.js"
import { Actor as ActorSchema, systemActor } from "./Common.js"
import { Forbidden, IllegalTransition, NotFound } from "./Errors.js"
import type { DomainEvent } from "./Events.js"
import { ParticipantId, ProcurementId, UserId } from "./Ids.js"
import { transitionParticipant, transitionProcurement } from "./Lifecycle.js"
import type { Participant, ParticipantStatus, Procurement, ProcurementStatus } from "./Models.js"
import { ProcurementStatus as ProcurementStatusSchema } from "./Models.js"
import { Kopecks } from "./Money.js"
import {
  checkJoin,
  checkLeave,
  checkPay,
  editableStatuses,
  limits,
  nothingMoreFits,
  planStatusChange,
  progress,
  validateCreate,
  validateUpdate,
  violation
} from "./ProcurementRules.js"
import type { ProcurementView } from "./Procurements.js"
import { CreateProcurement, ProcurementFilter, Procurements, StatusChange, UpdateProcurement } from "./Procurements.js"
import { decodeId, decodeInput, invalid, issue, refuseIfAny, validId } from "./internal/money/InputDecoding.js"
import type { Entry } from "./internal/money/LedgerWrites.js"
import { makeMoneyWork } from "./internal/money/MoneyWork.js"
import type { ProcurementWithStats } from "./internal/money/ProcurementStore.js"
import { makeProcurementStore } from "./internal/money/ProcurementStore.js"
import { orDie } from "./internal/money/SqlEdge.js"
import { hasControlCharacters } from "./Validation.js"

const decodeCreate = decodeInput(CreateProcurement)
const decodeUpdate = decodeInput(UpdateProcurement)
const decodeFilter = decodeInput(ProcurementFilter)
const procurementId = decodeId(ProcurementId, "procurement")
const participantId = decodeId(ParticipantId, "participant")
const userId = decodeId(UserId, "user")
const isStatus = Schema.is(ProcurementStatusSchema)
/** The audit action of a lifecycle move (the procurement's status history). */
const STATUS_ACTION = "procurement.status"

const decodeActor = (action: string) => (actor: unknown) =>
  Schema.decodeUnknown(ActorSchema)(actor).pipe(
    Effect.mapError(() => new Forbidden({ action, reason: "unknown actor" }))
  )

/** The organizer of the procurement, an admin, or the system. */
const authorize = (actor: Actor, procurement: Procurement, action: string) =>
  actor._tag === "System" || actor.isAdmin || actor.userId === procurement.organizerId
    ? Effect.void
    : Effect.fail(new Forbidden({ action, reason: "only the organizer or an admin may do this" }))

const liveUsers = (organizerId: UserId, participants: ReadonlyArray<Participant>) => [
  ...new Set([organizerId, ...participants.filter((p) => p.status !== "CANCELLED").map((p) => p.userId)])
]

/** Credits inside a status change cannot lack funds; a lost unique race there is a broken invariant. */
const creditOrDie = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.catchIf(
    effect,
    (e): e is never => true,
    (e) => Effect.die(e)
  ) as Effect.Effect<A, never, R>

export const ProcurementsLive = Layer.effect(
  Procurements,
  Effect.gen(function* () {
    const store = yield* makeProcurementStore
    const { transaction, unitOfWork, writes } = yield* makeMoneyWork

    const toView = (row: ProcurementWithStats, now: DateTime.Utc): ProcurementView => ({
      procurement: row.procurement,
      progress: progress({
        collected: row.stats.collectedAmount,
        target: row.procurement.targetAmount,
        participantCount: row.stats.participantCount,
        deadline: row.procurement.deadline,
        now
      }),
      organizer: { id: row.procurement.organizerId, name: row.names.organizerName },
      supplier:
        row.procurement.supplierId === null || row.names.supplierName === null
          ? null
          : { id: row.procurement.supplierId, name: row.names.supplierName }
    })

    const viewOf = (id: ProcurementId) =>
      Effect.gen(function* () {
        const row = yield* orDie(store.withStats(id))
        if (Option.isNone(row)) return yield* new NotFound({ entity: "procurement", id })
        return toView(row.value, yield* DateTime.now)
      })

    const lockOrFail = (id: ProcurementId) =>
      Effect.flatMap(
        store.lock(id),
        Option.match({
          onNone: () => Effect.fail(new NotFound({ entity: "procurement", id })),
          onSome: Effect.succeed
        })
      )

    /** Locks the procurement and finds the user's live participation in it. */
    const lockParticipation = (pid: ProcurementId, uid: UserId) =>
      Effect.gen(function* () {
        const p = yield* lockOrFail(pid)
        const existing = yield* store.participation({ procurementId: pid, userId: uid })
        if (Option.isNone(existing)) return yield* new NotFound({ entity: "participant", id: `${pid}/${uid}` })
        return [p, existing.value] as const
      })

    const statusChanged = (
      p: Procurement,
      to: ProcurementStatus,
      participants: ReadonlyArray<Participant>
    ): DomainEvent => ({
      _tag: "ProcurementStatusChanged",
      procurementId: p.id,
      title: p.title,
      from: p.status,
      to,
      audience: liveUsers(p.organizerId, participants)
    })

    const credit = (entry: Entry) =>
      Effect.map(creditOrDie(writes.apply(entry)), (t): DomainEvent => ({
        _tag: "BalanceChanged",
        userId: t.userId,
        balance: t.balanceAfter
      }))

    /**
     * An allowed status change with all its effects, inside the caller's transaction (the procurement row is
     * locked): refunds on CANCELLED, the transfer on COMPLETED, payment requests on PAYMENT.
     */
    const applyStatus = (p: Procurement, to: ProcurementStatus, actor: Actor) =>
      Effect.gen(function* () {
        yield* transitionProcurement(p.status, to)
        // the lifecycle's history (`history`): one audit row per move, in the same transaction
        yield* orDie(
          store.sql`INSERT INTO audit_log (actor_id, actor_kind, action, target_type, target_id, details, created_at)
            VALUES (${actor._tag === "User" ? actor.userId : null}, ${actor._tag === "User" ? "user" : "system"},
              ${STATUS_ACTION}, 'procurement', ${p.id}, ${JSON.stringify({ from: p.status, to })}::jsonb,
              clock_timestamp())`
        )
        const participants = yield* store.participantsOf(p.id)
        if (to === "CANCELLED" && participants.some((x) => x.status === "DELIVERED"))
          return yield* new IllegalTransition({ entity: "participant", from: "DELIVERED", to: "CANCELLED" })
        const plan = planStatusChange(to, participants, p.heldAmount)
        const events: Array<DomainEvent> = [statusChanged(p, to, participants)]
        let heldDelta = 0n
        for (const refund of plan.refund) {
          events.push(
            yield* credit({
              userId: refund.userId,
              amount: refund.amount,
              type: "PROCUREMENT_REFUND",
              procurementId: p.id,
              participantId: refund.id as ParticipantId,
              description: p.title
            })
          )
          heldDelta -= refund.amount
        }
        yield* store.setParticipantStatus(
          [...plan.cancel, ...plan.refund].map((x) => x.id),
          "CANCELLED"
        )
        if (plan.transfer > 0n) {
          events.push(
            yield* credit({
              userId: p.organizerId,
              amount: plan.transfer,
              type: "TRANSFER",
              procurementId: p.id,
              description: p.title
            })
          )
          heldDelta -= plan.transfer
        }
        yield* store.setStatus(p.id, to, heldDelta)
        for (const ask of plan.askToPay)
          events.push({
            _tag: "PaymentRequired",
            procurementId: p.id,
            title: p.title,
            userId: ask.userId,
            amount: ask.amount
          })
        return events
      })

    const create = (input: CreateProcurement) =>
      Effect.gen(function* () {
        const decoded = yield* decodeCreate(input)
        const organizer = yield* orDie(store.user(decoded.organizerId))
        if (Option.isNone(organizer))
          return yield* new Forbidden({ action: "procurement.create", reason: "the organizer does not exist" })
        if (!organizer.value.isActive)
          return yield* new Forbidden({ action: "procurement.create", reason: "the organizer's account is blocked" })
        if (organizer.value.role !== "organizer" && !organizer.value.isAdmin)
          return yield* new Forbidden({ action: "procurement.create", reason: "only organizers create procurements" })
        const now = yield* DateTime.now
        const valid = validateCreate(decoded as CreateProcurement, now)
        if (Either.isLeft(valid)) return yield* invalid(valid.left)
        const p = valid.right
        if (p.categoryId !== null && !(yield* orDie(store.categoryExists(p.categoryId))))
          return yield* new NotFound({ entity: "category", id: p.categoryId })
        if (p.supplierId !== null) {
          const supplier = yield* orDie(store.user(p.supplierId))
          if (Option.isNone(supplier)) return yield* new NotFound({ entity: "user", id: p.supplierId })
          // the supplier is someone with the supplier role (given by an admin), in every channel
          if (supplier.value.role !== "supplier" || !supplier.value.isActive)
            return yield* invalid([
              issue(
                "supplierId",
                "supplier.not-supplier",
                "The supplier must be a user with the supplier role; ask them to request it in their profile",
                "Поставщиком может быть только пользователь с ролью «поставщик»; попросите его запросить роль в профиле"
              )
            ])
        }
        const rows = yield* orDie(
          store.sql`INSERT INTO procurements ${store.sql.insert({
            organizerId: p.organizerId,
            title: p.title,
            description: p.description,
            categoryId: p.categoryId,
            supplierId: p.supplierId,
            targetAmount: p.targetAmount,
            pricePerUnit: p.pricePerUnit,
            unit: p.unit,
            minQuantity: p.minQuantity,
            deadline: DateTime.toDate(p.deadline),
            paymentDeadline: p.paymentDeadline === null ? null : DateTime.toDate(p.paymentDeadline),
            city: p.city,
            deliveryAddress: p.deliveryAddress,
            stopAtAmount: p.stopAtAmount,
            imageUrl: p.imageUrl,
            organizerFeePercent: p.organizerFeePercent,
            status: p.status
          })} RETURNING id`
        )
        return yield* viewOf(ProcurementId.make(String(rows[0]!.id)))
      }).pipe(Effect.withSpan("Procurements.create"))

    const update = (actor: Actor, id: ProcurementId, patch: UpdateProcurement) =>
      Effect.gen(function* () {
        const pid = yield* procurementId(id)
        const who = yield* decodeActor("procurement.update")(actor)
        const decoded = yield* decodeUpdate(patch)
        const now = yield* DateTime.now
        yield* transaction(
          Effect.gen(function* () {
            const p = yield* lockOrFail(pid)
            yield* authorize(who, p, "procurement.update")
            if (!editableStatuses.includes(p.status))
              return yield* violation(
                "update.not-editable",
                "Only a draft or an active procurement can be edited",
                "Редактировать можно только черновик или активную закупку"
              )
            const next = validateUpdate(p, decoded as UpdateProcurement, now)
            if (Either.isLeft(next)) return yield* invalid(next.left)
            const f = next.right
            if (f.categoryId !== null && f.categoryId !== p.categoryId && !(yield* store.categoryExists(f.categoryId)))
              return yield* new NotFound({ entity: "category", id: f.categoryId })
            yield* store.sql`UPDATE procurements SET ${store.sql.update({
              title: f.title,
              description: f.description,
              categoryId: f.categoryId,
              deadline: DateTime.toDate(f.deadline),
              paymentDeadline: f.paymentDeadline === null ? null : DateTime.toDate(f.paymentDeadline),
              city: f.city,
              deliveryAddress: f.deliveryAddress,
              imageUrl: f.imageUrl
            })}, updated_at = now() WHERE id = ${pid}`
          })
        )
        return yield* viewOf(pid)
      }).pipe(Effect.withSpan("Procurements.update"))

    const get = (id: ProcurementId) => Effect.flatMap(procurementId(id), viewOf)

    const emptyPage = { items: [], total: 0, offset: 0, limit: 20 }

    const list = (filter: ProcurementFilter): Effect.Effect<Page<ProcurementView>> =>
      decodeFilter(filter).pipe(
        Effect.matchEffect({
          // an unreadable filter matches nothing rather than everything
          onFailure: () => Effect.succeed(emptyPage),
          onSuccess: (f) =>
            Effect.gen(function* () {
              const query = f.query?.trim() ? f.query.trim() : undefined
              const city = f.city?.trim() ? f.city.trim() : undefined
              // no procurement text holds control characters (and PostgreSQL cannot take NUL): nothing matches
              if ([query, city].some((text) => text !== undefined && hasControlCharacters(text))) {
                return { ...emptyPage, offset: f.offset, limit: f.limit }
              }
              const order = f.sort ?? (query !== undefined ? "relevance" : "newest")
              const now = yield* DateTime.now
              const { items, total } = yield* orDie(
                store.list({ ...f, query, city, order, offset: f.offset, limit: f.limit, now: DateTime.toDate(now) })
              )
              return { items: items.map((row) => toView(row, now)), total, offset: f.offset, limit: f.limit }
            })
        })
      )

    const forUser = (id: UserId) =>
      Effect.gen(function* () {
        if (!validId(UserId)(id)) return { organized: [], supplied: [], joined: [] }
        const now = yield* DateTime.now
        const organized = yield* orDie(store.organizedBy(id))
        const supplied = yield* orDie(store.suppliedBy(id))
        const participations = yield* orDie(store.joinedBy(id))
        const rows = yield* orDie(store.byIds([...new Set(participations.map((p) => p.procurementId))]))
        const byId = new Map(rows.map((r) => [r.procurement.id, toView(r, now)]))
        return {
          organized: organized.map((r) => toView(r, now)),
          supplied: supplied.map((r) => toView(r, now)),
          joined: participations.flatMap((participant) => {
            const view = byId.get(participant.procurementId)
            return view === undefined ? [] : [{ view, participant }]
          })
        }
      })

    const setStatus = (actor: Actor, id: ProcurementId, to: ProcurementStatus) =>
      Effect.gen(function* () {
        const pid = yield* procurementId(id)
        const who = yield* decodeActor("procurement.set-status")(actor)
        if (!isStatus(to)) return yield* new IllegalTransition({ entity: "procurement", from: "?", to: String(to) })
        yield* unitOfWork(
          Effect.gen(function* () {
            const p = yield* lockOrFail(pid)
            yield* authorize(who, p, "procurement.set-status")
            return [undefined, yield* applyStatus(p, to, who)] as const
          })
        )
        return yield* viewOf(pid)
      }).pipe(Effect.withSpan("Procurements.setStatus"))

    const setFeatured = (id: ProcurementId, featured: boolean) =>
      Effect.gen(function* () {
        const pid = yield* procurementId(id)
        const rows = yield* orDie(
          store.sql`UPDATE procurements SET is_featured = ${featured === true}, updated_at = now()
                    WHERE id = ${pid} RETURNING id`
        )
        if (rows.length === 0) return yield* new NotFound({ entity: "procurement", id: pid })
        return yield* viewOf(pid)
      })

    const quantityIssues = (quantity: unknown) =>
      typeof quantity === "number" && Number.isInteger(quantity) && quantity >= 1 && quantity <= limits.maxQuantity
        ? []
        : [
            issue(
              "quantity",
              "quantity.invalid",
              `The quantity must be a whole number from 1 to ${limits.maxQuantity}`,
              `Количество должно быть целым числом от 1 до ${limits.maxQuantity}`
            )
          ]

    const join = (user: UserId, id: ProcurementId, quantity: number) =>
      Effect.gen(function* () {
        const uid = yield* userId(user)
        const pid = yield* procurementId(id)
        yield* refuseIfAny(quantityIssues(quantity))
        const now = yield* DateTime.now
        return yield* unitOfWork(
          Effect.gen(function* () {
            const p = yield* lockOrFail(pid)
            // the account, an earlier join and the amount collected: one statement while the row is locked
            const { alreadyJoined, collected, userActive } = yield* store.joinContext({
              procurementId: pid,
              userId: uid
            })
            if (userActive === null) return yield* new NotFound({ entity: "user", id: uid })
            const amount = yield* checkJoin({
              procurement: p,
              userId: uid,
              userActive,
              quantity,
              collected,
              alreadyJoined,
              now
            })
            const participant = yield* store.insertParticipant({ procurementId: pid, userId: uid, quantity, amount })
            const events: Array<DomainEvent> = [
              {
                _tag: "ParticipantJoined",
                procurementId: pid,
                participantId: participant.id,
                userId: uid,
                quantity,
                amount,
                organizerId: p.organizerId,
                title: p.title,
                unit: p.unit
              }
            ]
            if (nothingMoreFits(p, collected + amount))
              // ACTIVE → STOPPED is always allowed
              events.push(
                ...(yield* Effect.orDieWith(applyStatus(p, "STOPPED", systemActor("stop amount reached")), (e) => e))
              )
            return [participant, events] as const
          })
        )
      }).pipe(Effect.withSpan("Procurements.join"))

    const leave = (user: UserId, id: ProcurementId) =>
      Effect.gen(function* () {
        const uid = yield* userId(user)
        const pid = yield* procurementId(id)
        return yield* unitOfWork(
          Effect.gen(function* () {
            const [p, participant] = yield* lockParticipation(pid, uid)
            // only PENDING/CONFIRMED participants exist while ACTIVE; a paid one is past leaving too
            yield* checkLeave(
              participant.status === "PENDING" || participant.status === "CONFIRMED" ? p.status : "PAYMENT"
            )
            const [left] = yield* store.setParticipantStatus([participant.id], "CANCELLED")
            return [
              left!,
              [
                {
                  _tag: "ParticipantLeft",
                  procurementId: pid,
                  participantId: left!.id,
                  userId: uid,
                  organizerId: p.organizerId,
                  title: p.title
                } as const
              ]
            ] as const
          })
        )
      }).pipe(Effect.withSpan("Procurements.leave"))

    const participants = (id: ProcurementId) =>
      Effect.gen(function* () {
        const pid = yield* procurementId(id)
        const rows = yield* orDie(store.participantsWithUsers(pid))
        if (rows.length === 0 && Option.isNone(yield* orDie(store.withStats(pid))))
          return yield* new NotFound({ entity: "procurement", id: pid })
        return rows
      })

    /** Organizer/admin moves one participant (confirm, deliver) under the procurement lock. */
    const moveParticipant = (action: string, to: ParticipantStatus) => (actor: Actor, id: ParticipantId) =>
      Effect.gen(function* () {
        const partId = yield* participantId(id)
        const who = yield* decodeActor(action)(actor)
        return yield* unitOfWork(
          Effect.gen(function* () {
            const before = yield* store.participant(partId)
            if (Option.isNone(before)) return yield* new NotFound({ entity: "participant", id: partId })
            const p = yield* lockOrFail(before.value.procurementId)
            yield* authorize(who, p, action)
            const current = yield* store.participant(partId)
            if (Option.isNone(current)) return yield* new NotFound({ entity: "participant", id: partId })
            yield* transitionParticipant(current.value.status, to)
            const [moved] = yield* store.setParticipantStatus([partId], to)
            const events: ReadonlyArray<DomainEvent> =
              to === "CONFIRMED" && p.status === "PAYMENT"
                ? [
                    {
                      _tag: "PaymentRequired",
                      procurementId: p.id,
                      title: p.title,
                      userId: moved!.userId,
                      amount: moved!.amount
                    }
                  ]
                : []
            return [moved!, events] as const
          })
        )
      }).pipe(Effect.withSpan(`Procurements.${action}`))

    const pay = (user: UserId, id: ProcurementId) =>
      Effect.gen(function* () {
        const uid = yield* userId(user)
        const pid = yield* procurementId(id)
        return yield* unitOfWork(
          Effect.gen(function* () {
            const [p, participant] = yield* lockParticipation(pid, uid)
            yield* checkPay(p.status, participant.status)
            yield* transitionParticipant(participant.status, "PAID")
            const t = yield* writes.apply({
              userId: uid,
              amount: Kopecks.make(-participant.amount),
              type: "PROCUREMENT_JOIN",
              procurementId: pid,
              participantId: participant.id,
              description: p.title
            })
            yield* store.addHeld(pid, participant.amount)
            const [paid] = yield* store.setParticipantStatus([participant.id], "PAID")
            return [paid!, [{ _tag: "BalanceChanged", userId: uid, balance: t.balanceAfter } as const]] as const
          })
        ).pipe(
          // the participant's one PROCUREMENT_JOIN exists already: it was paid by a concurrent call
          Effect.catchTag("EntryConflict", () =>
            Effect.fail(violation("pay.already-paid", "You have already paid", "Вы уже оплатили участие"))
          )
        )
      }).pipe(Effect.withSpan("Procurements.pay"))

    const sweepExpired = () =>
      Effect.gen(function* () {
        const now = yield* DateTime.now
        const ids = yield* orDie(store.expiredActive(DateTime.toDate(now)))
        let stopped = 0
        for (const id of ids) {
          const changed = yield* unitOfWork(
            Effect.gen(function* () {
              const p = yield* lockOrFail(id)
              // re-checked under the lock: a concurrent change may have moved it already
              if (p.status !== "ACTIVE" || DateTime.greaterThan(p.deadline, now)) return [false, []] as const
              return [true, yield* applyStatus(p, "STOPPED", systemActor("deadline passed"))] as const
            })
          ).pipe(Effect.catchAll(() => Effect.succeed(false)))
          if (changed) stopped += 1
        }
        return stopped
      }).pipe(Effect.withSpan("Procurements.sweepExpired"))

    const history = (id: ProcurementId) =>
      Effect.gen(function* () {
        const pid = yield* procurementId(id)
        yield* viewOf(pid)
        // details is read as text: the client's name transform would otherwise rewrite the keys inside it
        const rows = yield* orDie(
          store.sql<{ actorId: string | null; actorKind: string; details: string; createdAt: Date }>`
            SELECT actor_id, actor_kind, details::text AS details, created_at FROM audit_log
            WHERE target_type = 'procurement' AND target_id = ${pid} AND action = ${STATUS_ACTION}
            ORDER BY created_at, id`
        )
        return yield* orDie(
          Schema.decodeUnknown(Schema.Array(StatusChange))(
            rows.map((r) => ({
              ...(JSON.parse(r.details) as object),
              at: new Date(r.createdAt).toISOString(),
              userId: r.actorKind === "user" ? r.actorId : null
            }))
          )
        )
      }).pipe(Effect.withSpan("Procurements.history"))

    return Procurements.of({
      create,
      update,
      get,
      list,
      forUser,
      setStatus,
      setFeatured,
      join,
      leave,
      participants,
      confirmParticipant: moveParticipant("confirm-participant", "CONFIRMED"),
      pay,
      markDelivered: moveParticipant("mark-delivered", "DELIVERED"),
      sweepExpired,
      history
    })
  })
)
