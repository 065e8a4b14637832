/** `ProviderConfigs` over `provider_configs` (migration 0025). The key is read only by `get`, for the server. */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import type { InvalidInput } from "../../Errors.js"
import {
  type ConfigureProvider,
  ProviderConfigs,
  ProviderConfigView,
  type ProviderDefaults,
  ProviderId,
  ProviderKind,
  type ProviderSecrets
} from "../../ProviderConfigs.js"
import { issue, refuseIfAny } from "../money/InputDecoding.js"
import { orDie } from "../money/SqlEdge.js"
import { decodeRows, parseJsonColumns, toJsonText } from "../people/Sql.js"

const Selection = Schema.Struct({
  versions: Schema.Array(Schema.Int),
  countries: Schema.Array(Schema.String),
  periods: Schema.Array(Schema.Int)
})

const ConfigRow = Schema.Struct({
  providerId: Schema.String,
  kind: ProviderKind,
  enabled: Schema.Boolean,
  apiKey: Schema.NullOr(Schema.String),
  baseUrl: Schema.String,
  markupPercent: Schema.NullOr(Schema.Number),
  selection: Selection,
  syncIntervalMinutes: Schema.Number,
  lastSyncAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  updatedAt: Schema.DateTimeUtcFromDate
})
type ConfigRow = typeof ConfigRow.Type

const secretsOf = (row: ConfigRow): ProviderSecrets => ({
  view: new ProviderConfigView({
    providerId: row.providerId,
    kind: row.kind,
    enabled: row.enabled,
    apiKeySet: row.apiKey !== null,
    apiKeyHint: row.apiKey === null ? null : row.apiKey.slice(-4),
    baseUrl: row.baseUrl,
    markupPercent: row.markupPercent,
    versions: row.selection.versions,
    countries: row.selection.countries,
    periods: row.selection.periods,
    syncIntervalMinutes: row.syncIntervalMinutes,
    lastSyncAt: row.lastSyncAt,
    updatedAt: row.updatedAt
  }),
  apiKey: row.apiKey === null ? Option.none() : Option.some(Redacted.make(row.apiKey))
})

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value)
    return url.protocol === "https:" || url.protocol === "http:"
  } catch {
    return false
  }
}

/** The issues of a configuration as it would be saved. */
const configIssues = (
  providerId: string,
  merged: {
    readonly enabled: boolean
    readonly apiKey: string | null
    readonly baseUrl: string
    readonly markupPercent: number | null
    readonly countries: ReadonlyArray<string>
    readonly syncIntervalMinutes: number
  }
) => [
  ...(Schema.is(ProviderId)(providerId)
    ? []
    : [
        issue(
          "providerId",
          "provider.id",
          "A provider id is lower-case letters, digits, - and _ (up to 40)",
          "Имя поставщика — строчные латинские буквы, цифры, - и _ (до 40)"
        )
      ]),
  ...(merged.apiKey !== null && (merged.apiKey.trim() === "" || merged.apiKey.length > 200)
    ? [issue("apiKey", "provider.key", "The API key is empty or too long", "Ключ API пустой или слишком длинный")]
    : []),
  ...(merged.enabled && merged.apiKey === null
    ? [
        issue(
          "enabled",
          "provider.key-missing",
          "Give the API key before turning the provider on",
          "Укажите ключ API, прежде чем включать поставщика"
        )
      ]
    : []),
  ...(isHttpUrl(merged.baseUrl)
    ? []
    : [
        issue(
          "baseUrl",
          "provider.url",
          "The API address must be an http(s) URL",
          "Адрес API должен быть ссылкой http(s)"
        )
      ]),
  ...(merged.markupPercent !== null && !(merged.markupPercent >= 0 && merged.markupPercent <= 1000)
    ? [issue("markupPercent", "provider.markup", "The markup is 0 to 1000 %", "Наценка — от 0 до 1000 %")]
    : []),
  ...merged.countries
    .filter((c) => !/^[a-z]{2}$/.test(c))
    .map((c) =>
      issue(
        "countries",
        "provider.country",
        `“${c}” is not a two-letter country code`,
        `«${c}» — не двухбуквенный код страны`
      )
    ),
  ...(Number.isInteger(merged.syncIntervalMinutes) &&
  merged.syncIntervalMinutes >= 5 &&
  merged.syncIntervalMinutes <= 10_080
    ? []
    : [
        issue(
          "syncIntervalMinutes",
          "provider.interval",
          "Sync every 5 minutes to 7 days (10080 minutes)",
          "Синхронизация — от раза в 5 минут до раза в 7 дней (10080 минут)"
        )
      ])
]

export const ProviderConfigsLive = Layer.effect(
  ProviderConfigs,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = (statement: Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError>) =>
      decodeRows(ConfigRow)(parseJsonColumns("selection")(statement))
    const columns =
      sql.literal(`provider_id, kind, enabled, api_key, base_url, markup_percent::float8 AS markup_percent,
      selection::text AS selection, sync_interval_minutes, last_sync_at, updated_at`)

    const read = (providerId: string) =>
      Effect.map(rows(sql`SELECT ${columns} FROM provider_configs WHERE provider_id = ${providerId}`), (found) =>
        Option.fromNullable(found[0])
      )

    const list = () =>
      orDie(
        Effect.map(rows(sql`SELECT ${columns} FROM provider_configs ORDER BY provider_id`), (found) =>
          found.map((row) => secretsOf(row).view)
        )
      )

    const get = (providerId: string) => orDie(Effect.map(read(providerId), Option.map(secretsOf)))

    const configure = (
      providerId: string,
      input: ConfigureProvider,
      defaults: ProviderDefaults
    ): Effect.Effect<ProviderConfigView, InvalidInput> =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            yield* sql`SELECT pg_advisory_xact_lock(hashtext(${`provider_configs:${providerId}`}))`
            const current = yield* read(providerId)
            const was = Option.getOrUndefined(current)
            const merged = {
              kind: input.kind ?? was?.kind ?? "proxy6",
              enabled: input.enabled ?? was?.enabled ?? false,
              apiKey: input.apiKey !== undefined ? input.apiKey.trim() : (was?.apiKey ?? null),
              baseUrl: (input.baseUrl ?? was?.baseUrl ?? defaults.baseUrl).trim(),
              markupPercent: input.markupPercent !== undefined ? input.markupPercent : (was?.markupPercent ?? null),
              versions: input.versions ?? was?.selection.versions ?? defaults.versions,
              countries: (input.countries ?? was?.selection.countries ?? []).map((c) => c.trim().toLowerCase()),
              periods: input.periods ?? was?.selection.periods ?? defaults.periods,
              syncIntervalMinutes: input.syncIntervalMinutes ?? was?.syncIntervalMinutes ?? 60
            }
            yield* refuseIfAny(configIssues(providerId, merged))
            const selection = yield* toJsonText({
              versions: merged.versions,
              countries: merged.countries,
              periods: merged.periods
            })
            yield* sql`INSERT INTO provider_configs (provider_id, kind, enabled, api_key, base_url, markup_percent,
                  selection, sync_interval_minutes)
                VALUES (${providerId}, ${merged.kind}, ${merged.enabled}, ${merged.apiKey}, ${merged.baseUrl},
                  ${merged.markupPercent}, ${selection}::jsonb, ${merged.syncIntervalMinutes})
                ON CONFLICT (provider_id) DO UPDATE SET kind = excluded.kind, enabled = excluded.enabled,
                  api_key = excluded.api_key, base_url = excluded.base_url, markup_percent = excluded.markup_percent,
                  selection = excluded.selection, sync_interval_minutes = excluded.sync_interval_minutes,
                  updated_at = now()`
            const saved = yield* read(providerId)
            return secretsOf(Option.getOrThrow(saved)).view
          })
        )
        .pipe(Effect.catchTags({ SqlError: Effect.die, ParseError: Effect.die }))

    const due = () =>
      orDie(
        Effect.map(
          rows(
            sql`SELECT ${columns} FROM provider_configs
                WHERE enabled AND api_key IS NOT NULL
                  AND (last_sync_at IS NULL OR last_sync_at <= now() - make_interval(mins => sync_interval_minutes))
                ORDER BY provider_id`
          ),
          (found) => found.map((row) => secretsOf(row).view)
        )
      )

    const markSynced = (providerId: string) =>
      orDie(sql`UPDATE provider_configs SET last_sync_at = now() WHERE provider_id = ${providerId}`).pipe(Effect.asVoid)

    return ProviderConfigs.of({ list, get, configure, due, markSynced })
  })
)
