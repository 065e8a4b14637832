/**
 * `auth` group: web login codes and linked widget guests become user JWTs; the widget's guest chat tokens are issued
 * and renewed here.
 */
import { HttpApiBuilder } from "@effect/platform"
import { ChatToken } from "@groupbuy/adapters"
import { CurrentPrincipal, GroupBuyApi, RuleViolation, Unauthorized, type User, Users } from "@groupbuy/core"
import { Clock, DateTime, Effect, Either, Option, Redacted } from "effect"
import { type MiniAppIdentity, verifyTelegramInitData, verifyVkLaunchParams } from "../../auth/MiniApps.js"
import { UserTokens } from "../../auth/UserTokens.js"
import { ChatTokens } from "../../auth/ChatTokens.js"
import { addressKey, SignInThrottle } from "../../auth/SignInThrottle.js"
import { clientAddress } from "../ClientAddress.js"
import { withRetryAfter } from "../RetryAfter.js"
import { ServerConfig } from "../../config/ServerConfig.js"

const NOT_LINKED: Record<MiniAppIdentity["platform"], string> = {
  telegram:
    "no GroupBuy account is linked to this Telegram user yet: open the bot and send /start " +
    "(нет аккаунта для этого пользователя Telegram: откройте бота и отправьте /start)",
  vk:
    "no GroupBuy account is linked to this VK user yet: write to the community and send /start " +
    "(нет аккаунта для этого пользователя VK: напишите сообществу и отправьте /start)"
}

export const AuthHandlers = HttpApiBuilder.group(GroupBuyApi, "auth", (handlers) =>
  Effect.gen(function* () {
    const users = yield* Users
    const tokens = yield* UserTokens
    const chatTokens = yield* ChatTokens
    const throttle = yield* SignInThrottle
    const config = yield* ServerConfig
    const telegramTokens = Option.toArray(config.telegram).map((t) => Redacted.value(t.token))
    const vkSecret = Option.getOrUndefined(Option.map(config.vkAppSecret, Redacted.value))
    /** The account linked to a proven Mini App identity (the bot's first contact registers it: `/start`). */
    const miniAppSession = (verify: (nowMs: number) => Either.Either<MiniAppIdentity, Unauthorized>) =>
      Effect.gen(function* () {
        const identity = yield* Effect.flatMap(Clock.currentTimeMillis, (now) => verify(now))
        const resolved = yield* users.resolve(identity)
        if (Option.isNone(resolved)) return yield* new Unauthorized({ reason: NOT_LINKED[identity.platform] })
        const user = resolved.value.user
        if (!user.isActive) return yield* new Unauthorized({ reason: "the account is disabled" })
        return yield* session(user)
      })
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
      .handle("telegram", ({ payload }) =>
        miniAppSession((now) => verifyTelegramInitData(payload.initData, telegramTokens, config.miniAppMaxAge, now))
      )
      .handle("vk", ({ payload }) =>
        miniAppSession((now) => verifyVkLaunchParams(payload.launchParams, vkSecret, config.miniAppMaxAge, now))
      )
      .handle("refresh", () =>
        Effect.gen(function* () {
          const principal = yield* CurrentPrincipal
          if (principal._tag !== "User") {
            return yield* new Unauthorized({ reason: "only a user's token can be renewed" })
          }
          // Authentication already refused disabled and removed accounts and expired tokens
          const user = yield* users.get(principal.userId).pipe(Effect.orDie)
          return yield* session(user)
        })
      )
  })
)
