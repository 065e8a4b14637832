/** Authorisation helpers shared by the API handlers: who acts, for whom, and with which core `Actor`. */
import {
  type Actor,
  Chat,
  CurrentPrincipal,
  Forbidden,
  type Principal,
  type ProcurementId,
  type UserId,
  userActor
} from "@groupbuy/core"
import { Effect } from "effect"

export const isTrusted = (p: Principal) => p._tag === "Service" || p.isAdmin

/** Only the service token or an admin user. */
export const requireTrusted = (action: string) =>
  Effect.flatMap(CurrentPrincipal, (p) =>
    isTrusted(p) ? Effect.succeed(p) : Effect.fail(new Forbidden({ action, reason: "only administrators may do this" }))
  )

/** A signed-in user (not the service token). */
export const requireUser = (action: string) =>
  Effect.flatMap(CurrentPrincipal, (p) =>
    p._tag === "User"
      ? Effect.succeed(p)
      : Effect.fail(new Forbidden({ action, reason: "this endpoint is for signed-in users" }))
  )

/**
 * The user a request acts for. Users act for themselves (admins for anybody they name); the service token must
 * name the user.
 */
export const actingUser = (action: string, requested: UserId | undefined) =>
  Effect.flatMap(CurrentPrincipal, (p): Effect.Effect<UserId, Forbidden> => {
    if (p._tag === "Service") {
      return requested === undefined
        ? Effect.fail(new Forbidden({ action, reason: "the service token must name the user (userId)" }))
        : Effect.succeed(requested)
    }
    if (requested === undefined || requested === p.userId) return Effect.succeed(p.userId)
    return p.isAdmin
      ? Effect.succeed(requested)
      : Effect.fail(new Forbidden({ action, reason: "a user may act only for themselves" }))
  })

/** The core actor of a request acting for `userId`: an admin user acts as themselves with admin rights. */
export const actorFor = (userId: UserId) =>
  Effect.map(CurrentPrincipal, (p): Actor =>
    p._tag === "User" && p.isAdmin ? userActor(p.userId, true) : userActor(userId)
  )

/** The user themselves, an admin, or the service token. */
export const requireSelfOrTrusted = (action: string, userId: UserId) =>
  Effect.flatMap(CurrentPrincipal, (p) =>
    isTrusted(p) || (p._tag === "User" && p.userId === userId)
      ? Effect.succeed(p)
      : Effect.fail(new Forbidden({ action, reason: "a user may see only their own data" }))
  )

/**
 * The members of a procurement (its organizer, its supplier, participants who did not cancel), administrators and
 * the service token; everybody else is refused. A procurement that does not exist refuses too.
 */
export const requireMember = (action: string, procurementId: ProcurementId) =>
  Effect.gen(function* () {
    const p = yield* CurrentPrincipal
    if (isTrusted(p) || p._tag !== "User") return
    const allowed = yield* Effect.flatMap(Chat, (chat) => chat.canAccess(userActor(p.userId), procurementId))
    if (!allowed) return yield* new Forbidden({ action, reason: "only members of the procurement may see this" })
  })
