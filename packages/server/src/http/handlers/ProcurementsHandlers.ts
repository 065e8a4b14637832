/**
 * `procurements` group: search, creation, lifecycle (organizer or admin), participation (for oneself), announcing in
 * the broadcast channels (the router's rules, the same as the bot's /broadcast).
 */
import { HttpApiBuilder } from "@effect/platform"
import {
  CreateProcurement,
  CurrentPrincipal,
  GroupBuyApi,
  NotFound,
  type Principal,
  ProcurementFilter,
  Procurements,
  type ProcurementStatus,
  type ProcurementView,
  UpdateProcurement,
  type UserId
} from "@groupbuy/core"
import { Router } from "@groupbuy/router"
import { Effect } from "effect"
import {
  actingUser,
  actorFor,
  isTrusted,
  requireMember,
  requireSelfOrTrusted,
  requireTrusted
} from "../../internal/Access.js"
import { compact } from "../../internal/Compact.js"

const PUBLIC_STATUSES: ReadonlyArray<ProcurementStatus> = ["ACTIVE", "STOPPED", "PAYMENT", "COMPLETED", "CANCELLED"]

/** Drafts are visible to their organizer and administrators only. */
const canSee = (p: Principal, view: ProcurementView) =>
  view.procurement.status !== "DRAFT" ||
  isTrusted(p) ||
  (p._tag === "User" && p.userId === view.procurement.organizerId)

export const ProcurementsHandlers = HttpApiBuilder.group(GroupBuyApi, "procurements", (handlers) =>
  Effect.gen(function* () {
    const procurements = yield* Procurements
    const router = yield* Router
    const forUser = ({ path }: { readonly path: { readonly userId: UserId } }) =>
      Effect.zipRight(
        requireSelfOrTrusted("read a user's procurements", path.userId),
        procurements.forUser(path.userId)
      )
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const p = yield* CurrentPrincipal
          const params = compact(urlParams)
          const ownDrafts = p._tag === "User" && params.organizerId === p.userId
          const status =
            isTrusted(p) || ownDrafts ? params.status : (params.status ?? PUBLIC_STATUSES).filter((s) => s !== "DRAFT")
          if (status !== undefined && status.length === 0) {
            return { items: [], total: 0, offset: params.offset ?? 0, limit: params.limit ?? 20 }
          }
          return yield* procurements.list(new ProcurementFilter({ ...params, ...(status ? { status } : {}) }))
        })
      )
      .handle("create", ({ payload }) =>
        Effect.gen(function* () {
          const { organizerId: requested, ...rest } = payload
          const organizerId = yield* actingUser("create a procurement", requested)
          return yield* procurements.create(new CreateProcurement({ ...rest, organizerId }))
        })
      )
      .handle("get", ({ path }) =>
        Effect.gen(function* () {
          const p = yield* CurrentPrincipal
          const view = yield* procurements.get(path.id)
          return canSee(p, view) ? view : yield* new NotFound({ entity: "procurement", id: path.id })
        })
      )
      .handle("history", ({ path }) =>
        Effect.gen(function* () {
          const p = yield* CurrentPrincipal
          // visible to whoever may see the procurement itself
          const view = yield* procurements.get(path.id)
          if (!canSee(p, view)) return yield* new NotFound({ entity: "procurement", id: path.id })
          return yield* procurements.history(path.id)
        })
      )
      .handle("update", ({ path, payload, urlParams }) =>
        Effect.gen(function* () {
          const userId = yield* actingUser("edit a procurement", urlParams.userId)
          return yield* procurements.update(yield* actorFor(userId), path.id, new UpdateProcurement(payload))
        })
      )
      .handle("setStatus", ({ path, payload }) =>
        Effect.gen(function* () {
          const userId = yield* actingUser("change a procurement's status", payload.userId)
          return yield* procurements.setStatus(yield* actorFor(userId), path.id, payload.status)
        })
      )
      .handle("setFeatured", ({ path, payload }) =>
        Effect.zipRight(requireTrusted("feature a procurement"), procurements.setFeatured(path.id, payload.featured))
      )
      .handle("join", ({ path, payload }) =>
        Effect.flatMap(actingUser("join a procurement", payload.userId), (userId) =>
          procurements.join(userId, path.id, payload.quantity)
        )
      )
      .handle("leave", ({ path, payload }) =>
        Effect.flatMap(actingUser("leave a procurement", payload.userId), (userId) =>
          procurements.leave(userId, path.id)
        )
      )
      .handle("pay", ({ path, payload }) =>
        Effect.flatMap(actingUser("pay for a procurement", payload.userId), (userId) =>
          procurements.pay(userId, path.id)
        )
      )
      .handle("participants", ({ path }) =>
        Effect.gen(function* () {
          const p = yield* CurrentPrincipal
          const view = yield* procurements.get(path.id)
          if (!canSee(p, view)) return yield* new NotFound({ entity: "procurement", id: path.id })
          // names, quantities and amounts: for the members, like the chat's /members
          yield* requireMember("list the participants", path.id)
          return yield* procurements.participants(path.id)
        })
      )
      .handle("announce", ({ path, payload }) =>
        Effect.flatMap(actingUser("announce a procurement", payload.userId), (userId) =>
          router.announce(path.id, userId)
        )
      )
      .handle("confirmParticipant", ({ path, payload }) =>
        Effect.gen(function* () {
          const userId = yield* actingUser("confirm a participant", payload.userId)
          return yield* procurements.confirmParticipant(yield* actorFor(userId), path.id)
        })
      )
      .handle("markDelivered", ({ path, payload }) =>
        Effect.gen(function* () {
          const userId = yield* actingUser("mark a participant delivered", payload.userId)
          return yield* procurements.markDelivered(yield* actorFor(userId), path.id)
        })
      )
      .handle("forUser", forUser)
      .handle("userProcurements", forUser)
  })
)
