/** `Channels` over PostgreSQL (`broadcast_channels`). */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Layer, Schema } from "effect"
import { AddChannel, Channels } from "./Channels.js"
import { NotFound, RuleViolation } from "./Errors.js"
import type { ChannelId } from "./Ids.js"
import { decodeRows, orDie, uniqueViolation } from "./internal/people/Sql.js"
import { Channel } from "./Models.js"

const duplicate = (input: AddChannel) =>
  new RuleViolation({
    code: "channel.duplicate",
    en: `The chat ${input.chatId} is already registered for the bot ${input.botId}.`,
    ru: `Чат ${input.chatId} уже подключён к боту ${input.botId}.`,
    params: { botId: input.botId, chatId: input.chatId }
  })

export const ChannelsLive = Layer.effect(
  Channels,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const COLUMNS = sql.literal("id, bot_id, platform, chat_id, title, language, added_by, created_at")
    const rows = decodeRows(Channel)

    const list = Effect.fn("Channels.list")(function* () {
      return yield* rows(sql`SELECT ${COLUMNS} FROM broadcast_channels ORDER BY created_at, id`)
    }, orDie)

    const add = Effect.fn("Channels.add")(function* (input: AddChannel) {
      const valid = yield* Schema.decodeUnknown(AddChannel)(input)
      const [row] = yield* rows(
        sql`INSERT INTO broadcast_channels (bot_id, platform, chat_id, title, language, added_by)
          VALUES (${valid.botId}, ${valid.platform}, ${valid.chatId}, ${valid.title}, ${valid.language},
            ${valid.addedBy})
          RETURNING ${COLUMNS}`
      ).pipe(
        Effect.catchTag("SqlError", (error: SqlError): Effect.Effect<never, RuleViolation | SqlError> =>
          uniqueViolation(error) === undefined ? Effect.fail(error) : Effect.fail(duplicate(valid))
        )
      )
      return row!
    }, orDie)

    const remove = Effect.fn("Channels.remove")(function* (id: ChannelId) {
      const [row] = yield* rows(sql`DELETE FROM broadcast_channels WHERE id = ${id} RETURNING ${COLUMNS}`)
      if (row === undefined) return yield* new NotFound({ entity: "broadcast_channel", id })
      return row
    }, orDie)

    return Channels.of({ list, add, remove })
  })
)
