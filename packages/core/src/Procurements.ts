/**
 * Group purchases: creation, listing and search, the lifecycle, participants (join / leave / confirm / pay /
 * deliver). Money moves only through the ledger, in the same SQL transaction as the status change.
 */
import { Context, type Effect, Schema } from "effect"
import type { Actor, Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type {
  Forbidden,
  IllegalTransition,
  InsufficientFunds,
  InvalidInput,
  NotFound,
  RuleViolation
} from "./Errors.js"
import { CategoryId, ParticipantId, ProcurementId, UserId } from "./Ids.js"
import type { Participant, Procurement, User } from "./Models.js"
import { ProcurementStatus } from "./Models.js"
import { Kopecks } from "./Money.js"
import { SortOrder } from "./SortOrder.js"

/** Raw creation input; the service validates every field (deadline in the future, amounts positive, ...). */
export class CreateProcurement extends Schema.Class<CreateProcurement>("CreateProcurement")({
  organizerId: UserId,
  title: Schema.String,
  description: Schema.String,
  categoryId: Schema.optional(Schema.NullOr(CategoryId)),
  supplierId: Schema.optional(Schema.NullOr(UserId)),
  targetAmount: Kopecks,
  pricePerUnit: Kopecks,
  unit: Schema.String,
  minQuantity: Schema.optional(Schema.Int),
  deadline: Schema.DateTimeUtc,
  paymentDeadline: Schema.optional(Schema.NullOr(Schema.DateTimeUtc)),
  city: Schema.String,
  deliveryAddress: Schema.optional(Schema.NullOr(Schema.String)),
  stopAtAmount: Schema.optional(Schema.NullOr(Kopecks)),
  imageUrl: Schema.optional(Schema.NullOr(Schema.String)),
  organizerFeePercent: Schema.optional(Schema.Number),
  /** true → ACTIVE at once, false → DRAFT */
  publish: Schema.Boolean
}) {}

export class UpdateProcurement extends Schema.Class<UpdateProcurement>("UpdateProcurement")({
  title: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  categoryId: Schema.optional(Schema.NullOr(CategoryId)),
  deadline: Schema.optional(Schema.DateTimeUtc),
  paymentDeadline: Schema.optional(Schema.NullOr(Schema.DateTimeUtc)),
  city: Schema.optional(Schema.String),
  deliveryAddress: Schema.optional(Schema.NullOr(Schema.String)),
  imageUrl: Schema.optional(Schema.NullOr(Schema.String))
}) {}

export const ProcurementSort = Schema.Literal("newest", "deadline", "progress", "relevance")

/** The columns an admin may order the procurement grid by. */
export const ProcurementSortColumn = Schema.Literal(
  "createdAt",
  "title",
  "status",
  "deadline",
  "targetAmount",
  "collectedAmount",
  "participantCount",
  "city"
)
export type ProcurementSortColumn = typeof ProcurementSortColumn.Type

export class ProcurementFilter extends Schema.Class<ProcurementFilter>("ProcurementFilter")({
  ...PageRequest.fields,
  status: Schema.optional(Schema.Array(ProcurementStatus)),
  /** includes every descendant category */
  categoryId: Schema.optional(CategoryId),
  city: Schema.optional(Schema.String),
  featured: Schema.optional(Schema.Boolean),
  organizerId: Schema.optional(UserId),
  /** the procurements this user supplies */
  supplierId: Schema.optional(UserId),
  /** words searched in title and description (Russian stemming) */
  query: Schema.optional(Schema.String),
  sort: Schema.optional(ProcurementSort),
  /** an admin grid's column order; replaces `sort` */
  sortBy: Schema.optional(SortOrder(ProcurementSortColumn))
}) {}

/** Progress of a procurement, computed from its counting participants. */
export class Progress extends Schema.Class<Progress>("Progress")({
  collectedAmount: Kopecks,
  /** floor(collected * 100 / target), may exceed 100 */
  percent: Schema.NonNegativeInt,
  participantCount: Schema.NonNegativeInt,
  /** whole days until the deadline, rounded up; 0 once it passed */
  daysLeft: Schema.NonNegativeInt
}) {}

/** One move of a procurement's lifecycle: who made it (a user, or the system: deadline sweep, stop amount reached). */
export class StatusChange extends Schema.Class<StatusChange>("StatusChange")({
  from: ProcurementStatus,
  to: ProcurementStatus,
  at: Schema.DateTimeUtc,
  /** the user who moved it; null when the system did */
  userId: Schema.NullOr(UserId)
}) {}

/** A user as a procurement's card names them (its organizer, its supplier): first and last name. */
export const NamedUser = Schema.Struct({ id: UserId, name: Schema.String })
export type NamedUser = typeof NamedUser.Type

export interface ProcurementView {
  readonly procurement: Procurement
  readonly progress: Progress
  readonly organizer: NamedUser
  /** null while no supplier is named */
  readonly supplier: NamedUser | null
}

export interface ParticipantView {
  readonly participant: Participant
  readonly user: Pick<User, "id" | "firstName" | "lastName" | "username">
}

export interface MyProcurements {
  readonly organized: ReadonlyArray<ProcurementView>
  /** the procurements this user is the supplier of */
  readonly supplied: ReadonlyArray<ProcurementView>
  readonly joined: ReadonlyArray<{ readonly view: ProcurementView; readonly participant: Participant }>
}

export interface ProcurementsService {
  /** Only organizers (or admins) create procurements; others get `Forbidden`. */
  readonly create: (input: CreateProcurement) => Effect.Effect<ProcurementView, InvalidInput | Forbidden | NotFound>
  /** Organizer/admin edits while DRAFT or ACTIVE. */
  readonly update: (
    actor: Actor,
    id: ProcurementId,
    patch: UpdateProcurement
  ) => Effect.Effect<ProcurementView, InvalidInput | Forbidden | NotFound | RuleViolation>
  readonly get: (id: ProcurementId) => Effect.Effect<ProcurementView, NotFound>
  readonly list: (filter: ProcurementFilter) => Effect.Effect<Page<ProcurementView>>
  readonly forUser: (userId: UserId) => Effect.Effect<MyProcurements>
  /**
   * Moves the lifecycle (organizer or admin). CANCELLED refunds every paid participant exactly once; COMPLETED
   * transfers the held money to the organizer; PAYMENT asks confirmed participants to pay.
   */
  readonly setStatus: (
    actor: Actor,
    id: ProcurementId,
    to: ProcurementStatus
  ) => Effect.Effect<ProcurementView, IllegalTransition | Forbidden | NotFound>
  readonly setFeatured: (id: ProcurementId, featured: boolean) => Effect.Effect<ProcurementView, NotFound>
  /**
   * Joins while ACTIVE and before the deadline with quantity ≥ min quantity. With a stop-at amount, the join must
   * fit in what remains (`join.exceeds-remaining`, params.remaining); reaching it stops the procurement.
   */
  readonly join: (
    userId: UserId,
    id: ProcurementId,
    quantity: number
  ) => Effect.Effect<Participant, InvalidInput | NotFound | RuleViolation>
  /** Leaves until the procurement is STOPPED (`leave.too-late` afterwards). */
  readonly leave: (userId: UserId, id: ProcurementId) => Effect.Effect<Participant, NotFound | RuleViolation>
  readonly participants: (id: ProcurementId) => Effect.Effect<ReadonlyArray<ParticipantView>, NotFound>
  /** Organizer confirms a PENDING participant. */
  readonly confirmParticipant: (
    actor: Actor,
    participantId: ParticipantId
  ) => Effect.Effect<Participant, IllegalTransition | Forbidden | NotFound>
  /** In PAYMENT, a CONFIRMED participant pays their amount from their balance (PROCUREMENT_JOIN). */
  readonly pay: (
    userId: UserId,
    id: ProcurementId
  ) => Effect.Effect<Participant, InsufficientFunds | IllegalTransition | NotFound | RuleViolation>
  readonly markDelivered: (
    actor: Actor,
    participantId: ParticipantId
  ) => Effect.Effect<Participant, IllegalTransition | Forbidden | NotFound>
  /** The lifecycle moves of a procurement, oldest first. */
  readonly history: (id: ProcurementId) => Effect.Effect<ReadonlyArray<StatusChange>, NotFound>
  /** Stops every ACTIVE procurement whose deadline has passed; returns how many. */
  readonly sweepExpired: () => Effect.Effect<number>
}

export class Procurements extends Context.Tag("@groupbuy/core/Procurements")<Procurements, ProcurementsService>() {}
