/**
 * `Chat` over PostgreSQL: one chat per procurement. Members are the organizer, the supplier and non-cancelled
 * participants; admins (and the system) may read and moderate any chat. Events are published after the write.
 *
 * `created_at` is stored in whole milliseconds and strictly increasing per procurement, so the `before` cursor of
 * `history` (a JavaScript `Date`) is exact and no message is skipped or repeated between pages.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Either, Layer, Schema } from "effect"
import { Chat, MAX_CHAT_MESSAGE, MessageFilter, type MessageSortColumn, PostMessage } from "./Chat.js"
import type { Actor } from "./Common.js"
import { isImageType } from "./Attachments.js"
import { Forbidden, InvalidInput, NotFound } from "./Errors.js"
import { DomainEvents } from "./Events.js"
import { NotificationId, ProcurementId, UserId } from "./Ids.js"
import type { AttachmentId, ChatMessageId, Platform } from "./Ids.js"
import { orderBy } from "./internal/ListSql.js"
import { decodeRows, orDie, uniqueViolation } from "./internal/people/Sql.js"
import type { ChatMessageType } from "./Models.js"
import { AttachmentInfo, ChatMessage } from "./Models.js"
import { decodeInput, httpUrl, Subjects, trimmedText, validate } from "./Validation.js"

const ProcurementAccess = Schema.Struct({
  organizerId: UserId,
  member: Schema.Boolean
})
const UserFlags = Schema.Struct({ isAdmin: Schema.Boolean, isActive: Schema.Boolean })
const MemberRow = Schema.Struct({ userId: UserId })
const UnreadRow = Schema.Struct({ procurementId: ProcurementId, unread: Schema.Number })
const CountRow = Schema.Struct({ total: Schema.NumberFromString })
const ReadRow = Schema.Struct({ lastReadAt: Schema.Number })
const UserUnreadRow = Schema.Struct({ userId: UserId, upTo: Schema.Number, unread: Schema.Number })
const RemovedRow = Schema.Struct({ id: NotificationId, userId: UserId })

/** Captions of images and files may be empty; a text message may not. */
const checkText = (type: ChatMessageType, text: string) =>
  trimmedText(text, {
    path: "text",
    subject: Subjects.message,
    min: type === "IMAGE" || type === "FILE" ? 0 : 1,
    max: MAX_CHAT_MESSAGE
  })

/** What people see of a deleted message: that it existed, not what it said. */
const shown = (message: ChatMessage): ChatMessage =>
  message.deletedAt === null
    ? message
    : ChatMessage.make({ ...message, text: "", attachmentUrl: null, attachment: null })

const forbidden = (action: string, reason: string) => new Forbidden({ action, reason })

const isPrivileged = (actor: Actor) => actor._tag === "System" || actor.isAdmin
const actorUser = (actor: Actor): UserId | null => (actor._tag === "User" ? actor.userId : null)

const messageOrder: { readonly [K in MessageSortColumn]: string } = {
  createdAt: "created_at",
  procurementId: "procurement_id",
  userId: "user_id",
  type: "type",
  deletedAt: "deleted_at"
}

export const ChatLive = Layer.effect(
  Chat,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const events = yield* DomainEvents
    const messages = decodeRows(ChatMessage)

    const memberCondition = (userId: UserId) =>
      sql`(p.organizer_id = ${userId} OR p.supplier_id IS NOT DISTINCT FROM ${userId} OR EXISTS (
            SELECT 1 FROM participants pa
            WHERE pa.procurement_id = p.id AND pa.user_id = ${userId} AND pa.status <> 'CANCELLED'))`

    /** The procurement's organizer and whether `userId` is a member; NotFound when there is no such procurement. */
    const access = (procurementId: ProcurementId, userId: UserId | null) =>
      decodeRows(ProcurementAccess)(
        sql`SELECT p.organizer_id, ${userId === null ? sql`false` : memberCondition(userId)} AS member
            FROM procurements p WHERE p.id = ${procurementId}`
      ).pipe(
        Effect.flatMap(([row]) =>
          row ? Effect.succeed(row) : Effect.fail(new NotFound({ entity: "procurement", id: procurementId }))
        )
      )

    /** Members, admins and the system may read; everyone else is refused. */
    const requireAccess = (actor: Actor, procurementId: ProcurementId, action: string) =>
      Effect.flatMap(access(procurementId, actorUser(actor)), (row) =>
        row.member || isPrivileged(actor)
          ? Effect.succeed(row)
          : Effect.fail(forbidden(action, "only members of the procurement may use its chat"))
      )

    const userFlags = (userId: UserId) =>
      decodeRows(UserFlags)(sql`SELECT is_admin, is_active FROM users WHERE id = ${userId}`).pipe(
        Effect.flatMap(([row]) =>
          row ? Effect.succeed(row) : Effect.fail(new NotFound({ entity: "user", id: userId }))
        )
      )

    const findMessage = (id: ChatMessageId) =>
      messages(sql`SELECT * FROM chat_messages WHERE id = ${id}`).pipe(
        Effect.flatMap(([row]) =>
          row ? Effect.succeed(row) : Effect.fail(new NotFound({ entity: "chat_message", id }))
        )
      )

    const insert = (row: {
      readonly procurementId: ProcurementId
      readonly userId: UserId | null
      readonly type: ChatMessageType
      readonly text: string
      readonly attachmentUrl: string | null
      readonly attachment?: AttachmentInfo
      readonly originPlatform: Platform | null
    }) =>
      messages(
        sql`INSERT INTO chat_messages
              (procurement_id, user_id, type, text, attachment_url, attachment_id, attachment, origin_platform,
               created_at)
            VALUES (${row.procurementId}, ${row.userId}, ${row.type}, ${row.text}, ${row.attachmentUrl},
              ${row.attachment?.id ?? null},
              ${row.attachment === undefined ? null : JSON.stringify(Schema.encodeSync(AttachmentInfo)(row.attachment))}::jsonb,
              ${row.originPlatform},
              greatest(date_trunc('milliseconds', clock_timestamp()),
                (SELECT max(created_at) + interval '1 millisecond' FROM chat_messages
                 WHERE procurement_id = ${row.procurementId})))
            RETURNING *`
      ).pipe(Effect.map((rows) => rows[0]!))

    const publishPosted = (message: ChatMessage) => events.publish({ _tag: "ChatMessagePosted", message })

    /** An uploaded file that cannot be sent by this user here (not theirs, another chat's, or sent already). */
    const unavailable = () =>
      InvalidInput.single(
        "attachmentId",
        "attachment.unavailable",
        "the file was not uploaded to this chat by you or has already been sent",
        "файл не загружен вами в этот чат или уже отправлен"
      )

    /**
     * The uploaded file of `userId` in this procurement that no message carries yet; it is locked until the
     * transaction ends, so two posts of the same file cannot both take it.
     */
    const unsentAttachment = (id: AttachmentId, procurementId: ProcurementId, userId: UserId) =>
      decodeRows(AttachmentInfo)(
        sql`SELECT a.id, a.name, a.content_type, a.size FROM chat_attachments a
            WHERE a.id = ${id} AND a.procurement_id = ${procurementId} AND a.uploader_id = ${userId}
              AND NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.attachment_id = a.id)
            FOR UPDATE`
      ).pipe(Effect.flatMap(([row]) => (row ? Effect.succeed(row) : Effect.fail(unavailable()))))

    const post = Effect.fn("Chat.post")(function* (input: PostMessage) {
      const raw = yield* decodeInput(PostMessage)(input)
      const uploaded = raw.attachmentId ?? null
      // an uploaded file decides the message's type: an image is shown, anything else is a file
      const checked = yield* validate({
        text: checkText(uploaded === null ? raw.type : "FILE", raw.text),
        attachmentUrl:
          uploaded !== null || raw.attachmentUrl == null || raw.attachmentUrl.trim() === ""
            ? raw.type === "TEXT" || uploaded !== null
              ? Either.right(null)
              : httpUrl("", "attachmentUrl")
            : httpUrl(raw.attachmentUrl, "attachmentUrl")
      })
      const procurement = yield* access(raw.procurementId, raw.userId)
      const user = yield* userFlags(raw.userId)
      if (!user.isActive) return yield* forbidden("chat.post", "the account is deactivated")
      if (!procurement.member && !user.isAdmin) {
        return yield* forbidden("chat.post", "only members of the procurement may write in its chat")
      }
      const row = {
        procurementId: raw.procurementId,
        userId: raw.userId,
        type: raw.type,
        text: checked.text,
        attachmentUrl: checked.attachmentUrl,
        originPlatform: raw.originPlatform ?? null
      }
      const message =
        uploaded === null
          ? yield* insert(row)
          : yield* sql
              .withTransaction(
                Effect.flatMap(unsentAttachment(uploaded, raw.procurementId, raw.userId), (attachment) =>
                  insert({ ...row, type: isImageType(attachment.contentType) ? "IMAGE" : "FILE", attachment })
                )
              )
              .pipe(
                // a concurrent post of the same file that committed first (the unique attachment_id decides)
                Effect.catchIf(
                  (error) => error._tag === "SqlError" && uniqueViolation(error) !== undefined,
                  () => Effect.fail(unavailable())
                )
              )
      yield* publishPosted(message)
      return message
    }, orDie)

    const postSystem = Effect.fn("Chat.postSystem")(function* (procurementId: ProcurementId, text: string) {
      const value = text.trim()
      if (value === "") return yield* Effect.dieMessage("Chat.postSystem: empty text")
      yield* access(procurementId, null)
      const message = yield* insert({
        procurementId,
        userId: null,
        type: "SYSTEM",
        text: [...value].slice(0, MAX_CHAT_MESSAGE).join(""),
        attachmentUrl: null,
        originPlatform: null
      })
      yield* publishPosted(message)
      return message
    }, orDie)

    const edit = Effect.fn("Chat.edit")(function* (actor: Actor, id: ChatMessageId, text: string) {
      const message = yield* findMessage(id)
      const user = actorUser(actor)
      if (!isPrivileged(actor) && (user === null || message.userId !== user)) {
        return yield* forbidden("chat.edit", "only the author may edit a message")
      }
      if (message.deletedAt !== null) return yield* forbidden("chat.edit", "the message was deleted")
      const checked = yield* validate({ text: checkText(message.type, text) })
      const [edited] = yield* messages(
        sql`UPDATE chat_messages SET text = ${checked.text}, edited_at = clock_timestamp()
            WHERE id = ${id} AND deleted_at IS NULL RETURNING *`
      )
      if (edited === undefined) return yield* forbidden("chat.edit", "the message was deleted")
      yield* events.publish({ _tag: "ChatMessageEdited", message: edited })
      return edited
    }, orDie)

    const remove = Effect.fn("Chat.remove")(function* (actor: Actor, id: ChatMessageId) {
      const message = yield* findMessage(id)
      const user = actorUser(actor)
      if (!isPrivileged(actor) && (user === null || message.userId !== user)) {
        const { organizerId } = yield* access(message.procurementId, null)
        if (organizerId !== user) {
          return yield* forbidden("chat.remove", "only the author, the organizer or an admin may delete a message")
        }
      }
      // the notifications that quote the message go with it, in the same transaction (NotificationsLive stores no
      // new ones once it is deleted)
      const [[deleted], removed] = yield* sql.withTransaction(
        Effect.flatMap(
          messages(
            sql`UPDATE chat_messages SET deleted_at = clock_timestamp(), deleted_by = ${user}
                WHERE id = ${id} AND deleted_at IS NULL RETURNING *`
          ),
          (rows) =>
            rows.length === 0
              ? Effect.succeed([rows, []] as const)
              : Effect.map(
                  decodeRows(RemovedRow)(
                    sql`DELETE FROM notifications WHERE data ? 'messageId' AND data ->> 'messageId' = ${id}
                        RETURNING id, user_id`
                  ),
                  (removed) => [rows, removed] as const
                )
        )
      )
      if (deleted === undefined) return shown(yield* findMessage(id)) // already deleted: nothing to announce
      yield* events.publish({
        _tag: "ChatMessageDeleted",
        messageId: deleted.id,
        procurementId: deleted.procurementId,
        restored: false
      })
      if (removed.length > 0) yield* events.publish({ _tag: "NotificationsRemoved", removed })
      return shown(deleted)
    }, orDie)

    const restore = Effect.fn("Chat.restore")(function* (actor: Actor, id: ChatMessageId) {
      if (!isPrivileged(actor)) return yield* forbidden("chat.restore", "only an admin may restore a message")
      yield* findMessage(id)
      const [restored] = yield* messages(
        sql`UPDATE chat_messages SET deleted_at = NULL, deleted_by = NULL
            WHERE id = ${id} AND deleted_at IS NOT NULL RETURNING *`
      )
      if (restored === undefined) return yield* findMessage(id) // was not deleted
      yield* events.publish({
        _tag: "ChatMessageDeleted",
        messageId: restored.id,
        procurementId: restored.procurementId,
        restored: true
      })
      return restored
    }, orDie)

    const history = Effect.fn("Chat.history")(function* (
      actor: Actor,
      procurementId: ProcurementId,
      options: { readonly limit: number; readonly before?: Date }
    ) {
      yield* requireAccess(actor, procurementId, "chat.history")
      const limit = Number.isFinite(options.limit) ? Math.max(1, Math.min(Math.trunc(options.limit), 100)) : 50
      const before = options.before === undefined ? sql.literal("") : sql`AND created_at < ${options.before}`
      const rows = yield* messages(
        sql`SELECT * FROM chat_messages WHERE procurement_id = ${procurementId} ${before}
            ORDER BY created_at DESC, id DESC LIMIT ${limit}`
      )
      return rows.map(shown).reverse()
    }, orDie)

    const markRead = Effect.fn("Chat.markRead")(function* (userId: UserId, procurementId: ProcurementId) {
      const procurement = yield* access(procurementId, userId)
      if (!procurement.member) {
        const user = yield* userFlags(userId)
        if (!user.isAdmin) return yield* forbidden("chat.read", "only members of the procurement may use its chat")
      }
      // up to the newest message (whose time may be a hair ahead of the clock), never backwards
      const [marker] = yield* decodeRows(ReadRow)(
        sql`INSERT INTO chat_reads (procurement_id, user_id, last_read_at)
        VALUES (${procurementId}, ${userId}, greatest(clock_timestamp(),
          (SELECT max(created_at) FROM chat_messages WHERE procurement_id = ${procurementId})))
        ON CONFLICT (procurement_id, user_id)
          DO UPDATE SET last_read_at = greatest(chat_reads.last_read_at, excluded.last_read_at)
        RETURNING (extract(epoch FROM last_read_at) * 1000)::float8 AS last_read_at`
      )
      yield* events.publish({ _tag: "ChatRead", procurementId, userId, lastReadAt: marker!.lastReadAt })
    }, orDie)

    const unreadCounts = (userId: UserId) =>
      decodeRows(UnreadRow)(
        sql`SELECT p.id AS procurement_id, count(m.id)::int AS unread
            FROM procurements p
            JOIN chat_messages m ON m.procurement_id = p.id
            LEFT JOIN chat_reads r ON r.procurement_id = p.id AND r.user_id = ${userId}
            WHERE ${memberCondition(userId)}
              AND m.deleted_at IS NULL
              AND m.user_id IS DISTINCT FROM ${userId}
              AND m.created_at > coalesce(r.last_read_at, '-infinity'::timestamptz)
            GROUP BY p.id
            ORDER BY max(m.created_at) DESC`
      ).pipe(orDie)

    const unreadIn = (procurementId: ProcurementId, userIds: ReadonlyArray<UserId>) =>
      Effect.gen(function* () {
        const ids = [...new Set(userIds)]
        if (ids.length === 0) return { upTo: 0, unread: new Map<UserId, number>() }
        // one statement, one snapshot: the counts include exactly the messages up to the newest one it saw
        const rows = yield* decodeRows(UserUnreadRow)(
          sql`WITH newest AS (SELECT max(created_at) AS at FROM chat_messages WHERE procurement_id = ${procurementId})
              SELECT u.id AS user_id, coalesce((extract(epoch FROM n.at) * 1000)::float8, 0) AS up_to, (
                SELECT count(*)::int FROM chat_messages m
                WHERE m.procurement_id = p.id AND m.deleted_at IS NULL
                  AND m.user_id IS DISTINCT FROM u.id
                  AND m.created_at > coalesce(r.last_read_at, '-infinity'::timestamptz)
                  AND m.created_at <= n.at
              ) AS unread
              FROM procurements p
              CROSS JOIN newest n
              JOIN users u ON u.id IN ${sql.in(ids)}
              LEFT JOIN chat_reads r ON r.procurement_id = p.id AND r.user_id = u.id
              WHERE p.id = ${procurementId}
                AND (p.organizer_id = u.id OR p.supplier_id IS NOT DISTINCT FROM u.id OR EXISTS (
                  SELECT 1 FROM participants pa
                  WHERE pa.procurement_id = p.id AND pa.user_id = u.id AND pa.status <> 'CANCELLED'))`
        )
        return { upTo: rows[0]?.upTo ?? 0, unread: new Map(rows.map((r) => [r.userId, r.unread] as const)) }
      }).pipe(orDie)

    const members = Effect.fn("Chat.members")(function* (procurementId: ProcurementId) {
      yield* access(procurementId, null)
      const rows = yield* decodeRows(MemberRow)(
        sql`SELECT user_id FROM (
              SELECT organizer_id AS user_id, 0 AS rank, created_at FROM procurements WHERE id = ${procurementId}
              UNION ALL
              SELECT supplier_id, 1, created_at FROM procurements
                WHERE id = ${procurementId} AND supplier_id IS NOT NULL
              UNION ALL
              SELECT user_id, 2, created_at FROM participants
                WHERE procurement_id = ${procurementId} AND status <> 'CANCELLED'
            ) m ORDER BY rank, created_at`
      )
      return [...new Set(rows.map((r) => r.userId))]
    }, orDie)

    const setMuted = Effect.fn("Chat.setMuted")(function* (
      userId: UserId,
      procurementId: ProcurementId,
      muted: boolean
    ) {
      const procurement = yield* access(procurementId, userId)
      if (!procurement.member) {
        const user = yield* userFlags(userId)
        if (!user.isAdmin) return yield* forbidden("chat.mute", "only members of the procurement may use its chat")
      }
      yield* muted
        ? sql`INSERT INTO chat_mutes (procurement_id, user_id) VALUES (${procurementId}, ${userId})
              ON CONFLICT DO NOTHING`
        : sql`DELETE FROM chat_mutes WHERE procurement_id = ${procurementId} AND user_id = ${userId}`
    }, orDie)

    const isMuted = (userId: UserId, procurementId: ProcurementId) =>
      decodeRows(MemberRow)(
        sql`SELECT user_id FROM chat_mutes WHERE procurement_id = ${procurementId} AND user_id = ${userId}`
      ).pipe(
        Effect.map((rows) => rows.length > 0),
        orDie
      )

    const muted = (procurementId: ProcurementId) =>
      decodeRows(MemberRow)(sql`SELECT user_id FROM chat_mutes WHERE procurement_id = ${procurementId}`).pipe(
        Effect.map((rows): ReadonlySet<UserId> => new Set(rows.map((r) => r.userId))),
        orDie
      )

    const canAccess = (actor: Actor, procurementId: ProcurementId) =>
      requireAccess(actor, procurementId, "chat.access").pipe(
        Effect.as(true),
        Effect.catchTags({ NotFound: () => Effect.succeed(false), Forbidden: () => Effect.succeed(false) }),
        orDie
      )

    const list = Effect.fn("Chat.list")(function* (filter: MessageFilter) {
      const f = yield* Schema.decodeUnknown(MessageFilter)(filter)
      const conditions = []
      if (f.procurementId !== undefined) conditions.push(sql`procurement_id = ${f.procurementId}`)
      if (f.userId !== undefined) conditions.push(sql`user_id = ${f.userId}`)
      if (!f.includeDeleted) conditions.push(sql`deleted_at IS NULL`)
      const query = f.query?.trim() ?? ""
      if (query !== "") conditions.push(sql`search @@ websearch_to_tsquery('russian', ${query})`)
      const where = sql.and(conditions)
      const [count] = yield* decodeRows(CountRow)(sql`SELECT count(*)::text AS total FROM chat_messages WHERE ${where}`)
      const items = yield* messages(
        sql`SELECT * FROM chat_messages WHERE ${where}
            ORDER BY ${orderBy(sql, f.sort, messageOrder, "created_at DESC, id DESC", "id DESC")}
            LIMIT ${f.limit} OFFSET ${f.offset}`
      )
      return { items, total: count?.total ?? 0, offset: f.offset, limit: f.limit }
    }, orDie)

    return Chat.of({
      post,
      postSystem,
      edit,
      remove,
      restore,
      history,
      markRead,
      unreadCounts,
      unreadIn,
      members,
      setMuted,
      isMuted,
      muted,
      canAccess,
      list
    })
  })
)
