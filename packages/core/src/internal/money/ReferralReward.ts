/**
 * The referral reward, inside the transaction of a payment that credited its payer: the payer's referral (if any, and
 * not settled yet) is settled by a conditional update — so it happens once however the payments race — with the
 * reward then in force, and a positive reward is the referrer's BONUS keyed `referral:<referred id>`.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Schema } from "effect"
import type { DomainEvent } from "../../Events.js"
import { UserId } from "../../Ids.js"
import { Kopecks } from "../../Money.js"
import type { LedgerWrites } from "./LedgerWrites.js"

const Settled = Schema.Struct({ referrerId: UserId, reward: Kopecks })
const decodeSettled = Schema.decodeUnknown(Schema.Array(Settled))

export const makeReferralReward = (writes: LedgerWrites) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    /** Settles `payer`'s referral on their first credited payment; the events to publish after commit. */
    const reward = (payer: UserId) =>
      Effect.gen(function* () {
        const [settled] = yield* sql`UPDATE referrals
            SET settled_at = now(), reward = (SELECT reward FROM referral_settings WHERE id)
            WHERE referred_id = ${payer} AND settled_at IS NULL
            RETURNING referrer_id, reward::text AS reward`.pipe(Effect.flatMap(decodeSettled))
        if (settled === undefined || settled.reward <= 0n) return [] as ReadonlyArray<DomainEvent>
        const t = yield* writes
          .apply({
            userId: settled.referrerId,
            amount: settled.reward,
            type: "BONUS",
            idempotencyKey: `referral:${payer}`,
            description: "referral"
          })
          .pipe(Effect.catchTags({ InsufficientFunds: Effect.die, EntryConflict: Effect.die, NotFound: Effect.die }))
        yield* sql`UPDATE referrals SET transaction_id = ${t.id} WHERE referred_id = ${payer}`
        return [
          { _tag: "BalanceChanged", userId: t.userId, balance: t.balanceAfter },
          {
            _tag: "BonusGranted",
            transactionId: t.id,
            userId: t.userId,
            amount: t.amount,
            reason: null,
            referredId: payer
          }
        ] as ReadonlyArray<DomainEvent>
      })

    return { reward }
  })
