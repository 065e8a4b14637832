/**
 * The typed API client, derived from core's `HttpApi` contract (`HttpApiClient.make(GroupBuyApi)`), so request and
 * response types are core's schemas, never copies. `run` turns one call into a Promise for TanStack Query: a typed
 * failure (InvalidInput, RuleViolation, ...) rejects with an `ApiError` carrying it.
 */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { GroupBuyApi } from "@groupbuy/core/api"
import { Cause, Effect, Exit, Option } from "effect"

/** The client of the whole API: `client.procurements.list(...)`, `client.auth.webLogin(...)`, ... */
export type Client = Effect.Effect.Success<ReturnType<typeof makeClient>>

/** What every request of one client carries: the cabinet's bearer token, or the admin panel's CSRF header. */
export type RequestCredentials = (request: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest

const makeClient = (baseUrl: string, credentials: RequestCredentials | undefined) =>
  HttpApiClient.make(GroupBuyApi, {
    baseUrl,
    transformClient: (client) => (credentials === undefined ? client : HttpClient.mapRequest(client, credentials))
  })

/** A failed call: `error` is the server's typed error (a tagged object) or a transport/decoding failure. */
export class ApiError extends Error {
  constructor(
    readonly tag: string,
    readonly error: unknown
  ) {
    super(tag)
    this.name = "ApiError"
  }
  /** The HTTP-level reason class: "offline" when the request never got an answer. */
  get offline() {
    return this.tag === "RequestError"
  }
}

const tagOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error ? String((error as { _tag: unknown })._tag) : "Unknown"

/** Runs calls against the API with the given bearer token (none before sign-in). */
export interface Api {
  run<A, E>(call: (client: Client) => Effect.Effect<A, E>): Promise<A>
}

/** The cabinet's API: a user's bearer token (none before sign-in). */
export const makeApi = (baseUrl: string, token: string | undefined, onUnauthorized: () => void): Api =>
  makeApiWith(baseUrl, token === undefined ? undefined : HttpClientRequest.bearerToken(token), onUnauthorized)

/** An API whose requests carry `credentials`; `onUnauthorized` runs when the server no longer knows them. */
export const makeApiWith = (
  baseUrl: string,
  credentials: RequestCredentials | undefined,
  onUnauthorized: () => void
): Api => {
  const client = Effect.runSync(Effect.provide(makeClient(baseUrl, credentials), FetchHttpClient.layer))
  return {
    run: async (call) => {
      const exit = await Effect.runPromiseExit(call(client))
      if (Exit.isSuccess(exit)) return exit.value
      const failure = Cause.failureOption(exit.cause)
      const error = Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)
      const tag = tagOf(error)
      if (tag === "Unauthorized") onUnauthorized()
      throw new ApiError(tag, error)
    }
  }
}
