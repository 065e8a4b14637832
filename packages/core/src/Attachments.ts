/**
 * Files and images sent in procurement chats. The server stores them (upload → an `AttachmentInfo` whose id a chat
 * message then carries) and serves them to the chat's members only. The type is sniffed from the content.
 */
import { Context, type Effect } from "effect"
import type { Actor } from "./Common.js"
import type { Forbidden, InvalidInput, NotFound } from "./Errors.js"
import type { AttachmentId, ProcurementId, UserId } from "./Ids.js"
import type { AttachmentInfo } from "./Models.js"

export { ALLOWED_TYPES, isImageType } from "./internal/chat/FileTypes.js"

/** The largest attachment accepted (bytes): 10 MiB. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

/** Files one person may have uploaded and not sent yet; unsent uploads older than a day are removed. */
export const MAX_UNSENT_ATTACHMENTS = 10

/** A file size as people read it: 930 B, 12 KB, 3.4 MB (Б, КБ, МБ and a decimal comma in Russian). */
export const formatFileSize = (bytes: number, language: "ru" | "en"): string => {
  const [b, kb, mb] = language === "ru" ? ["Б", "КБ", "МБ"] : ["B", "KB", "MB"]
  if (bytes < 1024) return `${bytes} ${b}`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} ${kb}`
  const megabytes = String(Math.round((bytes / 1024 / 1024) * 10) / 10)
  return `${language === "ru" ? megabytes.replace(".", ",") : megabytes} ${mb}`
}

/** An upload: the bytes as received, the name and type the client gave (both only hints). */
export interface UploadInput {
  readonly procurementId: ProcurementId
  readonly name: string
  readonly claimedType: string
  readonly bytes: Uint8Array
}

/** A stored attachment with its bytes. */
export interface StoredAttachment {
  readonly info: AttachmentInfo
  readonly procurementId: ProcurementId
  readonly bytes: Uint8Array
}

export interface AttachmentsService {
  /**
   * Stores a file for the chat of a procurement, for its members (and admins) only. Refused (`InvalidInput`) when
   * empty, over `MAX_ATTACHMENT_BYTES`, of a type that is not allowed, when the claimed type contradicts the content,
   * or when the uploader already holds `MAX_UNSENT_ATTACHMENTS` files not sent (their own older than a day go first).
   */
  readonly upload: (
    actor: Actor,
    input: UploadInput
  ) => Effect.Effect<AttachmentInfo, InvalidInput | Forbidden | NotFound>
  /**
   * The file, for members of its procurement's chat (and admins). Until it is sent only its uploader sees it; once its
   * message is deleted nobody but admins does. Someone who may not see it gets `NotFound` (its existence is not told).
   */
  readonly download: (actor: Actor, id: AttachmentId) => Effect.Effect<StoredAttachment, NotFound>
  /** Deletes every upload that no message carries and that is older than a day; how many went. */
  readonly purgeUnsent: () => Effect.Effect<number>
}

export class Attachments extends Context.Tag("@groupbuy/core/Attachments")<Attachments, AttachmentsService>() {}

/**
 * Links to an attachment for people outside the web cabinet (a member in Telegram, VK or WhatsApp): a URL that opens
 * the file for `userId` without signing in, for a limited time, and only while they are still a member. The server
 * provides it; where nobody does, messengers get the file's name without a link.
 */
export class AttachmentLinks extends Context.Tag("@groupbuy/core/AttachmentLinks")<
  AttachmentLinks,
  { readonly link: (id: AttachmentId, userId: UserId) => Effect.Effect<string> }
>() {}
