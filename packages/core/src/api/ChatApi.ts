/** The chat of a procurement: history, posting, editing, deleting, read markers, files. */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, Multipart, OpenApi } from "@effect/platform"
import { Option, Schema } from "effect"
import { MAX_ATTACHMENT_BYTES } from "../Attachments.js"
import { Forbidden, NotFound } from "../Errors.js"
import { AttachmentId, ChatMessageId, Platform, ProcurementId, UserId } from "../Ids.js"
import { AttachmentInfo, ChatMessageType, ProcurementStatus } from "../Models.js"
import { UnreadCount, ChatMessageJson } from "./Dto.js"
import * as Refusals from "./Refusals.js"
import { specAlias } from "./SpecAlias.js"
import { PayloadTooLarge } from "./RequestBody.js"
import { Authentication, Unauthorized } from "./Security.js"

/**
 * The text of the SYSTEM chat message that says the procurement's status changed, `status:FROM>TO`: each client
 * renders it in its reader's language (the bots, the cabinet); one that does not know it shows the text as it is.
 */
export const StatusChangeText = Schema.TemplateLiteralParser("status:", ProcurementStatus, ">", ProcurementStatus)

export const statusChangeText = (from: ProcurementStatus, to: ProcurementStatus): string =>
  Schema.encodeSync(StatusChangeText)(["status:", from, ">", to])

/** The change a SYSTEM message's text announces, if it is one. */
export const readStatusChange = (
  text: string
): Option.Option<{ readonly from: ProcurementStatus; readonly to: ProcurementStatus }> =>
  Option.map(Schema.decodeUnknownOption(StatusChangeText)(text), ([, from, , to]) => ({ from, to }))

export class PostMessageBody extends Schema.Class<PostMessageBody>("PostMessageBody")({
  text: Schema.String,
  type: Schema.optional(ChatMessageType.pipe(Schema.pickLiteral("TEXT", "IMAGE", "FILE"))),
  attachmentUrl: Schema.optional(Schema.NullOr(Schema.String)),
  /** a file uploaded to this chat by the same user (`POST /procurements/{id}/attachments`), sent once; `text` is its caption */
  attachmentId: Schema.optional(Schema.NullOr(AttachmentId)),
  /** required for the service token */
  userId: Schema.optional(UserId),
  /** where the message was written; "web" for users */
  originPlatform: Schema.optional(Schema.NullOr(Platform))
}) {}

/** `POST /chat/messages`: the message and the procurement whose chat it goes to. */
export class SendMessageBody extends Schema.Class<SendMessageBody>("SendMessageBody")({
  ...PostMessageBody.fields,
  procurementId: ProcurementId
}) {}

export class EditMessageBody extends Schema.Class<EditMessageBody>("EditMessageBody")({
  text: Schema.String,
  /** the service token edits on behalf of this user */
  userId: Schema.optional(UserId)
}) {}

export const HistoryParams = Schema.Struct({
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 200))),
  /** messages strictly older than this instant */
  before: Schema.optional(Schema.DateTimeUtc),
  userId: Schema.optional(UserId)
})

/**
 * The multipart form of an upload: the part `file` (its file name and content type are hints only) and, optionally,
 * the field `name`: the file's name in UTF-8. The form parser reads only ASCII file names in a part's header, so a
 * client sends a name in any other script as this field (the web cabinet always does).
 */
export const UploadAttachmentForm = HttpApiSchema.Multipart(
  Schema.Struct({
    file: Multipart.SingleFileSchema,
    name: Schema.optional(Schema.String.pipe(Schema.maxLength(1024)))
  }).annotations({
    description:
      `The part "file" (at most ${MAX_ATTACHMENT_BYTES} bytes; its file name in ASCII) and the optional field ` +
      `"name": the file's name in UTF-8, which wins over the part's.`
  })
)

/** The bytes of an attachment; its content type is the one sniffed at upload. */
export const AttachmentBytes = HttpApiSchema.Uint8Array({ contentType: "application/octet-stream" }).annotations({
  description:
    "The file. `Content-Type` is its sniffed type; `Content-Disposition` is `inline` for images and `attachment` " +
    "otherwise, with the safe file name; `X-Content-Type-Options: nosniff`, a `Content-Security-Policy` that runs " +
    "nothing (`default-src 'none'; frame-ancestors 'none'; sandbox`), `Cache-Control: private` and an `ETag` (answers 304 to `If-None-Match`)."
})

const ProcurementPath = Schema.Struct({ id: ProcurementId })
const AttachmentPath = Schema.Struct({ id: AttachmentId })
const MessagePath = Schema.Struct({ id: ChatMessageId })
const OnBehalfParams = Schema.Struct({ userId: Schema.optional(UserId) })

export class ChatApi extends HttpApiGroup.make("chat")
  .add(
    HttpApiEndpoint.get("history", "/procurements/:id/messages")
      .annotate(OpenApi.Summary, "A procurement chat's messages")
      .annotate(
        OpenApi.Description,
        "Members only (organizer, supplier, participants, administrators): the newest `limit` messages (at most " +
          "200) before `before`."
      )
      .setPath(ProcurementPath)
      .setUrlParams(HistoryParams)
      .addSuccess(Schema.Array(ChatMessageJson))
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("post", "/procurements/:id/messages")
      .annotate(OpenApi.Summary, "Send a chat message")
      .annotate(
        OpenApi.Description,
        "Members only. Text, or a file uploaded to this chat first (`attachmentId`, with the text as its " +
          "caption). Messages reach members on every platform."
      )
      .setPath(ProcurementPath)
      .setPayload(PostMessageBody)
      .addSuccess(ChatMessageJson, { status: 201 })
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.patch("edit", "/messages/:id")
      .annotate(OpenApi.Summary, "Edit a chat message")
      .annotate(OpenApi.Description, "Its author only; the edit is relayed to members where the platform can edit.")
      .setPath(MessagePath)
      .setPayload(EditMessageBody)
      .addSuccess(ChatMessageJson)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.del("remove", "/messages/:id")
      .annotate(OpenApi.Summary, "Delete a chat message")
      .annotate(
        OpenApi.Description,
        'Its author, the procurement\'s organizer or an administrator; members see "message deleted".'
      )
      .setPath(MessagePath)
      .setUrlParams(OnBehalfParams)
      .addSuccess(ChatMessageJson)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("markRead", "/procurements/:id/read")
      .annotate(OpenApi.Summary, "Mark a chat read")
      .annotate(
        OpenApi.Description,
        "Moves the member's read marker to now: the unread count of this chat becomes 0 on every open client."
      )
      .setPath(ProcurementPath)
      .setPayload(OnBehalfParams)
      .addSuccess(HttpApiSchema.NoContent)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.get("unread", "/chat/unread")
      .annotate(OpenApi.Summary, "Unread chat counts")
      .annotate(OpenApi.Description, "For each chat of the user with unread messages: the procurement and the count.")
      .setUrlParams(OnBehalfParams)
      .addSuccess(Schema.Array(UnreadCount))
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.post("upload", "/procurements/:id/attachments")
      .setPath(ProcurementPath)
      .setPayload(UploadAttachmentForm)
      .addSuccess(AttachmentInfo, { status: 201 })
      .pipe(Refusals.invalid)
      .addError(PayloadTooLarge)
      .annotate(OpenApi.Summary, "Upload a file for the chat")
      .annotate(
        OpenApi.Description,
        "Stores an image (JPEG, PNG, WebP, GIF), a PDF, plain text or an office document for the chat of the " +
          `procurement, for its members only; at most ${MAX_ATTACHMENT_BYTES} bytes (413 past that). The type is ` +
          "sniffed from the content: a file of another kind, or one whose claimed type contradicts its content, is " +
          "refused (400, with the reason in Russian and English). Answers the attachment, whose `id` a message then " +
          "carries (`attachmentId` of `POST /procurements/{id}/messages` or of the socket's `send` frame)."
      )
  )
  .add(
    HttpApiEndpoint.get("download", "/attachments/:id")
      .setPath(AttachmentPath)
      .addSuccess(AttachmentBytes)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Download a chat file")
      .annotate(
        OpenApi.Description,
        "The file, for members of its procurement's chat (organizer, participants, supplier) and admins; anyone " +
          "else, a file not sent yet (except to its uploader) and the file of a deleted message get 404."
      )
  )
  .add(
    HttpApiEndpoint.get("members", "/procurements/:id/members")
      .annotate(OpenApi.Summary, "A chat's members")
      .annotate(
        OpenApi.Description,
        "The ids of the organizer, the supplier and the participants; members and administrators only."
      )
      .setPath(ProcurementPath)
      .addSuccess(Schema.Array(UserId))
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.get("listMessages", "/chat/messages")
      .setUrlParams(Schema.Struct({ ...HistoryParams.fields, procurement_id: ProcurementId }))
      .addSuccess(Schema.Array(ChatMessageJson))
      .pipe(Refusals.missing, specAlias("A procurement chat's messages", "GET /procurements/{id}/messages"))
  )
  .add(
    HttpApiEndpoint.post("sendMessage", "/chat/messages")
      .setPayload(SendMessageBody)
      .addSuccess(ChatMessageJson, { status: 201 })
      .pipe(Refusals.invalid, specAlias("Send a chat message", "POST /procurements/{id}/messages"))
  )
  .middleware(Authentication) {}

/**
 * Chat files opened from a messenger: the link a member in Telegram, VK or WhatsApp gets with a relayed message
 * carries a token for that member and that file (no sign-in; it expires, and it opens nothing once they are no
 * longer a member).
 */
export class ChatFileLinksApi extends HttpApiGroup.make("chatFileLinks").add(
  HttpApiEndpoint.get("shared", "/attachments/:id/shared")
    .setPath(AttachmentPath)
    .setUrlParams(Schema.Struct({ token: Schema.String }))
    .addSuccess(AttachmentBytes)
    .addError(Unauthorized)
    .addError(NotFound)
    .annotate(OpenApi.Summary, "Open a chat file from a messenger link")
    .annotate(
      OpenApi.Description,
      "The file as `GET /attachments/{id}` serves it, for the member the link's `token` was issued to (relayed " +
        "chat messages carry such links); 401 for a token that is invalid, expired or for another file, 404 when " +
        "they may no longer see it."
    )
) {}
