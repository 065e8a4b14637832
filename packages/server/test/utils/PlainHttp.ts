/** Plain HTTP against a running test server, as a browser or a script sees it: statuses, bodies, cookies. */
import { CSRF_HEADER, type UserId } from "@groupbuy/core"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { AdminSessions } from "../../src/admin/AdminSessions.js"
import { UserTokens } from "../../src/auth/UserTokens.js"

export type Json = Record<string, any>

export interface Answer {
  readonly status: number
  readonly json: Json
  readonly text: string
}

/** Plain HTTP against the running server: the statuses and bodies a client sees. */
export const httpOf =
  (base: string) =>
  (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    Effect.promise(async (): Promise<Answer> => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
      const text = await response.text()
      return { status: response.status, text, json: text === "" ? {} : (JSON.parse(text) as Json) }
    })

export const bearer = (userId: UserId) =>
  Effect.flatMap(UserTokens, (tokens) => Effect.map(tokens.issue(userId), (t) => `Bearer ${t.token}`))

/** An admin session over plain HTTP: the cookie and the CSRF header every change needs. */
export const adminHeaders = (base: string, userId: UserId | null = null) =>
  Effect.gen(function* () {
    const email = `shop-${randomUUID().slice(0, 8)}@example.com`
    yield* (yield* AdminSessions).createAdmin(email, "a long admin password", userId)
    const login = yield* Effect.promise(() =>
      fetch(`${base}/api/admin/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "a long admin password" })
      })
    )
    const { csrfToken } = (yield* Effect.promise(() => login.json())) as { csrfToken: string }
    return { cookie: (login.headers.get("set-cookie") ?? "").split(";")[0]!, [CSRF_HEADER]: csrfToken }
  })
