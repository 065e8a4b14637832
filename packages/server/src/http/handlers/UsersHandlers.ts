/** `users` group: registration and lookups for bots, profile and codes for users. */
import { HttpApiBuilder } from "@effect/platform"
import { GroupBuyApi, NotFound, type Platform, RoleRequests, UserFilter, Users } from "@groupbuy/core"
import { DateTime, Duration, Effect, Option } from "effect"
import { compact } from "../../internal/Compact.js"
import { requireSelfOrTrusted, requireTrusted, requireUser } from "../../internal/Access.js"

export const UsersHandlers = HttpApiBuilder.group(GroupBuyApi, "users", (handlers) =>
  Effect.gen(function* () {
    const users = yield* Users
    const roleRequests = yield* RoleRequests
    const byIdentity = (platform: Platform, externalId: string) =>
      Effect.gen(function* () {
        yield* requireTrusted("look up a platform identity")
        const found = yield* users.resolve({ platform, externalId })
        return yield* Option.match(found, {
          onNone: () => Effect.fail(new NotFound({ entity: "identity", id: `${platform}:${externalId}` })),
          onSome: Effect.succeed
        })
      })
    return handlers
      .handle("register", ({ payload }) => Effect.zipRight(requireTrusted("register a user"), users.register(payload)))
      .handle("me", () => Effect.flatMap(requireUser("read your profile"), (p) => users.get(p.userId)))
      .handle("list", ({ urlParams }) =>
        Effect.zipRight(requireTrusted("list users"), users.list(new UserFilter(compact(urlParams))))
      )
      .handle("get", ({ path }) => Effect.zipRight(requireSelfOrTrusted("read a user", path.id), users.get(path.id)))
      .handle("byIdentity", ({ path }) => byIdentity(path.platform, path.externalId))
      .handle("byPlatform", ({ urlParams }) => byIdentity(urlParams.platform, urlParams.platform_user_id))
      .handle("resolve", ({ payload }) =>
        Effect.zipRight(
          requireTrusted("resolve a platform identity"),
          Effect.map(users.resolve(payload), Option.getOrNull)
        )
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const p = yield* requireSelfOrTrusted("update a profile", path.id)
          // only administrators (or the service acting for the bot flows) change a role
          if (payload.role !== undefined && p._tag === "User" && !p.isAdmin) {
            const current = yield* users.get(path.id)
            if (current.role !== payload.role) yield* requireTrusted("change a role")
          }
          return yield* users.update(path.id, payload)
        })
      )
      .handle("setFlags", ({ path, payload }) =>
        Effect.gen(function* () {
          yield* requireTrusted("change account flags")
          let user = yield* users.get(path.id)
          if (payload.isActive !== undefined) user = yield* users.setActive(path.id, payload.isActive)
          if (payload.isVerified !== undefined) user = yield* users.setVerified(path.id, payload.isVerified)
          if (payload.isAdmin !== undefined) user = yield* users.setAdmin(path.id, payload.isAdmin)
          return user
        })
      )
      .handle("identities", ({ path }) =>
        Effect.zipRight(requireSelfOrTrusted("read identities", path.id), users.identities(path.id))
      )
      .handle("lastUsedIdentity", ({ path }) =>
        Effect.zipRight(
          requireTrusted("read the last used identity"),
          Effect.map(users.lastUsedIdentity(path.id), Option.getOrNull)
        )
      )
      .handle("setReachable", ({ path, payload }) =>
        Effect.zipRight(
          requireTrusted("mark an identity reachable"),
          users.setReachable(path.platform, path.externalId, payload.reachable)
        )
      )
      .handle("createCode", ({ path, payload }) =>
        Effect.gen(function* () {
          yield* requireSelfOrTrusted("create a one-time code", path.id)
          const issued = yield* users.createCode(path.id, payload.purpose, Duration.seconds(payload.ttlSeconds))
          return { code: issued.code, expiresAt: DateTime.unsafeFromDate(issued.expiresAt) }
        })
      )
      .handle("redeemLinkCode", ({ payload }) =>
        Effect.zipRight(requireTrusted("link an identity"), users.redeemLinkCode(payload.code, payload.identity))
      )
      .handle("suppliers", () =>
        Effect.gen(function* () {
          yield* requireUser("list suppliers")
          const page = yield* users.list(
            new UserFilter({
              role: "supplier",
              isActive: true,
              limit: 100,
              sort: { column: "firstName", direction: "asc" }
            })
          )
          return page.items.map((u) => ({
            id: u.id,
            name: u.lastName === null || u.lastName === "" ? u.firstName : `${u.firstName} ${u.lastName}`
          }))
        })
      )
      .handle("requestRole", ({ path, payload }) =>
        Effect.zipRight(requireSelfOrTrusted("ask for a role", path.id), roleRequests.request(path.id, payload.role))
      )
      .handle("roleRequest", ({ path }) =>
        Effect.zipRight(requireSelfOrTrusted("read a role request", path.id), roleRequests.pending(path.id))
      )
  })
)
