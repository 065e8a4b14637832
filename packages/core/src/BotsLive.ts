/**
 * `Bots` over PostgreSQL (table `bots`). Uniqueness of a live token / platform bot id is the partial unique indexes'
 * (`bots_token_idx`, `bots_platform_bot_idx`): two servers adding the same token at once get one record and one
 * refusal. Status and role changes lock the row, so a deleted bot stays deleted.
 */
import { SqlClient, type Statement } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Layer, Schema } from "effect"
import type { BotFilter, BotHealth, BotRole, BotRecordStatus, SealedToken } from "./Bots.js"
import { BotRecord, Bots, NewBot } from "./Bots.js"
import { NotFound, RuleViolation } from "./Errors.js"
import { decodeRows, orDie, uniqueViolation } from "./internal/people/Sql.js"

const columns = `id, platform, role, owner_id, status, health, health_detail, health_at, platform_bot_id, username,
  source, created_at, updated_at`

const TokenRow = Schema.Struct({ tokenCiphertext: Schema.String, tokenFingerprint: Schema.String })
const VersionRow = Schema.Struct({ version: Schema.String })

const tokenInUse = () =>
  new RuleViolation({
    code: "bot.token-in-use",
    en: "This bot is already connected here: use another bot's token.",
    ru: "Этот бот уже подключён — укажите токен другого бота."
  })
const idTaken = (id: string) =>
  new RuleViolation({
    code: "bot.id-taken",
    en: `A bot with the id ${id} already exists.`,
    ru: `Бот с идентификатором ${id} уже есть.`,
    params: { id }
  })
/** A change of a deleted record: refused (deletion is final), in both languages; the admin API says the same. */
export const botDeleted = (id: string) =>
  new RuleViolation({
    code: "bot.deleted",
    en: "This bot was deleted; add it again to use it.",
    ru: "Этот бот удалён — добавьте его заново, чтобы пользоваться им.",
    params: { id }
  })

const decodeNew = Schema.decodeUnknown(NewBot)

export const BotsLive = Layer.effect(
  Bots,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const select = sql.literal(`SELECT ${columns} FROM bots`)
    const records = decodeRows(BotRecord)

    const find = (id: string) => Effect.map(records(sql`${select} WHERE id = ${id}`), (rows) => rows[0])
    const found = (id: string) =>
      Effect.flatMap(find(id), (row) =>
        row === undefined ? Effect.fail(new NotFound({ entity: "bot", id })) : Effect.succeed(row)
      )

    /** A unique index refused the insert: the token or platform id is live elsewhere, or the id is taken. */
    const refusal =
      (id: string) =>
      (error: SqlError): Effect.Effect<never, RuleViolation | SqlError> => {
        const constraint = uniqueViolation(error)
        if (constraint === "bots_pkey") return Effect.fail(idTaken(id))
        if (constraint === "bots_token_idx" || constraint === "bots_platform_bot_idx") return Effect.fail(tokenInUse())
        return Effect.fail(error)
      }

    const insert = (bot: NewBot, token: SealedToken) =>
      sql`INSERT INTO bots (id, platform, token_ciphertext, token_fingerprint, role, owner_id, platform_bot_id,
            username, source)
          VALUES (${bot.id}, ${bot.platform}, ${token.ciphertext}, ${token.fingerprint}, ${bot.role}, ${bot.ownerId},
            ${bot.platformBotId}, ${bot.username}, ${bot.source})`.pipe(Effect.catchTag("SqlError", refusal(bot.id)))

    const valid = (input: NewBot) =>
      decodeNew(input).pipe(
        Effect.mapError(
          () =>
            new RuleViolation({
              code: "bot.invalid",
              en: "The bot's id or platform is not valid.",
              ru: "Неверный идентификатор или платформа бота."
            })
        )
      )

    const list = (filter: BotFilter = {}) =>
      records(
        sql`${select} WHERE ${sql.and([
          filter.status === undefined ? sql`status <> 'deleted'` : sql`status = ${filter.status}`,
          ...(filter.platform === undefined ? [] : [sql`platform = ${filter.platform}`]),
          ...(filter.role === undefined ? [] : [sql`role = ${filter.role}`]),
          ...(filter.ownerId === undefined ? [] : [sql`owner_id = ${filter.ownerId}`])
        ])} ORDER BY created_at, id`
      ).pipe(orDie)

    const add = (input: NewBot, token: SealedToken) =>
      Effect.gen(function* () {
        const bot = yield* valid(input)
        yield* insert(bot, token)
        return (yield* find(bot.id))!
      }).pipe(orDie)

    const importConfigured = (input: NewBot, token: SealedToken) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            const bot = yield* valid(input)
            const [existing] = yield* sql`SELECT id FROM bots WHERE id = ${bot.id} FOR UPDATE`
            if (existing === undefined) yield* insert(bot, token)
            else
              yield* sql`UPDATE bots SET token_ciphertext = ${token.ciphertext},
                    token_fingerprint = ${token.fingerprint}, updated_at = now()
                  WHERE id = ${bot.id} AND token_fingerprint <> ${token.fingerprint}`.pipe(
                Effect.catchTag("SqlError", refusal(bot.id))
              )
            return (yield* find(bot.id))!
          })
        )
        .pipe(orDie)

    const change = (id: string, set: Statement.Fragment) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            const [row] = yield* records(sql`${select} WHERE id = ${id} FOR UPDATE`)
            if (row === undefined) return yield* new NotFound({ entity: "bot", id })
            if (row.status === "deleted") return yield* botDeleted(id)
            yield* sql`UPDATE bots SET ${set}, updated_at = now() WHERE id = ${id}`
            return (yield* find(id))!
          })
        )
        .pipe(orDie)

    const setStatus = (id: string, status: BotRecordStatus) => change(id, sql`status = ${status}`)
    const setRole = (id: string, role: BotRole) => change(id, sql`role = ${role}`)

    const reportHealth = (id: string, health: BotHealth, detail: string | null) =>
      Effect.gen(function* () {
        const rows = yield* sql`UPDATE bots SET health = ${health}, health_detail = ${detail?.slice(0, 500) ?? null},
              health_at = now()
            WHERE id = ${id} RETURNING id`
        if (rows.length === 0) return yield* new NotFound({ entity: "bot", id })
      }).pipe(orDie)

    const sealedToken = (id: string) =>
      Effect.gen(function* () {
        const [row] = yield* decodeRows(TokenRow)(
          sql`SELECT token_ciphertext, token_fingerprint FROM bots WHERE id = ${id}`
        )
        if (row === undefined) return yield* new NotFound({ entity: "bot", id })
        return { ciphertext: row.tokenCiphertext, fingerprint: row.tokenFingerprint }
      }).pipe(orDie)

    const version = () =>
      decodeRows(VersionRow)(
        sql`SELECT count(*)::text || ':' || coalesce(max(updated_at)::text, '') AS version FROM bots`
      ).pipe(
        Effect.map((rows) => rows[0]?.version ?? ""),
        orDie
      )

    return Bots.of({
      list,
      get: (id) => found(id).pipe(orDie),
      add,
      importConfigured,
      setStatus,
      setRole,
      reportHealth,
      sealedToken,
      version
    })
  })
)
