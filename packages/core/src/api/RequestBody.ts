/**
 * What the API accepts as a request body, checked at the HTTP edge before a handler runs: JSON only (multipart for
 * file uploads), at most `BodyLimits` bytes, nested at most `maxJsonDepth` levels. The refusals are part of the
 * contract of every endpoint.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { MAX_ATTACHMENT_BYTES } from "../Attachments.js"

/** Body size limits in bytes: sign-in endpoints take small bodies only. */
export const BodyLimits = {
  /** every endpoint that is not a sign-in */
  default: 1024 * 1024,
  /** `/api/auth/*`, `/api/chat/token`, `/api/admin/login` */
  signIn: 16 * 1024,
  /** `POST /api/procurements/{id}/attachments`: the largest file and room for its multipart framing */
  attachment: MAX_ATTACHMENT_BYTES + 64 * 1024
} as const

/** Deeper JSON is refused before it is parsed (no payload of the API nests more than a few levels). */
export const maxJsonDepth = 64

/** The body is larger than the endpoint takes; it was not read to the end. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  { limit: Schema.Number },
  HttpApiSchema.annotations({ status: 413 })
) {
  override get message() {
    return `the request body is larger than ${this.limit} bytes`
  }
}

/** The body is not JSON (`Content-Type: application/json`), the only encoding the API takes. */
export class UnsupportedMediaType extends Schema.TaggedError<UnsupportedMediaType>()(
  "UnsupportedMediaType",
  { contentType: Schema.String },
  HttpApiSchema.annotations({ status: 415 })
) {
  override get message() {
    return `request bodies must be application/json, not ${this.contentType}`
  }
}
