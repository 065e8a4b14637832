/**
 * `Notifications` over PostgreSQL. Every stored row is announced with `NotificationCreated` after the insert; the
 * server's dispatcher delivers it and calls `markDelivered`. A broadcast to many users is one INSERT ... SELECT.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import { NotFound } from "./Errors.js"
import { DomainEvents } from "./Events.js"
import { ChatMessageId, type NotificationId, type Platform, type UserId } from "./Ids.js"
import { CountRow, decodeRows, orDie, parseJsonColumns, toJsonText } from "./internal/people/Sql.js"
import { Notification } from "./Models.js"
import { CreateNotification, NotificationAudience, Notifications } from "./Notifications.js"

const Content = Schema.Struct(CreateNotification.fields).pipe(Schema.omit("userId"))

const decodeMessageId = Schema.decodeUnknownOption(ChatMessageId)

/** Page bounds as `PageRequest` defines them (offset ≥ 0, 1 ≤ limit ≤ 100), clamped rather than refused. */
const bounds = (options: { readonly offset?: number; readonly limit?: number }) => ({
  offset: Math.max(0, Math.trunc(options.offset ?? 0) || 0),
  limit: Math.min(100, Math.max(1, Math.trunc(options.limit ?? 20) || 20))
})

export const NotificationsLive = Layer.effect(
  Notifications,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const events = yield* DomainEvents
    // `data` is read as text: the client's name transform would otherwise rewrite the keys inside it
    const COLUMNS = sql.literal(
      "id, user_id, type, title, body, procurement_id, data::text AS data, is_read, delivered_at, delivered_platform, " +
        "created_at"
    )
    const rows = <E, R>(statement: Effect.Effect<ReadonlyArray<Record<string, unknown>>, E, R>) =>
      decodeRows(Notification)(parseJsonColumns("data")(statement))

    const announce = (created: ReadonlyArray<Notification>) =>
      Effect.forEach(created, (notification) => events.publish({ _tag: "NotificationCreated", notification }), {
        discard: true
      })

    /** The accounts (`users u`) of an audience. */
    const audienceOf = (audience: NotificationAudience) =>
      sql.and([
        sql`u.is_active = ${audience.isActive ?? true}`,
        ...(audience.isVerified === undefined ? [] : [sql`u.is_verified = ${audience.isVerified}`]),
        ...(audience.role === undefined
          ? []
          : [audience.role === "admin" ? sql`u.is_admin` : sql`u.role = ${audience.role} AND NOT u.is_admin`]),
        ...(audience.platform === undefined
          ? []
          : [
              sql`EXISTS (SELECT 1 FROM platform_identities i WHERE i.user_id = u.id AND i.platform = ${audience.platform})`
            ])
      ])

    const audienceSize = (audience: NotificationAudience) =>
      Schema.decodeUnknown(NotificationAudience)(audience).pipe(
        Effect.flatMap((valid) =>
          decodeRows(CountRow)(sql`SELECT count(*)::int AS n FROM users u WHERE ${audienceOf(valid)}`)
        ),
        Effect.map((rows) => rows[0]?.n ?? 0),
        orDie
      )

    const createMany = Effect.fn("Notifications.createMany")(function* (
      userIds: ReadonlyArray<UserId> | NotificationAudience | "all",
      input: Omit<CreateNotification, "userId">
    ) {
      const content = yield* Schema.decodeUnknown(Content)(input)
      const data = yield* toJsonText(content.data ?? {})
      // a notification quoting a chat message is stored only while the message is there: the share lock waits for a
      // deletion in progress (which removes the notifications already stored, ChatLive.remove)
      const messageId = Option.getOrUndefined(decodeMessageId(content.data?.["messageId"]))
      const aboutMessage =
        messageId === undefined
          ? sql.literal("")
          : sql`AND EXISTS (SELECT 1 FROM chat_messages m WHERE m.id = ${messageId} AND m.deleted_at IS NULL FOR SHARE)`
      const recipients =
        userIds === "all"
          ? audienceOf(new NotificationAudience({}))
          : userIds instanceof NotificationAudience
            ? audienceOf(userIds)
            : userIds.length === 0
              ? sql`false`
              : sql`u.id IN ${sql.in([...new Set(userIds)])}`
      const created = yield* rows(
        sql<Record<string, unknown>>`INSERT INTO notifications (user_id, type, title, body, procurement_id, data)
          SELECT u.id, ${content.type}, ${content.title}, ${content.body}, ${content.procurementId ?? null},
            ${data}::jsonb
          FROM users u WHERE ${recipients} ${aboutMessage}
          ORDER BY u.created_at, u.id
          RETURNING ${COLUMNS}`
      )
      yield* announce(created)
      return created
    }, orDie)

    const create = Effect.fn("Notifications.create")(function* (input: CreateNotification) {
      const valid = yield* Schema.decodeUnknown(CreateNotification)(input)
      const created = yield* createMany([valid.userId], valid)
      return created[0] ?? (yield* Effect.dieMessage(`Notifications.create: no user ${valid.userId}`))
    }, orDie)

    const list = Effect.fn("Notifications.list")(function* (
      userId: UserId,
      options: { readonly offset?: number; readonly limit?: number; readonly unreadOnly?: boolean }
    ) {
      const { limit, offset } = bounds(options)
      const unread = options.unreadOnly ? sql`AND NOT is_read` : sql.literal("")
      const [count] = yield* decodeRows(CountRow)(
        sql`SELECT count(*)::int AS n FROM notifications WHERE user_id = ${userId} ${unread}`
      )
      const items = yield* rows(
        sql<Record<string, unknown>>`SELECT ${COLUMNS} FROM notifications WHERE user_id = ${userId} ${unread}
          ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`
      )
      return { items, total: count?.n ?? 0, offset, limit }
    }, orDie)

    const unreadCount = (userId: UserId) =>
      decodeRows(CountRow)(
        sql`SELECT count(*)::int AS n FROM notifications WHERE user_id = ${userId} AND NOT is_read`
      ).pipe(
        Effect.map((r) => r[0]?.n ?? 0),
        orDie
      )

    const markRead = Effect.fn("Notifications.markRead")(function* (
      userId: UserId,
      ids: ReadonlyArray<NotificationId> | "all"
    ) {
      if (ids !== "all" && ids.length === 0) return 0
      const which = ids === "all" ? sql.literal("") : sql`AND id IN ${sql.in([...new Set(ids)])}`
      const changed = yield* sql`UPDATE notifications SET is_read = true
        WHERE user_id = ${userId} AND NOT is_read ${which} RETURNING id`
      return changed.length
    }, orDie)

    const markDelivered = Effect.fn("Notifications.markDelivered")(function* (id: NotificationId, platform: Platform) {
      const updated = yield* sql`UPDATE notifications
        SET delivered_at = clock_timestamp(), delivered_platform = ${platform} WHERE id = ${id} RETURNING id`
      if (updated.length === 0) return yield* new NotFound({ entity: "notification", id })
    }, orDie)

    return Notifications.of({ create, createMany, list, unreadCount, audienceSize, markRead, markDelivered })
  })
)
