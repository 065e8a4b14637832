/** Helpers for tests of the whole platform (`AppLive` on a real loopback port): its URL, an admin session, polling. */
import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { CSRF_HEADER, GroupBuyApi, type UserId } from "@groupbuy/core"
import type { coreProfiles } from "@groupbuy/core/testing"
import { Effect, Layer, Option, Redacted, Schedule } from "effect"
import type { AddressInfo } from "node:net"
import { AdminSessions } from "../../src/admin/AdminSessions.js"
import { ServerConfig, type ServerSettings } from "../../src/config/ServerConfig.js"
import { UpgradeRouter } from "../../src/http/UpgradeRouter.js"
import { AppLive } from "../../src/Server.js"
import { testSettings } from "./TestServer.js"

/** `http://127.0.0.1:<port>` of the running platform. */
export const baseUrlOf = Effect.map(UpgradeRouter, ({ server }) => {
  const address = server.address()
  if (address === null || typeof address !== "object") throw new Error("the server is not listening")
  return `http://127.0.0.1:${(address as AddressInfo).port}`
})

/**
 * The whole platform (`AppLive`, on 127.0.0.1) over this core profile, with a Telegram bot `token` against a fake Bot
 * API at `apiRoot`; `overrides` add to (or replace) the test settings.
 */
export const telegramApp = (
  core: ReturnType<typeof coreProfiles>[number]["layer"],
  token: string,
  apiRoot: string,
  overrides: Partial<ServerSettings> = {}
) =>
  Layer.fresh(
    AppLive.pipe(
      Layer.provideMerge(core),
      Layer.provideMerge(
        Layer.succeed(
          ServerConfig,
          testSettings({
            host: "127.0.0.1",
            telegram: Option.some({ token: Redacted.make(token), apiRoot: Option.some(apiRoot) }),
            ...overrides
          })
        )
      )
    )
  )

const PASSWORD = "a long admin password"

/**
 * Creates an admin, logs in over HTTP and returns admin API clients: with the session cookie and the CSRF header,
 * with the cookie only, and with neither. `userId`: the account the admin acts as (none by default).
 */
export const adminLogin = (baseUrl: string, email: string, userId: UserId | null = null) =>
  Effect.gen(function* () {
    const sessions = yield* AdminSessions
    yield* sessions.createAdmin(email, PASSWORD, userId)
    const http = yield* HttpClient.HttpClient
    const login = yield* http.execute(
      HttpClientRequest.post(`${baseUrl}/api/admin/login`).pipe(
        HttpClientRequest.bodyUnsafeJson({ email, password: PASSWORD })
      )
    )
    if (login.status !== 200) throw new Error(`admin login answered ${login.status}`)
    const cookie = (login.headers["set-cookie"] ?? "").split(";")[0]!
    const { csrfToken } = (yield* login.json) as { csrfToken: string }
    const clientWith = (headers: Record<string, string>) =>
      Effect.map(
        HttpApiClient.make(GroupBuyApi, {
          baseUrl,
          transformClient: HttpClient.mapRequest(HttpClientRequest.setHeaders(headers))
        }),
        (client) => client.admin
      )
    return {
      cookie,
      csrfToken,
      admin: yield* clientWith({ cookie, [CSRF_HEADER]: csrfToken }),
      noCsrf: yield* clientWith({ cookie }),
      anonymous: yield* clientWith({})
    }
  })

/**
 * Retries `check` until it passes, for up to 30 s of wall-clock time (adapters react to platform events on their own
 * fibers). Bounded by time, not by a count of tries: on a loaded CI machine each try is slow, and a wait that outlived
 * the test's own timeout used to end as a bare "test timed out" instead of the check's error.
 */
export const eventually = <A, E, R>(check: Effect.Effect<A, E, R>) =>
  Effect.retry(check, Schedule.spaced("50 millis").pipe(Schedule.upTo("30 seconds")))

/** Fails with `message()` unless `condition()` holds; both re-evaluated at each retry of `eventually`. */
export const expectNow = (condition: () => boolean, message: () => string) =>
  Effect.suspend(() => (condition() ? Effect.void : Effect.fail(new Error(message()))))
