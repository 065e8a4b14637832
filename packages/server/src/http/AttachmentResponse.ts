/**
 * How a chat file is served: its sniffed type, shown inline only when it is an image (anything else is saved, never
 * rendered by the browser as a page of ours), with a policy that runs nothing even if a browser tried, and cached
 * privately (only members may have it; membership can end, so the cache is short and revalidated by ETag).
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { type AttachmentInfo, isImageType, type StoredAttachment } from "@groupbuy/core"
import { Effect } from "effect"

/** `Content-Disposition` with an ASCII fallback name and the exact one as RFC 8187 `filename*`. */
export const contentDisposition = (name: string, inline: boolean): string => {
  const fallback = name.replace(/[^\x20-\x7e]/gu, "_").replace(/["\\;]/gu, "_")
  const exact = encodeURIComponent(name).replace(/['()*]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${inline ? "inline" : "attachment"}; filename="${fallback}"; filename*=UTF-8''${exact}`
}

/** The entity tag of an attachment: its id (the bytes of an attachment never change). */
export const attachmentEtag = (info: AttachmentInfo): string => `"${info.id}"`

/** The headers every answer about the file carries (the 200 and the 304 alike). */
const cacheHeaders = (info: AttachmentInfo) => ({
  "cache-control": "private, max-age=3600",
  etag: attachmentEtag(info),
  vary: "Authorization"
})

/** 304 when the client already has this file (`If-None-Match`). */
export const notModified = (info: AttachmentInfo, ifNoneMatch: string | undefined): boolean =>
  ifNoneMatch !== undefined &&
  ifNoneMatch
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//u, ""))
    .some((tag) => tag === "*" || tag === attachmentEtag(info))

/** The answer of `GET /api/attachments/{id}`. */
export const attachmentResponse = (
  info: AttachmentInfo,
  bytes: Uint8Array,
  ifNoneMatch: string | undefined
): HttpServerResponse.HttpServerResponse => {
  if (notModified(info, ifNoneMatch)) return HttpServerResponse.empty({ status: 304, headers: cacheHeaders(info) })
  const contentType = info.contentType === "text/plain" ? "text/plain; charset=utf-8" : info.contentType
  return HttpServerResponse.uint8Array(bytes, {
    contentType,
    headers: {
      ...cacheHeaders(info),
      "content-disposition": contentDisposition(info.name, isImageType(info.contentType)),
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
      "cross-origin-resource-policy": "same-origin"
    }
  })
}

/** The answer to the current request for a file (304 when its `If-None-Match` already names it). */
export const serveAttachment = (file: StoredAttachment) =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
    attachmentResponse(file.info, file.bytes, request.headers["if-none-match"])
  )
