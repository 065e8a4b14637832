/** Referrals over SQL: the record of who came through whose link, and the reward setting (see `Referrals.ts`). */
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import { InvalidInput, NotFound } from "./Errors.js"
import { UserId } from "./Ids.js"
import { formatRubles, Kopecks } from "./Money.js"
import {
  MAX_REFERRAL_REWARD,
  Referral,
  referralPayload,
  Referrals,
  ReferralSettings,
  ReferralSummary
} from "./Referrals.js"
import { orDie } from "./internal/money/SqlEdge.js"
import { validId } from "./internal/money/InputDecoding.js"

const decodeSettings = Schema.decodeUnknown(Schema.Array(ReferralSettings))
const Counts = Schema.Struct({ invited: Schema.Int, paid: Schema.Int, earned: Kopecks })
const decodeCounts = Schema.decodeUnknown(Schema.Array(Counts))

export const ReferralsLive = Layer.effect(
  Referrals,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const byReferred = SqlSchema.findOne({
      Request: UserId,
      Result: Referral,
      execute: (id) => sql`SELECT * FROM referrals WHERE referred_id = ${id}`
    })

    const record = (referredId: UserId, referrerId: UserId) =>
      Effect.gen(function* () {
        if (!validId(UserId)(referredId)) return yield* new NotFound({ entity: "user", id: String(referredId) })
        if (!validId(UserId)(referrerId)) return yield* new NotFound({ entity: "user", id: String(referrerId) })
        if (referredId === referrerId) return false
        const known = yield* orDie(sql<{ id: string }>`SELECT id FROM users WHERE id IN (${referredId}, ${referrerId})`)
        for (const id of [referredId, referrerId])
          if (!known.some((row) => row.id === id)) return yield* new NotFound({ entity: "user", id })
        // one statement: a payment that settled meanwhile, or a link recorded meanwhile, makes it insert nothing
        const inserted = yield* orDie(
          sql`INSERT INTO referrals (referred_id, referrer_id)
              SELECT ${referredId}, ${referrerId}
              WHERE NOT EXISTS (SELECT 1 FROM payments WHERE user_id = ${referredId}
                                  AND status IN ('SUCCEEDED', 'REFUNDED'))
              ON CONFLICT (referred_id) DO NOTHING RETURNING referred_id`
        )
        return inserted.length > 0
      }).pipe(Effect.withSpan("Referrals.record"))

    const of = (referredId: UserId) =>
      validId(UserId)(referredId)
        ? orDie(byReferred(referredId)).pipe(Effect.map(Option.getOrNull))
        : Effect.succeed(null)

    const summary = (referrerId: UserId) =>
      Effect.gen(function* () {
        if (!validId(UserId)(referrerId))
          return ReferralSummary.make({ payload: "", invited: 0, paid: 0, earned: Kopecks.make(0n) })
        const [counts] = yield* orDie(
          sql`SELECT count(*)::int AS invited, count(settled_at)::int AS paid,
                coalesce(sum(reward), 0)::text AS earned
              FROM referrals WHERE referrer_id = ${referrerId}`.pipe(Effect.flatMap(decodeCounts))
        )
        return ReferralSummary.make({
          payload: referralPayload(referrerId),
          invited: counts?.invited ?? 0,
          paid: counts?.paid ?? 0,
          earned: counts?.earned ?? Kopecks.make(0n)
        })
      })

    const settings = () =>
      orDie(
        sql`SELECT reward::text AS reward FROM referral_settings WHERE id`.pipe(Effect.flatMap(decodeSettings))
      ).pipe(Effect.map((rows) => rows[0] ?? { reward: Kopecks.make(0n) }))

    const setReward = (reward: Kopecks) =>
      Effect.gen(function* () {
        if (typeof reward !== "bigint" || reward < 0n || reward > MAX_REFERRAL_REWARD)
          return yield* InvalidInput.single(
            "reward",
            "referral.reward-range",
            `The referral reward must be from 0 to ${formatRubles(MAX_REFERRAL_REWARD)} (0 turns rewards off)`,
            `Награда за приглашение должна быть от 0 до ${formatRubles(MAX_REFERRAL_REWARD)} (0 — без наград)`
          )
        yield* orDie(sql`UPDATE referral_settings SET reward = ${reward}, updated_at = now() WHERE id`)
        return yield* settings()
      }).pipe(Effect.withSpan("Referrals.setReward"))

    return Referrals.of({ record, of, summary, settings, setReward })
  })
)
