/**
 * `adminReferrals` group: an admin reads and sets the referral reward; a change is audited. `referrals`: a person's
 * own link and what it brought.
 */
import { HttpApiBuilder } from "@effect/platform"
import { GroupBuyApi, Referrals } from "@groupbuy/core"
import { Effect } from "effect"
import { auditAdminAction } from "../../admin/AdminAudit.js"
import { requireSelfOrTrusted } from "../../internal/Access.js"

export const ReferralsHandlers = HttpApiBuilder.group(GroupBuyApi, "referrals", (handlers) =>
  Effect.gen(function* () {
    const referrals = yield* Referrals
    return handlers.handle("referralSummary", ({ path }) =>
      Effect.zipRight(requireSelfOrTrusted("read a referral link", path.id), referrals.summary(path.id))
    )
  })
)

export const AdminReferralsHandlers = HttpApiBuilder.group(GroupBuyApi, "adminReferrals", (handlers) =>
  Effect.gen(function* () {
    const referrals = yield* Referrals
    return handlers
      .handle("referralSettings", () => referrals.settings())
      .handle("setReferralSettings", ({ payload }) =>
        Effect.gen(function* () {
          const before = yield* referrals.settings()
          const after = yield* referrals.setReward(payload.reward)
          if (before.reward !== after.reward)
            yield* auditAdminAction("referral.settings", "referral_settings", null, {
              from: before.reward.toString(),
              to: after.reward.toString()
            })
          return after
        })
      )
  })
)
