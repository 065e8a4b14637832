/**
 * Referral rewards: a person who came through another's referral link (`/start ref_<their id>`) is recorded as
 * theirs; when that person's first payment succeeds (a deposit or a card payment of a share), the referrer gets a
 * BONUS of the reward an admin set (0 = rewards off), in the same transaction as the payment, once per referred person.
 */
import { Model } from "@effect/sql"
import { Context, type Effect, Schema } from "effect"
import type { InvalidInput, NotFound } from "./Errors.js"
import { TransactionId, UserId } from "./Ids.js"
import { Kopecks } from "./Money.js"

/** The largest reward an admin may set (10 000 ₽). */
export const MAX_REFERRAL_REWARD = 1_000_000n

export class Referral extends Model.Class<Referral>("Referral")({
  referredId: UserId,
  referrerId: UserId,
  createdAt: Model.DateTimeInsertFromDate,
  /** when the referred person's first payment settled the referral (with `reward`, 0 when rewards were off) */
  settledAt: Schema.NullOr(Model.DateTimeFromDate),
  reward: Schema.NullOr(Kopecks),
  /** the referrer's BONUS */
  transactionId: Schema.NullOr(TransactionId)
}) {}

export const ReferralSettings = Schema.Struct({
  /** the referrer's bonus in kopecks; 0 turns referral rewards off */
  reward: Kopecks
})
export type ReferralSettings = typeof ReferralSettings.Type

/** What a person's referral link brought: how many came through it, how many paid, and the bonuses earned. */
export const ReferralSummary = Schema.Struct({
  /** what follows `/start ` in a bot link (Telegram: `https://t.me/<bot>?start=<payload>`) */
  payload: Schema.String,
  invited: Schema.Int,
  /** invited people whose first payment succeeded */
  paid: Schema.Int,
  /** Σ of the rewards received, kopecks */
  earned: Kopecks
})
export type ReferralSummary = typeof ReferralSummary.Type

/** The `/start` payload of a person's referral link. */
export const referralPayload = (userId: UserId) => `ref_${userId}`

export interface ReferralsService {
  /**
   * Records that `referredId` came through `referrerId`'s link. Once per person (the first link wins), never oneself,
   * and only before the person's first successful payment; returns whether it was recorded now.
   */
  readonly record: (referredId: UserId, referrerId: UserId) => Effect.Effect<boolean, NotFound>
  /** The person's referral, if they came through a link. */
  readonly of: (referredId: UserId) => Effect.Effect<Referral | null>
  /** The person's own link payload and what it brought. */
  readonly summary: (referrerId: UserId) => Effect.Effect<ReferralSummary>
  readonly settings: () => Effect.Effect<ReferralSettings>
  /** Sets the reward (0 ..  MAX_REFERRAL_REWARD kopecks); it applies to first payments from now on. */
  readonly setReward: (reward: Kopecks) => Effect.Effect<ReferralSettings, InvalidInput>
}

export class Referrals extends Context.Tag("@groupbuy/core/Referrals")<Referrals, ReferralsService>() {}
