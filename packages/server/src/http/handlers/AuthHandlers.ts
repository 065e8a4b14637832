/**
 * `auth` group: web login codes and linked widget guests become user JWTs; the widget's guest chat tokens are issued
 * and renewed here.
 */
import { HttpApiBuilder } from "@effect/platform"
import { ChatToken } from "@groupbuy/adapters"
import { GroupBuyApi, RuleViolation, Unauthorized, type User, Users } from "@groupbuy/core"
import { DateTime, Effect, Option } from "effect"
import { UserTokens } from "../../auth/UserTokens.js"
import { ChatTokens } from "../../auth/ChatTokens.js"
import { addressKey, SignInThrottle } from "../../auth/SignInThrottle.js"
import { clientAddress } from "../ClientAddress.js"
import { withRetryAfter } from "../RetryAfter.js"

export const AuthHandlers = HttpApiBuilder.group(GroupBuyApi, "auth", (handlers) =>
  Effect.gen(function* () {
    const users = yield* Users
    const tokens = yield* UserTokens
    const chatTokens = yield* ChatTokens
    const throttle = yield* SignInThrottle
    const session = (user: User) =>
      Effect.map(tokens.issue(user.id), (issued) => ({
        token: issued.token,
        expiresAt: DateTime.unsafeFromDate(issued.expiresAt),
        user
      }))
    return handlers
      .handle("webLogin", ({ payload }) =>
        Effect.gen(function* () {
          const address = yield* clientAddress
          // every refused code counts: unknown, used and expired codes alike are what guessing produces
          const user = yield* throttle.guard(
            [{ scope: "web-login-address", id: addressKey(address) }],
            users.redeemWebLogin(payload.code),
            () => true
          )
          if (!user.isActive) {
            return yield* new RuleViolation({
              code: "login.account-disabled",
              en: "this account is disabled",
              ru: "этот аккаунт отключён"
            })
          }
          return yield* session(user)
        }).pipe(withRetryAfter)
      )
      .handle("chatToken", ({ payload }) =>
        (payload.previous === undefined
          ? ChatToken.issueGuestToken(chatTokens.config)
          : ChatToken.renewGuestToken(chatTokens.config, payload.previous)
        ).pipe(
          Effect.map((issued) => ({ token: issued.token, expiresAt: issued.expiresAt })),
          Effect.mapError((e) => new Unauthorized({ reason: e.message }))
        )
      )
      .handle("widgetLogin", ({ payload }) =>
        Effect.gen(function* () {
          const claims = yield* ChatToken.verifyToken(chatTokens.config, payload.chatToken).pipe(
            Effect.mapError((e) => new Unauthorized({ reason: e.message }))
          )
          const resolved = yield* users.resolve({ platform: "web", externalId: claims.subject })
          const user = yield* Option.match(resolved, {
            onNone: () =>
              Effect.fail(new Unauthorized({ reason: "this chat is not linked to an account yet: send /link" })),
            onSome: (r) => Effect.succeed(r.user)
          })
          if (!user.isActive) return yield* new Unauthorized({ reason: "the account is disabled" })
          return yield* session(user)
        })
      )
  })
)
