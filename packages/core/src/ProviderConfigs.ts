/**
 * External providers as an administrator configures them (`provider_configs`, migration 0025): which provider, whether
 * it is on, its API key and address, the markup on its prices, which of its offers the shop sells (versions, countries,
 * periods) and how often it is synced. The server builds the provider client (`Providers`) from these rows and its
 * scheduler syncs each enabled provider at its interval.
 *
 * The API key is written, never read back: every view says only whether one is set and its last four characters.
 */
import { Context, type Effect, type Option, type Redacted, Schema } from "effect"
import type { InvalidInput } from "./Errors.js"

/** The kinds of provider this server has a client for. */
export const ProviderKind = Schema.Literal("proxy6")
export type ProviderKind = typeof ProviderKind.Type

export const ProviderId = Schema.String.pipe(
  Schema.pattern(/^[a-z0-9][a-z0-9_-]{0,39}$/),
  Schema.annotations({ description: "lower-case letters, digits, `-` and `_` (e.g. `proxy6`)" })
)

/** A provider's configuration as admins see it (no key). */
export class ProviderConfigView extends Schema.Class<ProviderConfigView>("ProviderConfigView")({
  providerId: Schema.String,
  kind: ProviderKind,
  enabled: Schema.Boolean,
  apiKeySet: Schema.Boolean,
  /** the key's last four characters, to tell keys apart */
  apiKeyHint: Schema.NullOr(Schema.String),
  baseUrl: Schema.String,
  /** percent on the provider's price; null: the shop settings' default markup */
  markupPercent: Schema.NullOr(Schema.Number),
  /** which offers are sold: provider-specific codes (proxy6: versions 3 / 4 / 6, ISO country codes, days) */
  versions: Schema.Array(Schema.Int),
  countries: Schema.Array(Schema.String),
  periods: Schema.Array(Schema.Int),
  syncIntervalMinutes: Schema.Int,
  lastSyncAt: Schema.NullOr(Schema.DateTimeUtc),
  updatedAt: Schema.DateTimeUtc
}) {}

/** What the server needs to call the provider. */
export interface ProviderSecrets {
  readonly view: ProviderConfigView
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
}

/** A configuration change; a field not given keeps its value (`apiKey` too: leave it out to keep the key). */
export class ConfigureProvider extends Schema.Class<ConfigureProvider>("ConfigureProvider")({
  kind: Schema.optional(ProviderKind),
  enabled: Schema.optional(Schema.Boolean),
  apiKey: Schema.optional(Schema.String),
  baseUrl: Schema.optional(Schema.String),
  markupPercent: Schema.optional(Schema.NullOr(Schema.Number)),
  versions: Schema.optional(Schema.Array(Schema.Int)),
  countries: Schema.optional(Schema.Array(Schema.String)),
  periods: Schema.optional(Schema.Array(Schema.Int)),
  syncIntervalMinutes: Schema.optional(Schema.Int)
}) {}

/** What a new configuration row takes from its kind where the input leaves it out. */
export interface ProviderDefaults {
  readonly baseUrl: string
  readonly versions: ReadonlyArray<number>
  readonly periods: ReadonlyArray<number>
}

export interface ProviderConfigsService {
  readonly list: () => Effect.Effect<ReadonlyArray<ProviderConfigView>>
  readonly get: (providerId: string) => Effect.Effect<Option.Option<ProviderSecrets>>
  /**
   * Creates or changes a provider's configuration. `InvalidInput` for a bad id, an unknown kind, a base URL that is not
   * http(s), a markup outside 0–1000 %, an interval outside 5 minutes – 7 days, or enabling a provider without a key.
   * `defaults` fills a new row's fields the input leaves out (the kind's API address and offers).
   */
  readonly configure: (
    providerId: string,
    input: ConfigureProvider,
    defaults: ProviderDefaults
  ) => Effect.Effect<ProviderConfigView, InvalidInput>
  /** The enabled providers whose last sync is older than their interval (or that were never synced). */
  readonly due: () => Effect.Effect<ReadonlyArray<ProviderConfigView>>
  readonly markSynced: (providerId: string) => Effect.Effect<void>
}

export class ProviderConfigs extends Context.Tag("@groupbuy/core/ProviderConfigs")<
  ProviderConfigs,
  ProviderConfigsService
>() {}
