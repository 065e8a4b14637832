/** JSON shapes of the HTTP API that are not a single table row: views, pages, small request/response bodies. */
import { Schema } from "effect"
import { ProcurementId, UserId } from "../Ids.js"
import {
  Category,
  ChatMessage,
  Notification,
  Participant,
  Payment,
  PlatformIdentity,
  Procurement,
  User
} from "../Models.js"
import { Kopecks } from "../Money.js"
import { NamedUser, Progress } from "../Procurements.js"

/*
 * `Model.DateTimeFromDate` columns keep a JS `Date` as their encoded form in every variant, which is neither JSON nor
 * documentable in OpenAPI; on the wire they are ISO strings, so the JSON shapes below override those fields.
 */
const Utc = Schema.DateTimeUtc
const NullUtc = Schema.NullOr(Schema.DateTimeUtc)

export const UserJson = User.json
export const ProcurementJson = Schema.Struct({ ...Procurement.json.fields, deadline: Utc, paymentDeadline: NullUtc })
export const PlatformIdentityJson = Schema.Struct({ ...PlatformIdentity.json.fields, lastSeenAt: Utc })
export const PaymentJson = Schema.Struct({ ...Payment.json.fields, settledAt: NullUtc })
export const ChatMessageJson = Schema.Struct({ ...ChatMessage.json.fields, editedAt: NullUtc, deletedAt: NullUtc })
export const NotificationJson = Schema.Struct({ ...Notification.json.fields, deliveredAt: NullUtc })

export const ProcurementViewJson = Schema.Struct({
  procurement: ProcurementJson,
  progress: Progress,
  organizer: NamedUser,
  supplier: Schema.NullOr(NamedUser)
})
export type ProcurementViewJson = typeof ProcurementViewJson.Type

export const ParticipantViewJson = Schema.Struct({
  participant: Participant.json,
  user: Schema.Struct({
    id: UserId,
    firstName: Schema.String,
    lastName: Schema.NullOr(Schema.String),
    username: Schema.NullOr(Schema.String)
  })
})

export const MyProcurementsJson = Schema.Struct({
  organized: Schema.Array(ProcurementViewJson),
  /** the procurements this user supplies */
  supplied: Schema.Array(ProcurementViewJson),
  joined: Schema.Array(Schema.Struct({ view: ProcurementViewJson, participant: Participant.json }))
})

export const ResolvedUserJson = Schema.Struct({ user: User.json, identity: PlatformIdentityJson })

export interface CategoryNodeJson {
  readonly category: typeof Category.json.Type
  readonly children: ReadonlyArray<CategoryNodeJson>
}
interface CategoryNodeEncoded {
  readonly category: typeof Category.json.Encoded
  readonly children: ReadonlyArray<CategoryNodeEncoded>
}
/** A category with its children, recursively. */
export const CategoryNodeJson: Schema.Schema<CategoryNodeJson, CategoryNodeEncoded> = Schema.Struct({
  category: Category.json,
  children: Schema.Array(Schema.suspend((): Schema.Schema<CategoryNodeJson, CategoryNodeEncoded> => CategoryNodeJson))
}).annotations({ identifier: "CategoryNode" })

/** `?offset=&limit=` as URL parameters (strings on the wire). */
export const PageParams = {
  offset: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 100)))
}

/** `true` / `false` as a URL parameter. */
export const BooleanParam = Schema.Literal("true", "false").pipe(
  Schema.transform(Schema.Boolean, {
    strict: true,
    decode: (s) => s === "true",
    encode: (b) => (b ? ("true" as const) : ("false" as const))
  })
)

/** A comma-separated list of literals as one URL parameter, e.g. `status=ACTIVE,STOPPED`. */
export const CommaSeparated = <A, I extends string>(item: Schema.Schema<A, I>) =>
  Schema.compose(Schema.split(","), Schema.Array(item), { strict: false })

export const BalanceJson = Schema.Struct({ userId: UserId, balance: Kopecks })

/** A user-facing one-time code (account linking, web login). */
export const IssuedCode = Schema.Struct({ code: Schema.String, expiresAt: Schema.DateTimeUtc })

/** Result of a count-returning action. */
export const Changed = Schema.Struct({ changed: Schema.NonNegativeInt })

export const UnreadCount = Schema.Struct({ procurementId: ProcurementId, unread: Schema.NonNegativeInt })
