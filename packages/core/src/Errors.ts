/**
 * Domain errors. They cross HTTP, so they are `Schema.TaggedError`s with their status annotated here — never decided
 * in service code. Every error a person can cause carries a message they can read, in Russian and English.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { ProductId } from "./Ids.js"
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
  "product",
  "order",
  "subscription",
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
  "withdrawal_request",
  "bot",
  "referral_shop"
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
  /** How much is missing: what to offer as a deposit so the same action succeeds. */
  get missing(): Kopecks {
    return Kopecks.make(this.needed > this.available ? this.needed - this.available : 0n)
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

/** The product is sold out: fewer than `requested` units are left (`available`, possibly 0). Nothing was charged. */
export class SoldOut extends Schema.TaggedError<SoldOut>()(
  "SoldOut",
  { productId: ProductId, requested: Schema.Int, available: Schema.Int },
  HttpApiSchema.annotations({ status: 409 })
) {
  override get message() {
    return this.describe("en")
  }
  describe(language: "ru" | "en") {
    if (this.available === 0) return language === "ru" ? "Товар закончился." : "This product is sold out."
    return language === "ru"
      ? `Осталось только ${this.available} шт., а запрошено ${this.requested}.`
      : `Only ${this.available} left, ${this.requested} requested.`
  }
}

/** The product cannot be bought now: it was deactivated, deleted, or its provider no longer offers it. */
export class ProductUnavailable extends Schema.TaggedError<ProductUnavailable>()(
  "ProductUnavailable",
  { productId: ProductId },
  HttpApiSchema.annotations({ status: 409 })
) {
  override get message() {
    return this.describe("en")
  }
  describe(language: "ru" | "en") {
    return language === "ru" ? "Этот товар сейчас недоступен." : "This product is not available now."
  }
}

/** A quantity outside `min`..`max` (a whole number of units; `max` is the per-order limit). Nothing was written. */
export class InvalidQuantity extends Schema.TaggedError<InvalidQuantity>()(
  "InvalidQuantity",
  { quantity: Schema.Number, min: Schema.Int, max: Schema.Int },
  HttpApiSchema.annotations({ status: 400 })
) {
  override get message() {
    return this.describe("en")
  }
  describe(language: "ru" | "en") {
    return language === "ru"
      ? `Количество должно быть целым числом от ${this.min} до ${this.max}.`
      : `The quantity must be a whole number from ${this.min} to ${this.max}.`
  }
}

/**
 * An external provider (see `Providers.ts`) failed: `unavailable` (network, 5xx, timeout), `rejected` (it refused
 * the request: unknown offer, bad parameters), `no_funds` (our account with the provider is short), `rate_limited`,
 * `not_configured` (no such provider, or no API key). `message` is for logs and admins, never the provider's secrets.
 */
export class ProviderError extends Schema.TaggedError<ProviderError>()(
  "ProviderError",
  {
    providerId: Schema.String,
    reason: Schema.Literal("unavailable", "rejected", "no_funds", "rate_limited", "not_configured"),
    message: Schema.String
  },
  HttpApiSchema.annotations({ status: 502 })
) {
  /** What a buyer is told (the details stay in `message`). */
  describe(language: "ru" | "en") {
    return language === "ru"
      ? "Поставщик сейчас не может выполнить заказ. Попробуйте позже."
      : "The provider cannot fulfil the order right now. Please try again later."
  }
}

/** Every error the shop's services may fail with, on top of `DomainError`. */
export type ShopError = SoldOut | ProductUnavailable | InvalidQuantity | ProviderError
