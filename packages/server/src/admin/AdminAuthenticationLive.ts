/** The admin middleware: a valid session cookie, and on every state-changing request the session's CSRF token. */
import { HttpServerRequest } from "@effect/platform"
import { AdminAuthentication, CSRF_HEADER, Forbidden } from "@groupbuy/core"
import { Effect, Layer, Redacted } from "effect"
import { constantTimeEqual } from "../auth/AuthenticationLive.js"
import { AdminSessions } from "./AdminSessions.js"

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"])

export const AdminAuthenticationLive = Layer.effect(
  AdminAuthentication,
  Effect.map(AdminSessions, (sessions) =>
    AdminAuthentication.of({
      session: (cookie) =>
        Effect.gen(function* () {
          const session = yield* sessions.authenticate(Redacted.value(cookie))
          const request = yield* HttpServerRequest.HttpServerRequest
          if (!SAFE_METHODS.has(request.method)) {
            const given = request.headers[CSRF_HEADER] ?? ""
            if (!constantTimeEqual(given, session.csrfToken)) {
              return yield* new Forbidden({ action: "admin change", reason: `missing or wrong ${CSRF_HEADER} header` })
            }
          }
          return session.admin
        })
    })
  )
)
