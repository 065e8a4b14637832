/**
 * `ReferralShops` over PostgreSQL. A shop and its bot record are written in one transaction; a status change locks the
 * shop's row and sets the bot's status with it (the bot registry follows the bot records).
 */
import { SqlClient, type Statement } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Layer, Schema } from "effect"
import type { SealedToken } from "./Bots.js"
import { Forbidden, NotFound, RuleViolation } from "./Errors.js"
import type { UserId } from "./Ids.js"
import { decodeRows, orDie, uniqueViolation } from "./internal/people/Sql.js"
import type { ReferralShopStatus, ShopActor } from "./ReferralShops.js"
import { CreateReferralShop, ReferralShop, ReferralShops } from "./ReferralShops.js"

const rule = (code: string, en: string, ru: string) => new RuleViolation({ code, en, ru })

const tokenInUse = () =>
  rule(
    "bot.token-in-use",
    "This bot is already connected here: create a new bot with @BotFather and send its token.",
    "Этот бот уже подключён — создайте нового бота в @BotFather и пришлите его токен."
  )

const IdRow = Schema.Struct({ id: Schema.String })
const StatusRow = Schema.Struct({ id: Schema.String, ownerId: Schema.String, status: Schema.String })
const PERCENT = /^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/u
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu

export const ReferralShopsLive = Layer.effect(
  ReferralShops,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const decodeCreate = Schema.decodeUnknown(CreateReferralShop)

    const select = sql.literal(`SELECT s.id::text, s.owner_id, s.bot_id, b.platform, b.username, s.name, s.greeting,
        s.commission_percent::text, s.status, s.created_at,
        coalesce(f.sales, 0)::int AS sales, coalesce(f.revenue, 0)::text AS revenue,
        coalesce(c.earnings, 0)::text AS earnings, coalesce(f.buyers, 0)::int AS buyers
      FROM referral_shops s
        JOIN bots b ON b.id = s.bot_id
        LEFT JOIN LATERAL (SELECT count(*) AS sales, sum(o.total) AS revenue, count(DISTINCT o.buyer_id) AS buyers
          FROM orders o WHERE o.shop_bot_id = s.bot_id AND o.status IN ('PAID', 'DELIVERED')) f ON true
        LEFT JOIN LATERAL (SELECT sum(rc.amount - coalesce(rc.reversed, 0)) AS earnings
          FROM referral_commissions rc WHERE rc.shop_id = s.id) c ON true`)
    const shops = decodeRows(ReferralShop)

    const one = (where: Statement.Fragment, id: string) =>
      Effect.flatMap(shops(sql`${select} WHERE ${where}`), (rows) =>
        rows[0] === undefined ? Effect.fail(new NotFound({ entity: "referral_shop", id })) : Effect.succeed(rows[0])
      )
    const byId = (id: string) =>
      UUID.test(id) ? one(sql`s.id = ${id}`, id) : Effect.fail(new NotFound({ entity: "referral_shop", id }))

    const create = (input: CreateReferralShop, token: SealedToken) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            const invalid = rule(
              "shop.invalid-name",
              "The shop's name must be 1 to 100 characters, its greeting at most 1000.",
              "Название магазина — от 1 до 100 символов, приветствие — не длиннее 1000."
            )
            const decoded = yield* decodeCreate(input).pipe(Effect.mapError(() => invalid))
            const request = { ...decoded, name: decoded.name.trim(), greeting: decoded.greeting.trim() }
            if (request.name.length < 1 || request.name.length > 100 || request.greeting.length > 1000)
              return yield* invalid
            const [fresh] = yield* decodeRows(IdRow)(sql`SELECT gen_random_uuid()::text AS id`)
            const shopId = fresh!.id
            const botId = `${request.platform}-shop-${shopId.slice(0, 8)}`
            yield* sql`INSERT INTO bots (id, platform, token_ciphertext, token_fingerprint, role, owner_id,
                  platform_bot_id, username, source)
                VALUES (${botId}, ${request.platform}, ${token.ciphertext}, ${token.fingerprint}, 'referral',
                  ${request.ownerId}, ${request.platformBotId}, ${request.username}, 'owner')`.pipe(
              Effect.catchTag("SqlError", (error): Effect.Effect<never, RuleViolation | SqlError> => {
                const constraint = uniqueViolation(error)
                return constraint === "bots_token_idx" || constraint === "bots_platform_bot_idx"
                  ? Effect.fail(tokenInUse())
                  : Effect.fail(error)
              })
            )
            yield* sql`INSERT INTO referral_shops (id, owner_id, bot_id, name, greeting)
                VALUES (${shopId}, ${request.ownerId}, ${botId}, ${request.name}, ${request.greeting})`
            return yield* byId(shopId).pipe(Effect.orDie)
          })
        )
        .pipe(orDie)

    const mine = (ownerId: UserId) =>
      shops(sql`${select} WHERE s.owner_id = ${ownerId} AND s.status <> 'deleted' ORDER BY s.created_at`).pipe(orDie)

    const list = () => shops(sql`${select} ORDER BY s.created_at DESC`).pipe(orDie)

    const setStatus = (id: string, status: ReferralShopStatus, actor: ShopActor) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            if (!UUID.test(id)) return yield* new NotFound({ entity: "referral_shop", id })
            const [row] = yield* decodeRows(StatusRow)(
              sql`SELECT id::text, owner_id, status FROM referral_shops WHERE id = ${id} FOR UPDATE`
            )
            if (row === undefined) return yield* new NotFound({ entity: "referral_shop", id })
            if (actor._tag === "Owner") {
              if (row.ownerId !== actor.userId)
                return yield* new Forbidden({ action: "referral_shop.status", reason: "not the owner" })
              if (status === "blocked")
                return yield* new Forbidden({ action: "referral_shop.block", reason: "admins only" })
              if (row.status === "blocked" && status !== "deleted")
                return yield* rule(
                  "shop.blocked",
                  "An administrator has blocked this shop: ask the support to unblock it.",
                  "Магазин заблокирован администратором — обратитесь в поддержку."
                )
            }
            if (row.status === "deleted")
              return yield* rule("shop.deleted", "This shop was deleted.", "Этот магазин удалён.")
            yield* sql`UPDATE referral_shops SET status = ${status}, updated_at = now() WHERE id = ${id}`
            yield* sql`UPDATE bots SET status = ${status}, updated_at = now()
                       WHERE id = (SELECT bot_id FROM referral_shops WHERE id = ${id})`
            return yield* byId(id).pipe(Effect.orDie)
          })
        )
        .pipe(orDie)

    const setCommission = (id: string, percent: string | null) =>
      Effect.gen(function* () {
        if (percent !== null && !PERCENT.test(percent.trim()))
          return yield* rule(
            "shop.invalid-commission",
            "The commission is a percentage from 0 to 100 with at most two decimals.",
            "Комиссия — процент от 0 до 100, не больше двух знаков после запятой."
          )
        const shop = yield* byId(id)
        yield* sql`UPDATE referral_shops SET commission_percent = ${percent === null ? null : percent.trim()}::numeric,
                     updated_at = now()
                   WHERE id = ${shop.id}`
        return yield* byId(id)
      }).pipe(orDie)

    return ReferralShops.of({
      create,
      get: (id) => byId(id).pipe(orDie),
      byBot: (botId) => one(sql`s.bot_id = ${botId}`, botId).pipe(orDie),
      mine,
      list,
      setStatus,
      setCommission
    })
  })
)
