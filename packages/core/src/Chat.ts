/**
 * One chat per procurement across every platform. Members are the organizer, the supplier, non-cancelled
 * participants and admins. Messages can be edited, soft-deleted and restored; read markers give unread counts.
 */
import { Context, type Effect, Schema } from "effect"
import type { Actor, Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { Forbidden, InvalidInput, NotFound } from "./Errors.js"
import { AttachmentId, ChatMessageId, Platform, ProcurementId, UserId } from "./Ids.js"
import type { ChatMessage } from "./Models.js"
import { ChatMessageType } from "./Models.js"
import { SortOrder } from "./SortOrder.js"

/** Longest chat message accepted (characters): Telegram's own limit, so whatever a messenger lets one send fits. */
export const MAX_CHAT_MESSAGE = 4096

export class PostMessage extends Schema.Class<PostMessage>("PostMessage")({
  procurementId: ProcurementId,
  userId: UserId,
  type: Schema.optionalWith(ChatMessageType.pipe(Schema.pickLiteral("TEXT", "IMAGE", "FILE")), {
    default: () => "TEXT" as const
  }),
  text: Schema.String,
  attachmentUrl: Schema.optional(Schema.NullOr(Schema.String)),
  /** an uploaded file (`Attachments.upload`) of this user and procurement not yet sent; its type sets the message's */
  attachmentId: Schema.optional(Schema.NullOr(AttachmentId)),
  originPlatform: Schema.optional(Schema.NullOr(Platform))
}) {}

/** The columns an admin may order the message list by. */
export const MessageSortColumn = Schema.Literal("createdAt", "procurementId", "userId", "type", "deletedAt")
export type MessageSortColumn = typeof MessageSortColumn.Type

export class MessageFilter extends Schema.Class<MessageFilter>("MessageFilter")({
  ...PageRequest.fields,
  procurementId: Schema.optional(ProcurementId),
  userId: Schema.optional(UserId),
  query: Schema.optional(Schema.String),
  includeDeleted: Schema.optional(Schema.Boolean),
  sort: Schema.optional(SortOrder(MessageSortColumn))
}) {}

export interface ChatService {
  /**
   * Members only (`Forbidden` otherwise); text 1..MAX_CHAT_MESSAGE characters after trimming, 0.. with an attachment
   * (a link or an uploaded file, which is sent once: a second message with it is refused).
   */
  readonly post: (input: PostMessage) => Effect.Effect<ChatMessage, InvalidInput | Forbidden | NotFound>
  readonly postSystem: (procurementId: ProcurementId, text: string) => Effect.Effect<ChatMessage, NotFound>
  /** The author edits their own message (admins any). */
  readonly edit: (
    actor: Actor,
    id: ChatMessageId,
    text: string
  ) => Effect.Effect<ChatMessage, InvalidInput | Forbidden | NotFound>
  /** Soft delete by the author, the procurement's organizer or an admin. */
  readonly remove: (actor: Actor, id: ChatMessageId) => Effect.Effect<ChatMessage, Forbidden | NotFound>
  /** Admins only. */
  readonly restore: (actor: Actor, id: ChatMessageId) => Effect.Effect<ChatMessage, Forbidden | NotFound>
  /** Newest last; `before` pages backwards. Deleted messages are returned with empty text and deletedAt set. */
  readonly history: (
    actor: Actor,
    procurementId: ProcurementId,
    options: { readonly limit: number; readonly before?: Date }
  ) => Effect.Effect<ReadonlyArray<ChatMessage>, Forbidden | NotFound>
  /** Moves the member's read marker to the newest message (never backwards) and publishes `ChatRead`. */
  readonly markRead: (userId: UserId, procurementId: ProcurementId) => Effect.Effect<void, Forbidden | NotFound>
  readonly unreadCounts: (
    userId: UserId
  ) => Effect.Effect<ReadonlyArray<{ readonly procurementId: ProcurementId; readonly unread: number }>>
  /**
   * The unread counts of those of the users who are members of the chat (the others are absent), in one statement,
   * and `upTo`: the time (epoch ms) of the chat's newest message they include (0 when none is a member), so a live
   * counter can go on from there.
   */
  readonly unreadIn: (
    procurementId: ProcurementId,
    userIds: ReadonlyArray<UserId>
  ) => Effect.Effect<{ readonly upTo: number; readonly unread: ReadonlyMap<UserId, number> }>
  readonly members: (procurementId: ProcurementId) => Effect.Effect<ReadonlyArray<UserId>, NotFound>
  /**
   * A member mutes (or unmutes) the notifications of a chat they are not reading; idempotent (a double tap acts once).
   * Members and admins only.
   */
  readonly setMuted: (
    userId: UserId,
    procurementId: ProcurementId,
    muted: boolean
  ) => Effect.Effect<void, Forbidden | NotFound>
  /** Whether `userId` muted the chat's notifications. */
  readonly isMuted: (userId: UserId, procurementId: ProcurementId) => Effect.Effect<boolean>
  /** The members who muted the chat's notifications, in one statement. */
  readonly muted: (procurementId: ProcurementId) => Effect.Effect<ReadonlySet<UserId>>
  readonly canAccess: (actor: Actor, procurementId: ProcurementId) => Effect.Effect<boolean>
  /** Admin listing and search. */
  readonly list: (filter: MessageFilter) => Effect.Effect<Page<ChatMessage>>
}

export class Chat extends Context.Tag("@groupbuy/core/Chat")<Chat, ChatService>() {}
