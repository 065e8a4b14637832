/**
 * Referral rewards over HTTP: an admin reads and sets the reward a referrer gets when a person who came through their
 * link (`/start ref_<their user id>`) makes a first payment (0 turns rewards off).
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Kopecks } from "../Money.js"
import { UserId } from "../Ids.js"
import { ReferralSettings, ReferralSummary } from "../Referrals.js"
import * as Refusals from "./Refusals.js"
import { AdminAuthentication, Authentication } from "./Security.js"

export class ReferralSettingsBody extends Schema.Class<ReferralSettingsBody>("ReferralSettingsBody")({
  reward: Kopecks.annotations({
    description: "the referrer's bonus in kopecks as a string of digits; 0 turns rewards off",
    examples: [Kopecks.make(10_000n)]
  })
}) {}

/** A person's own referral link and what it brought (oneself, or anybody with the service token). */
export class ReferralsApi extends HttpApiGroup.make("referrals")
  .add(
    HttpApiEndpoint.get("referralSummary", "/users/:id/referral")
      .annotate(OpenApi.Summary, "One's referral link")
      .annotate(
        OpenApi.Description,
        "The `/start` payload of the person's referral link (`ref_<user id>`; in Telegram " +
          "`https://t.me/<bot>?start=<payload>`), how many people came through it, how many of them paid, and the " +
          "bonuses earned (kopecks). Oneself or the service token."
      )
      .setPath(Schema.Struct({ id: UserId }))
      .addSuccess(ReferralSummary)
      .pipe(Refusals.forbidden)
  )
  .middleware(Authentication) {}

export class AdminReferralsApi extends HttpApiGroup.make("adminReferrals")
  .add(
    HttpApiEndpoint.get("referralSettings", "/referrals/settings")
      .annotate(OpenApi.Summary, "The referral reward")
      .annotate(
        OpenApi.Description,
        "The bonus (kopecks) a referrer gets, once per referred person, when that person's first payment (a deposit " +
          "or a card payment of a share) succeeds; 0 means rewards are off."
      )
      .addSuccess(ReferralSettings)
  )
  .add(
    HttpApiEndpoint.put("setReferralSettings", "/referrals/settings")
      .annotate(OpenApi.Summary, "Set the referral reward")
      .annotate(
        OpenApi.Description,
        "Sets the referrer's bonus for first payments from now on (0 turns rewards off; at most 10 000 ₽). A person " +
          "whose first payment was made already is not rewarded again. Audited. 400 referral.reward-range."
      )
      .setPayload(ReferralSettingsBody)
      .addSuccess(ReferralSettings)
      .pipe(Refusals.rejected)
  )
  .middleware(AdminAuthentication)
  .prefix("/admin") {}
