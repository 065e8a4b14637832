/**
 * Request bodies at the HTTP edge, before anything buffers them: a declared `Content-Length` over the limit is
 * answered 413 without reading a byte, and a body without one (chunked) is read up to the limit and answered 413
 * past it (@effect/platform's own `MaxBodySize` cap would drop the connection instead of answering). The API takes
 * JSON only (415 otherwise) and refuses JSON nested deeper than `maxJsonDepth` (400) before it is parsed: the schema
 * errors of such a value cannot even be formatted (a stack overflow, which was a 500).
 */
import {
  HttpApiError,
  HttpLayerRouter,
  HttpMethod,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse,
  Multipart
} from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { BodyLimits, maxJsonDepth, PayloadTooLarge, UnsupportedMediaType } from "@groupbuy/core"
import { Cause, Effect, Option, Schema, Stream } from "effect"
import type { IncomingMessage } from "node:http"

/** Sign-in endpoints: anonymous, so their bodies are capped lower. */
const SIGN_IN = ["/api/auth/", "/api/chat/token", "/api/admin/login"]

/** The upload of a chat file (`POST /api/procurements/{id}/attachments`): multipart, with a larger limit. */
const UPLOAD = /^\/api\/procurements\/[^/]+\/attachments\/?$/

/** Whether the request path is the upload of a chat file. */
export const isUpload = (url: string): boolean => UPLOAD.test(url.split("?")[0]!)

/**
 * The body limit of a request path (`BodyLimits.signIn` for sign-in endpoints, `BodyLimits.attachment` for file
 * uploads, else `BodyLimits.default`).
 */
export const bodyLimitFor = (url: string): number => {
  const path = url.split("?")[0]!
  if (isUpload(path)) return BodyLimits.attachment
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
 * Reads a body of unknown length (chunked) from the Node request, keeping at most `limit` bytes: none when it is
 * longer. The rest of a longer body is then let through unread (discarded by the stream, not kept), so the 413
 * reaches the client on an intact connection.
 */
const readUpTo = (source: IncomingMessage, limit: number) =>
  Effect.async<Option.Option<Buffer>, unknown>((resume) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const stop = () => {
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      stop()
      source.resume()
      resume(Effect.succeed(Option.none()))
    }
    const onEnd = () => {
      stop()
      resume(Effect.succeed(Option.some(Buffer.concat(chunks))))
    }
    const onError = (error: unknown) => {
      stop()
      resume(Effect.fail(error))
    }
    source.on("data", onData)
    source.once("end", onEnd)
    source.once("error", onError)
    return Effect.sync(stop)
  })

/** The request with its body already read: handlers' `text`, `json`, `arrayBuffer` and `stream` give it. */
const withBody = (request: HttpServerRequest.HttpServerRequest, body: Buffer): HttpServerRequest.HttpServerRequest =>
  Object.create(request, {
    text: { get: () => Effect.succeed(body.toString("utf8")) },
    arrayBuffer: {
      get: () => Effect.succeed(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer)
    },
    stream: { get: () => Stream.succeed(new Uint8Array(body)) }
  })

/**
 * Every route: bodies over their limit are refused with 413. A declared length is checked before anything is read; a
 * chunked body is read here up to the limit (and refused past it). `MaxBodySize` stays set for any other reader.
 */
export const BodyLimitMiddleware = HttpLayerRouter.middleware(
  (httpApp) =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const limit = bodyLimitFor(request.url)
      const declared = request.headers["content-length"]
      if (declared !== undefined && !(Number(declared) <= limit)) return yield* tooLarge(limit)
      const source = NodeHttpServerRequest.toIncomingMessage(request) as IncomingMessage | undefined
      let handled = request
      // a chunked upload is left to the multipart reader, which streams it to a file under the same cap (the
      // `MaxBodySize` below); buffering it here would hide it from that reader
      if (declared === undefined && hasBody(request) && source !== undefined && !isUpload(request.url)) {
        const body = yield* readUpTo(source, limit).pipe(Effect.option)
        if (Option.isNone(body)) {
          // the client went away while sending: nobody reads this answer
          return yield* Effect.orDie(HttpServerResponse.empty({ status: 400 }))
        }
        if (Option.isNone(body.value)) return yield* tooLarge(limit)
        handled = withBody(request, body.value.value)
      }
      return yield* httpApp.pipe(
        Effect.provideService(HttpServerRequest.HttpServerRequest, handled),
        HttpServerRequest.withMaxBodySize(Option.some(limit)),
        Effect.catchAllCause((cause) =>
          [...Cause.failures(cause), ...Cause.defects(cause)].some(isCutOff) ? tooLarge(limit) : Effect.failCause(cause)
        )
      )
    }),
  { global: true }
)

/**
 * Whether a multipart read stopped at the size cap: reported as such, or (when the cap was reached inside the file
 * being written to disk) as a failed write whose cause is the parser's `ReachedLimit`.
 */
const overTheCap = (error: Multipart.MultipartError) =>
  error.reason === "BodyTooLarge" ||
  error.reason === "FileTooLarge" ||
  (typeof error.cause === "object" &&
    error.cause !== null &&
    (error.cause as { readonly _tag?: unknown })._tag === "ReachedLimit")

/** Marks the read failure of a JSON body nested deeper than `maxJsonDepth`. */
class NestedTooDeep extends Error {}

const isTooDeep = (error: unknown) =>
  HttpServerError.isServerError(error) && error._tag === "RequestError" && error.cause instanceof NestedTooDeep

/**
 * The request as API handlers see it: its `json` checks the nesting before parsing. A body of declared length is
 * still read where the handler reads it, after authentication: nothing is buffered for a request refused anyway.
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
 * The API's routes: a body must be JSON (415 otherwise, decided from the headers alone; the file upload takes
 * multipart/form-data), and JSON nested deeper than `maxJsonDepth` is refused with 400 before it is parsed.
 */
export const JsonBodyMiddleware = HttpLayerRouter.middleware((httpApp) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    if (!hasBody(request)) return yield* httpApp
    const contentType = (request.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase()
    if (contentType === "multipart/form-data" && isUpload(request.url)) {
      // a form past the cap or a malformed one is the client's fault (the library reports both as a defect of reading
      // the payload)
      return yield* httpApp.pipe(
        Effect.catchAllCause((cause) => {
          const error = [...Cause.defects(cause)].find((defect) => defect instanceof Multipart.MultipartError)
          if (error === undefined) return Effect.failCause(cause)
          return overTheCap(error)
            ? tooLarge(BodyLimits.attachment)
            : respond(
                HttpApiError.HttpApiDecodeError,
                new HttpApiError.HttpApiDecodeError({ issues: [], message: "the multipart form could not be read" }),
                400
              )
        })
      )
    }
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
