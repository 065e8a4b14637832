/**
 * Domain errors. They cross HTTP, so they are `Schema.TaggedError`s with their status annotated here — never decided
 * in service code. Every error a person can cause carries a message they can read, in Russian and English.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { Kopecks } from "./Money.js"

/** One reason an input was refused: `code` is stable (for catalogues/tests), `en`/`ru` are for people. */
export class Issue extends Schema.Class<Issue>("Issue")({
  path: Schema.String,
  code: Schema.String,
  en: Schema.String,
  ru: Schema.String
}) {}

/** Input that failed validation; nothing was written. */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()(
  "InvalidInput",
  { issues: Schema.NonEmptyArray(Issue) },
  HttpApiSchema.annotations({ status: 400 })
) {
  override get message() {
    return this.issues.map((i) => i.en).join("; ")
  }
  /** A one-line explanation in the given language. */
  describe(language: "ru" | "en") {
    return this.issues.map((i) => i[language]).join("; ")
  }
  static single(path: string, code: string, en: string, ru: string) {
    return new InvalidInput({ issues: [new Issue({ path, code, en, ru })] })
  }
}

export const Entity = Schema.Literal(
  "user",
  "identity",
  "category",
  "procurement",
  "participant",
  "payment",
  "transaction",
  "chat_message",
  "attachment",
  "notification",
  "admin",
  "whatsapp_account",
  "broadcast_channel",
  "role_request",
  "withdrawal_request"
)
export type Entity = typeof Entity.Type

/** The entity does not exist (or is not visible to the caller). */
export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  { entity: Entity, id: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  override get message() {
    return `${this.entity} ${this.id} was not found`
  }
}

/** A lifecycle transition that the transition table does not allow; `allowed` names the moves there are from `from`. */
export class IllegalTransition extends Schema.TaggedError<IllegalTransition>()(
  "IllegalTransition",
  {
    entity: Schema.Literal("procurement", "participant", "payment"),
    from: Schema.String,
    to: Schema.String,
    /** the statuses `from` may move to (empty: it is final, or the entity has no table) */
    allowed: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
  },
  HttpApiSchema.annotations({ status: 409 })
) {
  override get message() {
    return this.describe("en")
  }
  /** The refusal and the moves there are, in the given language. */
  describe(language: "ru" | "en") {
    const entity = {
      procurement: ["Закупка", "A procurement"],
      participant: ["Участие", "A participation"],
      payment: ["Платёж", "A payment"]
    }[this.entity]
    const moves = this.allowed.join(", ")
    return language === "ru"
      ? `${entity[0]} не может перейти из ${this.from} в ${this.to}` +
          (this.allowed.length > 0 ? `; из ${this.from} возможно: ${moves}.` : ".")
      : `${entity[1]} cannot go from ${this.from} to ${this.to}` +
          (this.allowed.length > 0 ? `; from ${this.from} it can go to: ${moves}.` : ".")
  }
}

/** The balance does not cover the amount. */
export class InsufficientFunds extends Schema.TaggedError<InsufficientFunds>()(
  "InsufficientFunds",
  { needed: Kopecks, available: Kopecks },
  HttpApiSchema.annotations({ status: 409 })
) {
  override get message() {
    return `insufficient funds: ${this.needed} kopecks needed, ${this.available} available`
  }
}

/** The caller may not do this (not the organizer, not a participant, not an admin, ...). */
export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  { action: Schema.String, reason: Schema.String },
  HttpApiSchema.annotations({ status: 403 })
) {
  override get message() {
    return `forbidden: ${this.action} (${this.reason})`
  }
}

/**
 * A business rule refused the request: `code` names the rule (e.g. `join.not-active`, `join.deadline-passed`,
 * `join.exceeds-remaining`, `join.already-joined`, `leave.too-late`, `link.code-expired`, `phone.taken`), with
 * readable `en`/`ru` messages and optional numbers for the reply (remaining amount, min quantity, ...).
 */
export class RuleViolation extends Schema.TaggedError<RuleViolation>()(
  "RuleViolation",
  {
    code: Schema.String,
    en: Schema.String,
    ru: Schema.String,
    params: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), {
      default: () => ({})
    })
  },
  HttpApiSchema.annotations({ status: 409 })
) {
  override get message() {
    return this.en
  }
}

/** Every error a core service may fail with. */
export type DomainError = InvalidInput | NotFound | IllegalTransition | InsufficientFunds | Forbidden | RuleViolation
