/**
 * The explicit transition tables of procurements and participants. Every status change in core goes through
 * `transitionProcurement` / `transitionParticipant`; an illegal one is a typed `IllegalTransition` naming both states.
 */
import { Effect } from "effect"
import { IllegalTransition } from "./Errors.js"
import type { ParticipantStatus, ProcurementStatus } from "./Models.js"

export const procurementTransitions: Readonly<Record<ProcurementStatus, ReadonlyArray<ProcurementStatus>>> = {
  DRAFT: ["ACTIVE", "CANCELLED"],
  ACTIVE: ["STOPPED", "CANCELLED"],
  STOPPED: ["PAYMENT", "CANCELLED"],
  PAYMENT: ["COMPLETED", "CANCELLED"],
  COMPLETED: [],
  CANCELLED: []
}

export const participantTransitions: Readonly<Record<ParticipantStatus, ReadonlyArray<ParticipantStatus>>> = {
  PENDING: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["PAID", "CANCELLED"],
  PAID: ["DELIVERED", "CANCELLED"],
  DELIVERED: [],
  CANCELLED: []
}

export const canTransitionProcurement = (from: ProcurementStatus, to: ProcurementStatus) =>
  procurementTransitions[from].includes(to)

export const canTransitionParticipant = (from: ParticipantStatus, to: ParticipantStatus) =>
  participantTransitions[from].includes(to)

/** Succeeds with `to` when the table allows it. */
export const transitionProcurement = (from: ProcurementStatus, to: ProcurementStatus) =>
  canTransitionProcurement(from, to)
    ? Effect.succeed(to)
    : Effect.fail(new IllegalTransition({ entity: "procurement", from, to, allowed: procurementTransitions[from] }))

/** Succeeds with `to` when the table allows it. */
export const transitionParticipant = (from: ParticipantStatus, to: ParticipantStatus) =>
  canTransitionParticipant(from, to)
    ? Effect.succeed(to)
    : Effect.fail(new IllegalTransition({ entity: "participant", from, to, allowed: participantTransitions[from] }))

/** Statuses in which a participant still counts towards the collected amount. */
export const countingParticipantStatuses: ReadonlyArray<ParticipantStatus> = [
  "PENDING",
  "CONFIRMED",
  "PAID",
  "DELIVERED"
]
