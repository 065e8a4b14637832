/**
 * The bot fleet as data (issue #15; table `bots`, migration 0027). Every bot a server runs is a record; the server's
 * bot registry starts and stops adapters from these records, and the failover monitor reads and writes their role and
 * health. Core never sees a token in clear: the server seals it (AES-256-GCM with its `BOT_TOKEN_KEY`) and hands core
 * the ciphertext and a keyed fingerprint, which alone decides "this token is already in use".
 *
 * The `Bots` Tag:
 * - `list(filter)` — the records (never a token), oldest first; `deleted` ones only when the filter names that status.
 * - `get(id)` — one record, or `NotFound` ("bot").
 * - `add(bot, token)` — a new record (`active`, health `unknown`); a token (or a platform bot id) another live record
 *   holds is `RuleViolation` "bot.token-in-use"; an id already taken is "bot.id-taken".
 * - `importConfigured(bot, token)` — the start-up import of an environment-configured bot, idempotent by `id`: a new id
 *   is inserted; an existing one keeps its status, role and health (an admin's pause survives a restart) and takes the
 *   configured token when it changed. Returns the record as it stands.
 * - `setStatus(id, status)` — active / paused / blocked / deleted. `deleted` is final (a later change is
 *   "bot.deleted") and frees the token and platform id for another record.
 * - `setRole(id, role)` — main / fallback / referral (the failover monitor promotes a fallback with it).
 * - `reportHealth(id, health, detail)` — what the adapter or the monitor saw (unknown / healthy / degraded / revoked),
 *   with the time it was written.
 * - `sealedToken(id)` — the ciphertext for the server to decrypt when it starts the adapter (`NotFound` if none).
 * - `version()` — a cheap fingerprint of the whole table (count and last update) that changes whenever a record
 *   does: the registry's periodic reconcile compares it before reading every record.
 */
import { Context, type Effect, Schema } from "effect"
import type { NotFound, RuleViolation } from "./Errors.js"
import { UserId } from "./Ids.js"

export const BotRole = Schema.Literal("main", "fallback", "referral")
export type BotRole = typeof BotRole.Type

export const BotRecordStatus = Schema.Literal("active", "paused", "blocked", "deleted")
export type BotRecordStatus = typeof BotRecordStatus.Type

export const BotHealth = Schema.Literal("unknown", "healthy", "degraded", "revoked")
export type BotHealth = typeof BotHealth.Type

/** Where the record came from: the server's configuration, an admin, or a user creating their referral shop. */
export const BotSource = Schema.Literal("environment", "admin", "owner")
export type BotSource = typeof BotSource.Type

/** A fleet id: lower-case letters, digits and `_ . : -`, up to 100 characters (what orders keep in `shop_bot_id`). */
export const BotId = Schema.String.pipe(Schema.pattern(/^[a-z0-9][a-z0-9_.:-]{0,99}$/u))

export class BotRecord extends Schema.Class<BotRecord>("BotRecord")({
  id: Schema.String,
  platform: Schema.String,
  role: BotRole,
  ownerId: Schema.NullOr(UserId),
  status: BotRecordStatus,
  health: BotHealth,
  healthDetail: Schema.NullOr(Schema.String),
  healthAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  /** the platform's own id of the bot (Telegram's getMe id) and its username, once known */
  platformBotId: Schema.NullOr(Schema.String),
  username: Schema.NullOr(Schema.String),
  source: BotSource,
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
}) {}

export class NewBot extends Schema.Class<NewBot>("NewBot")({
  id: BotId,
  platform: Schema.String.pipe(Schema.pattern(/^[a-z][a-z0-9_]{0,31}$/u)),
  role: BotRole,
  ownerId: Schema.optionalWith(Schema.NullOr(UserId), { default: () => null }),
  source: BotSource,
  platformBotId: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  username: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })
}) {}

/** A token as core stores it: the server's AES-256-GCM ciphertext and its keyed fingerprint (HMAC-SHA-256). */
export interface SealedToken {
  readonly ciphertext: string
  readonly fingerprint: string
}

export interface BotFilter {
  readonly platform?: string | undefined
  readonly role?: BotRole | undefined
  readonly status?: BotRecordStatus | undefined
  readonly ownerId?: UserId | undefined
}

export interface BotsService {
  readonly list: (filter?: BotFilter) => Effect.Effect<ReadonlyArray<BotRecord>>
  readonly get: (id: string) => Effect.Effect<BotRecord, NotFound>
  readonly add: (bot: NewBot, token: SealedToken) => Effect.Effect<BotRecord, RuleViolation>
  readonly importConfigured: (bot: NewBot, token: SealedToken) => Effect.Effect<BotRecord, RuleViolation>
  readonly setStatus: (id: string, status: BotRecordStatus) => Effect.Effect<BotRecord, NotFound | RuleViolation>
  readonly setRole: (id: string, role: BotRole) => Effect.Effect<BotRecord, NotFound | RuleViolation>
  readonly reportHealth: (id: string, health: BotHealth, detail: string | null) => Effect.Effect<void, NotFound>
  readonly sealedToken: (id: string) => Effect.Effect<SealedToken, NotFound>
  readonly version: () => Effect.Effect<string>
}

export class Bots extends Context.Tag("@groupbuy/core/Bots")<Bots, BotsService>() {}
