/** `Retry-After` on the 429 answers of the sign-in endpoints (an HttpApi error schema describes the body only). */
import { HttpApp, HttpServerResponse } from "@effect/platform"
import { TooManyRequests } from "@groupbuy/core"
import { Effect } from "effect"

/** Adds `Retry-After: <seconds>` to the response when the handler fails with `TooManyRequests`. */
export const withRetryAfter = <A, E, R>(handler: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.tapError(handler, (error) =>
    error instanceof TooManyRequests
      ? HttpApp.appendPreResponseHandler((_request, response) =>
          Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", String(error.retryAfter)))
        )
      : Effect.void
  )
