/** The bearer middleware: the service token (constant-time compare) or a user JWT of an active account. */
import { Authentication, Unauthorized, Users } from "@groupbuy/core"
import { Effect, Layer, Option, Redacted } from "effect"
import { createHash, timingSafeEqual } from "node:crypto"
import { ServerConfig } from "../config/ServerConfig.js"
import { UserTokens } from "./UserTokens.js"

const digest = (s: string) => createHash("sha256").update(s).digest()

/** Equal strings in time independent of where they differ (hashing first also hides the length). */
export const constantTimeEqual = (a: string, b: string) => timingSafeEqual(digest(a), digest(b))

export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.gen(function* () {
    const config = yield* ServerConfig
    const tokens = yield* UserTokens
    const users = yield* Users
    const serviceToken = Option.map(config.serviceToken, Redacted.value)
    return Authentication.of({
      bearer: (credential) =>
        Effect.gen(function* () {
          const value = Redacted.value(credential).trim()
          if (value === "") return yield* new Unauthorized({ reason: "send Authorization: Bearer <token>" })
          if (Option.isSome(serviceToken) && constantTimeEqual(value, serviceToken.value)) {
            return { _tag: "Service" as const, name: "service" }
          }
          const userId = yield* tokens.verify(value)
          const user = yield* users
            .get(userId)
            .pipe(Effect.catchTag("NotFound", () => new Unauthorized({ reason: "the account no longer exists" })))
          if (!user.isActive) return yield* new Unauthorized({ reason: "the account is disabled" })
          return { _tag: "User" as const, userId: user.id, isAdmin: user.isAdmin }
        })
    })
  })
)
