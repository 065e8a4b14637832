/** `ShopSettings` over the one row of `shop_settings` (created by migration 0018 with the defaults). */
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Schema } from "effect"
import { ShopSettings, ShopSettingsData, UpdateShopSettings } from "../../Shop.js"
import { decodeInput, refuseIfAny } from "../money/InputDecoding.js"
import { orDie } from "../money/SqlEdge.js"
import { decodeRows } from "../people/Sql.js"
import { settingsIssues } from "./Refusals.js"

const SettingsRow = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  supportContact: Schema.String,
  currencyDisplay: Schema.String,
  lowStockThreshold: Schema.Number,
  defaultMarkupPercent: Schema.Number,
  referralCommissionPercent: Schema.Number,
  offerGroupBuys: Schema.Boolean,
  offerShop: Schema.Boolean,
  updatedAt: Schema.DateTimeUtcFromDate
})

const decodeUpdate = decodeInput(UpdateShopSettings)

export const ShopSettingsLive = Layer.effect(
  ShopSettings,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const read = decodeRows(SettingsRow)(
      sql`SELECT name, description, support_contact, currency_display, low_stock_threshold,
            default_markup_percent::float8 AS default_markup_percent,
            referral_commission_percent::float8 AS referral_commission_percent,
            offer_group_buys, offer_shop, updated_at
          FROM shop_settings`
    ).pipe(
      Effect.flatMap(([row]) =>
        row === undefined
          ? Effect.dieMessage("shop_settings has no row (migration 0018 inserts it)")
          : Effect.succeed(row)
      ),
      Effect.map(
        ({ offerGroupBuys, offerShop, ...row }) =>
          new ShopSettingsData({ ...row, offer: { groupBuys: offerGroupBuys, shop: offerShop } })
      )
    )

    const get = Effect.fn("ShopSettings.get")(function* () {
      return yield* read
    }, orDie)

    const update = Effect.fn("ShopSettings.update")(function* (input: UpdateShopSettings) {
      const patch = yield* decodeUpdate(input)
      // `offer` may name one part only: the other keeps its value, and the check sees the menu as it will be (under
      // the row's lock, so two admins switching off one part each cannot leave the bots offering nothing)
      return yield* sql.withTransaction(
        Effect.gen(function* () {
          yield* sql`SELECT 1 FROM shop_settings FOR UPDATE`
          const current = yield* read
          const offer =
            patch.offer === undefined
              ? undefined
              : {
                  groupBuys: patch.offer.groupBuys ?? current.offer.groupBuys,
                  shop: patch.offer.shop ?? current.offer.shop
                }
          yield* refuseIfAny(settingsIssues({ ...patch, offer }))
          yield* sql`UPDATE shop_settings SET
          name = coalesce(${patch.name?.trim() ?? null}, name),
          description = coalesce(${patch.description ?? null}, description),
          support_contact = coalesce(${patch.supportContact?.trim() ?? null}, support_contact),
          currency_display = coalesce(${patch.currencyDisplay?.trim() ?? null}, currency_display),
          low_stock_threshold = coalesce(${patch.lowStockThreshold ?? null}::int, low_stock_threshold),
          default_markup_percent = coalesce(${patch.defaultMarkupPercent ?? null}::numeric, default_markup_percent),
          referral_commission_percent =
            coalesce(${patch.referralCommissionPercent ?? null}::numeric, referral_commission_percent),
          offer_group_buys = coalesce(${offer?.groupBuys ?? null}::boolean, offer_group_buys),
          offer_shop = coalesce(${offer?.shop ?? null}::boolean, offer_shop),
          updated_at = now()`
          return yield* read
        })
      )
    }, orDie)

    return ShopSettings.of({ get, update })
  })
)
