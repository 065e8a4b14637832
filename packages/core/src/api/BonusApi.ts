/** Bonuses: an admin credits a user's balance as a BONUS transaction; the user is told (BONUS_GRANTED). */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { UserId } from "../Ids.js"
import { Transaction } from "../Models.js"
import { Kopecks } from "../Money.js"
import * as Refusals from "./Refusals.js"
import { AdminAuthentication } from "./Security.js"

export class BonusBody extends Schema.Class<BonusBody>("BonusBody")({
  amount: Kopecks.annotations({ description: "kopecks as a string of digits", examples: [Kopecks.make(10_000n)] }),
  /** why: shown to the user in the notice and kept in the ledger */
  reason: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(500)),
  /** repeat the grant safely: the same key grants once */
  idempotencyKey: Schema.optional(Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(200)))
}) {}

export class AdminBonusApi extends HttpApiGroup.make("adminBonus")
  .add(
    HttpApiEndpoint.post("grantBonus", "/users/:id/bonus")
      .setPath(Schema.Struct({ id: UserId }))
      .setPayload(BonusBody)
      .addSuccess(Transaction.json, { status: 201 })
      .pipe(Refusals.rejected)
      .annotate(OpenApi.Summary, "Grant a bonus")
      .annotate(
        OpenApi.Description,
        "Credits `amount` (kopecks, positive) as one BONUS transaction with the reason; audited; the user is told in " +
          "their language (BONUS_GRANTED). The same `idempotencyKey` grants once. 400 amount.not-positive, " +
          "amount.too-large."
      )
  )
  .middleware(AdminAuthentication)
  .prefix("/admin") {}
