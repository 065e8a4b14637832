/**
 * Referral bot shops (issue #15; tables `referral_shops` and `referral_commissions`, migration 0028): a user's own bot
 * selling the shop's catalogue under their shop name and greeting, earning a commission on every order sold through
 * it (credited and reversed by the orders themselves, see `internal/shop/ReferralCommission.ts`).
 *
 * The `ReferralShops` Tag:
 * - `create(request, token)` — the shop and its bot record (role `referral`, owned by the owner) in one transaction;
 *   the server has checked the token with the platform (getMe) and sealed it. A token in use is "bot.token-in-use".
 * - `get(id)` / `byBot(botId)` — a shop with its figures.
 * - `mine(ownerId)` — the owner's shops (not deleted) with their figures.
 * - `list()` — every shop with its figures, for the admins.
 * - `setStatus(id, status, actor)` — the owner may pause, resume or delete their shop but not resume one an admin
 *   blocked ("shop.blocked"); an admin may also block. The bot record's status follows the shop's, so the registry
 *   stops or starts the bot. `deleted` is final.
 * - `setCommission(id, percent)` — an admin's override (0–100, two decimals) or null for the settings' percent.
 *
 * Figures: sales = orders sold through the bot that are not refunded or failed, revenue = their total, earnings = the
 * commissions credited minus what refunds took back, buyers = distinct buyers of those orders.
 */
import { Context, type Effect, Schema } from "effect"
import type { SealedToken } from "./Bots.js"
import type { Forbidden, NotFound, RuleViolation } from "./Errors.js"
import { UserId } from "./Ids.js"
import { Kopecks } from "./Money.js"

export const ReferralShopStatus = Schema.Literal("active", "paused", "blocked", "deleted")
export type ReferralShopStatus = typeof ReferralShopStatus.Type

export class ReferralShop extends Schema.Class<ReferralShop>("ReferralShop")({
  id: Schema.UUID,
  ownerId: UserId,
  botId: Schema.String,
  platform: Schema.String,
  /** the bot's username on its platform, once known */
  username: Schema.NullOr(Schema.String),
  name: Schema.String,
  greeting: Schema.String,
  /** the admin's override; null: the shop settings' `referral_commission_percent` */
  commissionPercent: Schema.NullOr(Schema.String),
  status: ReferralShopStatus,
  sales: Schema.Number,
  revenue: Kopecks,
  earnings: Kopecks,
  buyers: Schema.Number,
  createdAt: Schema.DateTimeUtcFromDate
}) {}

export class CreateReferralShop extends Schema.Class<CreateReferralShop>("CreateReferralShop")({
  ownerId: UserId,
  platform: Schema.String,
  /** the platform's id of the bot and its username (from getMe) */
  platformBotId: Schema.String,
  username: Schema.NullOr(Schema.String),
  /** trimmed by `create`, then 1 to 100 characters ("shop.invalid-name" otherwise) */
  name: Schema.String,
  /** at most 1000 characters */
  greeting: Schema.optionalWith(Schema.String, { default: () => "" })
}) {}

/** Who changes a shop's status: its owner (pause / resume / delete) or an admin (also block). */
export type ShopActor = { readonly _tag: "Owner"; readonly userId: UserId } | { readonly _tag: "Admin" }

export interface ReferralShopsService {
  readonly create: (request: CreateReferralShop, token: SealedToken) => Effect.Effect<ReferralShop, RuleViolation>
  readonly get: (id: string) => Effect.Effect<ReferralShop, NotFound>
  readonly byBot: (botId: string) => Effect.Effect<ReferralShop, NotFound>
  readonly mine: (ownerId: UserId) => Effect.Effect<ReadonlyArray<ReferralShop>>
  readonly list: () => Effect.Effect<ReadonlyArray<ReferralShop>>
  readonly setStatus: (
    id: string,
    status: ReferralShopStatus,
    actor: ShopActor
  ) => Effect.Effect<ReferralShop, NotFound | Forbidden | RuleViolation>
  readonly setCommission: (id: string, percent: string | null) => Effect.Effect<ReferralShop, NotFound | RuleViolation>
}

export class ReferralShops extends Context.Tag("@groupbuy/core/ReferralShops")<ReferralShops, ReferralShopsService>() {}
