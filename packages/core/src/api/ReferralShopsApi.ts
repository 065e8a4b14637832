/**
 * Referral bot shops over HTTP (issue #15): a user's own shops (list with figures, open one from a bot token, pause /
 * resume / delete) and the administrators' view of every shop (figures, block / unblock, a commission of its own).
 * Opening checks the token with its platform, seals it and starts the shop's bot; the token is never returned.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, NotFound, RuleViolation } from "../Errors.js"
import { UserId } from "../Ids.js"
import { Kopecks } from "../Money.js"
import { ReferralShop } from "../ReferralShops.js"
import * as Refusals from "./Refusals.js"
import { AdminAuthentication, Authentication } from "./Security.js"

const money = (description: string) =>
  Kopecks.annotations({
    description: `${description}, in kopecks as a string of digits`,
    examples: [Kopecks.make(15_000n)]
  })

/** A referral shop as JSON: its bot, status and figures. */
export class ReferralShopJson extends Schema.Class<ReferralShopJson>("ReferralShopJson")({
  ...ReferralShop.fields,
  revenue: money("the total of its orders that were not refunded"),
  earnings: money("the owner's commissions minus what refunds took back"),
  commissionPercent: Schema.NullOr(Schema.String).annotations({
    description: "an administrator's percentage for this shop; null: the shop settings' referral commission"
  }),
  createdAt: Schema.DateTimeUtc
}) {}

export class OpenReferralShopBody extends Schema.Class<OpenReferralShopBody>("OpenReferralShopBody")({
  platform: Schema.Literal("telegram", "vk").annotations({ description: "where the shop's bot lives" }),
  token: Schema.Redacted(Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(400))).annotations({
    description: "the bot's token from @BotFather (Telegram) or the community's access key (VK)"
  }),
  name: Schema.String.annotations({ description: "the shop's name, 1 to 100 characters" }),
  greeting: Schema.optionalWith(Schema.String, { default: () => "" }).annotations({
    description: "what buyers see when they open the bot, at most 1000 characters"
  })
}) {}

export class OwnerShopStatusBody extends Schema.Class<OwnerShopStatusBody>("OwnerShopStatusBody")({
  status: Schema.Literal("active", "paused", "deleted")
}) {}

export class AdminShopPatchBody extends Schema.Class<AdminShopPatchBody>("AdminShopPatchBody")({
  status: Schema.optional(Schema.Literal("active", "paused", "blocked")),
  /** a percentage 0–100 with at most two decimals, or null for the settings' percentage */
  commissionPercent: Schema.optional(Schema.NullOr(Schema.String))
}) {}

const OwnerPath = Schema.Struct({ id: UserId })
const OwnerShopPath = Schema.Struct({ id: UserId, shopId: Schema.String })

export class ReferralShopsApi extends HttpApiGroup.make("referralShops")
  .add(
    HttpApiEndpoint.get("ownShops", "/users/:id/shops")
      .annotate(OpenApi.Summary, "One's referral bot shops")
      .annotate(
        OpenApi.Description,
        "The person's shops that are not deleted, oldest first, each with its bot, status and figures (sales, " +
          "revenue, earnings net of refunds, buyers). Oneself or the service token."
      )
      .setPath(OwnerPath)
      .addSuccess(Schema.Array(ReferralShopJson))
      .pipe(Refusals.forbidden)
  )
  .add(
    HttpApiEndpoint.post("openShop", "/users/:id/shops")
      .annotate(OpenApi.Summary, "Open a referral bot shop")
      .annotate(
        OpenApi.Description,
        "Checks the token with its platform (getMe / groups.getById), keeps it sealed, writes the shop and its bot " +
          "record together and starts the bot; every sale through it credits the owner a commission. 409 with " +
          "bot.token-invalid, bot.token-in-use, bot.platform-unreachable (nothing written: try again) or " +
          "shop.invalid-name, each with its sentence in Russian and English."
      )
      .setPath(OwnerPath)
      .setPayload(OpenReferralShopBody)
      .addSuccess(ReferralShopJson, { status: 201 })
      .addError(RuleViolation)
      .pipe(Refusals.forbidden)
  )
  .add(
    HttpApiEndpoint.patch("setOwnShopStatus", "/users/:id/shops/:shopId")
      .annotate(OpenApi.Summary, "Pause, resume or delete one's shop")
      .annotate(
        OpenApi.Description,
        "The bot stops while paused and for good when deleted (earnings stay on the balance). A shop an " +
          "administrator blocked cannot be resumed by its owner (409 shop.blocked); a deleted one cannot change " +
          "(409 shop.deleted)."
      )
      .setPath(OwnerShopPath)
      .setPayload(OwnerShopStatusBody)
      .addSuccess(ReferralShopJson)
      .addError(RuleViolation)
      .addError(NotFound)
      .pipe(Refusals.forbidden)
  )
  .middleware(Authentication) {}

export class AdminReferralShopsApi extends HttpApiGroup.make("adminReferralShops")
  .add(
    HttpApiEndpoint.get("referralShops", "/referral-shops")
      .annotate(OpenApi.Summary, "Every referral bot shop")
      .annotate(
        OpenApi.Description,
        "Newest first, deleted ones too, each with its owner, bot, status, commission override and figures."
      )
      .addSuccess(Schema.Array(ReferralShopJson))
  )
  .add(
    HttpApiEndpoint.patch("updateReferralShop", "/referral-shops/:id")
      .annotate(OpenApi.Summary, "Block, unblock or set a shop's commission")
      .annotate(
        OpenApi.Description,
        "`status` blocked stops the shop's bot until an administrator sets it active (or paused) again; " +
          "`commissionPercent` overrides the settings' percentage for this shop (null: back to the settings). " +
          "Audited. 409 shop.invalid-commission, shop.deleted; 404 for an unknown shop."
      )
      .setPath(Schema.Struct({ id: Schema.String }))
      .setPayload(AdminShopPatchBody)
      .addSuccess(ReferralShopJson)
      .addError(RuleViolation)
      .addError(NotFound)
      .addError(Forbidden)
  )
  .middleware(AdminAuthentication)
  .prefix("/admin") {}
