/**
 * Files and images sent in procurement chats. The server stores them (upload → an `AttachmentInfo` whose id a chat
 * message then carries) and serves them to the chat's members only. The type is sniffed from the content.
 */
import { Context, type Effect } from "effect"
import type { Actor } from "./Common.js"
import type { Forbidden, InvalidInput, NotFound } from "./Errors.js"
import type { AttachmentId, ProcurementId } from "./Ids.js"
import type { AttachmentInfo } from "./Models.js"

export { ALLOWED_TYPES, isImageType } from "./internal/chat/FileTypes.js"

/** The largest attachment accepted (bytes): 10 MiB. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

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
   * empty, over `MAX_ATTACHMENT_BYTES`, of a type that is not allowed, or when the claimed type contradicts the content.
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
}

export class Attachments extends Context.Tag("@groupbuy/core/Attachments")<Attachments, AttachmentsService>() {}
