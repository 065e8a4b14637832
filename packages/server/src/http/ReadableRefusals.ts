/**
 * Refusals a person can read, in the request's language (`Accept-Language`; Russian by default), once for every API
 * route: a request that does not match its schema (`HttpApiDecodeError`, answered by the API library with the schema's
 * own words, e.g. `Unable to decode "500,00" into a bigint`) gets `code: "request.invalid"` and a `message` that names
 * the field and what it expects, the schema's text kept as `detail`; `InvalidInput`, `RuleViolation` and
 * `IllegalTransition` (which names the moves there are) get their `message` in that language too. Only JSON error
 * bodies of 400 and 409 are read.
 */
import { HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import {
  describeDecodeIssues,
  type DecodeIssue,
  IllegalTransition,
  InvalidInput,
  type Language,
  requestLanguage
} from "@groupbuy/core"
import { Effect, Option, Schema } from "effect"

const decoder = new TextDecoder()

type Body = Record<string, unknown>

const decodeIllegal = Schema.decodeUnknownOption(IllegalTransition)
const decodeInvalid = Schema.decodeUnknownOption(InvalidInput)

/** The error body with its `message` in `language`, or none when it is not one of ours to reword. */
export const reword = (body: Body, language: Language): Option.Option<Body> => {
  switch (body["_tag"]) {
    case "HttpApiDecodeError":
      return Option.some({
        _tag: "HttpApiDecodeError",
        code: "request.invalid",
        message: describeDecodeIssues(
          (body["issues"] ?? []) as ReadonlyArray<DecodeIssue>,
          language,
          typeof body["message"] === "string" ? body["message"] : ""
        ),
        issues: body["issues"],
        detail: body["message"]
      })
    case "InvalidInput":
      return Option.map(decodeInvalid(body), (error) => ({ ...body, message: error.describe(language) }))
    case "IllegalTransition":
      return Option.map(decodeIllegal(body), (error) => ({ ...body, message: error.describe(language) }))
    case "RuleViolation":
      return typeof body[language] === "string" ? Option.some({ ...body, message: body[language] }) : Option.none()
    default:
      return Option.none()
  }
}

const rewordResponse = (response: HttpServerResponse.HttpServerResponse, language: Language) => {
  const body = response.body
  if ((response.status !== 400 && response.status !== 409) || body._tag !== "Uint8Array") return response
  if (!/^application\/json\b/i.test(body.contentType)) return response
  let parsed: unknown
  try {
    parsed = JSON.parse(decoder.decode(body.body))
  } catch {
    return response
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return response
  return Option.match(reword(parsed as Body, language), {
    onNone: () => response,
    onSome: (reworded) =>
      HttpServerResponse.unsafeJson(reworded, {
        status: response.status,
        headers: response.headers,
        cookies: response.cookies
      })
  })
}

/** The rewording on every API route of the router it is provided to. */
export const ReadableRefusalsMiddleware = HttpLayerRouter.middleware(
  Effect.succeed((app) =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
      request.url.startsWith("/api/")
        ? Effect.map(app, (response) => rewordResponse(response, requestLanguage(request.headers["accept-language"])))
        : app
    )
  ),
  { global: true }
)
