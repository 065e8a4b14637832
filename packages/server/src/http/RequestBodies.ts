/**
 * Request bodies at the HTTP edge, before anything buffers them: a declared `Content-Length` over the limit is
 * answered 413 without reading a byte, and a body without one (chunked) is read through @effect/platform's
 * `MaxBodySize` cap, which stops reading at the limit (and drops the connection: the rest is never read). The API
 * takes JSON only (415 otherwise) and refuses JSON nested deeper than `maxJsonDepth` (400) before it is parsed: the
 * schema errors of such a value cannot even be formatted (a stack overflow, which was a 500).
 */
import {
  HttpApiError,
  HttpLayerRouter,
  HttpMethod,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { BodyLimits, maxJsonDepth, PayloadTooLarge, UnsupportedMediaType } from "@groupbuy/core"
import { Cause, Effect, Option, Schema } from "effect"

/** Sign-in endpoints: anonymous, so their bodies are capped lower. */
const SIGN_IN = ["/api/auth/", "/api/chat/token", "/api/admin/login"]

/** The body limit of a request path (`BodyLimits.signIn` for sign-in endpoints, else `BodyLimits.default`). */
export const bodyLimitFor = (url: string): number => {
  const path = url.split("?")[0]!
  return SIGN_IN.some((prefix) => (prefix.endsWith("/") ? path.startsWith(prefix) : path === prefix))
    ? BodyLimits.signIn
    : BodyLimits.default
}

/** True when the JSON text nests arrays/objects deeper than `max` (a scan that skips strings; no parsing). */
export const nestsDeeperThan = (text: string, max: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

const respond = <A, I>(schema: Schema.Schema<A, I>, error: A, status: number) =>
  Effect.orDie(HttpServerResponse.schemaJson(schema)(error, { status }))

/**
 * Answered at once. Node then discards what is still coming of the body (reading, not keeping it; bounded by its
 * request timeout): closing the connection instead would reset it before the client reads the answer.
 */
const tooLarge = (limit: number) => respond(PayloadTooLarge, new PayloadTooLarge({ limit }), 413)

/** The failure @effect/platform's body readers report when `MaxBodySize` cut the body off. */
const isCutOff = (error: unknown) =>
  HttpServerError.isServerError(error) &&
  error._tag === "RequestError" &&
  error.cause instanceof Error &&
  error.cause.message === "maxBytes exceeded"

/** Whether the request carries a body at all (a declared non-zero length or a chunked one). */
const hasBody = (request: HttpServerRequest.HttpServerRequest) => {
  if (!HttpMethod.hasBody(request.method)) return false
  const length = request.headers["content-length"]
  return length !== undefined ? length.trim() !== "0" : request.headers["transfer-encoding"] !== undefined
}

/**
 * Every route: bodies over their limit are refused with 413. A declared length is checked first; otherwise the cap
 * applies while reading, wherever a handler reads (a body readers' failure there, a defect inside HttpApi handlers).
 */
export const BodyLimitMiddleware = HttpLayerRouter.middleware(
  (httpApp) =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      const limit = bodyLimitFor(request.url)
      const declared = request.headers["content-length"]
      if (declared !== undefined && !(Number(declared) <= limit)) return tooLarge(limit)
      return httpApp.pipe(
        HttpServerRequest.withMaxBodySize(Option.some(limit)),
        Effect.catchAllCause((cause) =>
          [...Cause.failures(cause), ...Cause.defects(cause)].some(isCutOff) ? tooLarge(limit) : Effect.failCause(cause)
        )
      )
    }),
  { global: true }
)

/** Marks the read failure of a JSON body nested deeper than `maxJsonDepth`. */
class NestedTooDeep extends Error {}

const isTooDeep = (error: unknown) =>
  HttpServerError.isServerError(error) && error._tag === "RequestError" && error.cause instanceof NestedTooDeep

/**
 * The request as API handlers see it: its `json` checks the nesting before parsing. The body is still read where
 * the handler reads it, after authentication: nothing is buffered for a request that is refused anyway.
 */
const checkingDepth = (request: HttpServerRequest.HttpServerRequest): HttpServerRequest.HttpServerRequest =>
  Object.create(request, {
    json: {
      get: () =>
        Effect.flatMap(request.text, (text) =>
          nestsDeeperThan(text, maxJsonDepth)
            ? Effect.fail(
                new HttpServerError.RequestError({
                  request,
                  reason: "Decode",
                  description: `the JSON body is nested deeper than ${maxJsonDepth} levels`,
                  cause: new NestedTooDeep()
                })
              )
            : request.json
        )
    }
  })

/**
 * The API's routes: a body must be JSON (415 otherwise, decided from the headers alone), and JSON nested deeper than
 * `maxJsonDepth` is refused with 400 before it is parsed.
 */
export const JsonBodyMiddleware = HttpLayerRouter.middleware((httpApp) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    if (!hasBody(request)) return yield* httpApp
    const contentType = (request.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase()
    if (contentType !== "application/json") {
      return yield* respond(UnsupportedMediaType, new UnsupportedMediaType({ contentType }), 415)
    }
    return yield* httpApp.pipe(
      Effect.provideService(HttpServerRequest.HttpServerRequest, checkingDepth(request)),
      // HttpApi handlers read the payload with `orDie`: the refusal arrives as a defect
      Effect.catchAllCause((cause) =>
        [...Cause.defects(cause)].some(isTooDeep)
          ? respond(
              HttpApiError.HttpApiDecodeError,
              new HttpApiError.HttpApiDecodeError({
                issues: [],
                message: `the JSON body is nested deeper than ${maxJsonDepth} levels`
              }),
              400
            )
          : Effect.failCause(cause)
      )
    )
  })
)
