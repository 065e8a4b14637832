/**
 * Core's `Providers` port from the administrators' configurations (`ProviderConfigs`): a provider that is enabled and
 * has a key gets its client (proxy6 today), rebuilt when its configuration changes; any other id is `not_configured`.
 * `syncProvider` reads a provider's offers and applies them to the catalogue with the markup (the configuration's, or
 * the shop's default), writing the run — or the failure — to the sync log; `syncDue` does it for every provider whose
 * interval has passed, one failing provider never stopping the others.
 */
import { HttpClient } from "@effect/platform"
import {
  Catalog,
  ProviderConfigs,
  ProviderConfigsLive,
  type ProviderClient,
  ProviderError,
  type ProviderSecrets,
  Providers,
  type ProviderSyncRun,
  ShopSettings,
  SyncLogFilter
} from "@groupbuy/core"
import { DateTime, Effect, Either, Layer, Option } from "effect"
import { makeProxy6Client, PROXY6_API, type Proxy6Version } from "./Proxy6Client.js"

/** What a new configuration of a kind starts with. */
export const providerDefaults = { baseUrl: PROXY6_API, versions: [4], periods: [30] } as const

const notConfigured = (providerId: string, why: string) =>
  new ProviderError({ providerId, reason: "not_configured", message: `provider ${providerId}: ${why}` })

const clientOf = (providerId: string, secrets: ProviderSecrets) =>
  Option.match(secrets.apiKey, {
    onNone: () => Effect.fail(notConfigured(providerId, "no API key")),
    onSome: (apiKey) =>
      makeProxy6Client({
        providerId,
        baseUrl: secrets.view.baseUrl,
        apiKey,
        versions: secrets.view.versions as ReadonlyArray<Proxy6Version>,
        countries: secrets.view.countries,
        periods: secrets.view.periods
      })
  })

export const ProvidersFromConfigs = Layer.effect(
  Providers,
  Effect.gen(function* () {
    const configs = yield* ProviderConfigs
    const http = yield* HttpClient.HttpClient
    const cache = new Map<string, { readonly version: number; readonly client: ProviderClient }>()
    return Providers.of({
      client: (providerId) =>
        Effect.gen(function* () {
          const found = yield* configs.get(providerId)
          if (Option.isNone(found)) return yield* notConfigured(providerId, "not configured")
          const secrets = found.value
          if (!secrets.view.enabled) return yield* notConfigured(providerId, "turned off")
          const version = DateTime.toEpochMillis(secrets.view.updatedAt)
          const cached = cache.get(providerId)
          if (cached !== undefined && cached.version === version) return cached.client
          const client = yield* clientOf(providerId, secrets).pipe(Effect.provideService(HttpClient.HttpClient, http))
          cache.set(providerId, { version, client })
          return client
        })
    })
  })
)

/** Providers from the configurations, with the configurations' service beside them. */
export const ProvidersLive = ProvidersFromConfigs.pipe(Layer.provideMerge(ProviderConfigsLive))

/**
 * One sync of `providerId`: its offers applied to the catalogue, or its failure logged (the products stay as they
 * were). Answers the sync log's entry for the run.
 */
export const syncProvider = (providerId: string) =>
  Effect.gen(function* () {
    const providers = yield* Providers
    const catalog = yield* Catalog
    const configs = yield* ProviderConfigs
    const offers = yield* Effect.either(Effect.flatMap(providers.client(providerId), (client) => client.offers()))
    yield* configs.markSynced(providerId)
    if (Either.isLeft(offers)) {
      yield* Effect.logWarning("provider sync failed", { providerId, reason: offers.left.reason })
      return yield* catalog.recordSyncFailure(providerId, offers.left)
    }
    const config = yield* configs.get(providerId)
    const markup = Option.flatMap(config, (c) => Option.fromNullable(c.view.markupPercent))
    const percent = Option.isSome(markup) ? markup.value : (yield* (yield* ShopSettings).get()).defaultMarkupPercent
    const applied = yield* Effect.either(catalog.syncProviderOffers(providerId, offers.right, percent))
    if (Either.isLeft(applied)) {
      // the provider answered offers the catalogue refuses (an empty title, a price out of range): logged as failed
      const message = applied.left.issues.map((i) => `${i.path}: ${i.en}`).join("; ")
      return yield* catalog.recordSyncFailure(
        providerId,
        new ProviderError({ providerId, reason: "rejected", message: `offers refused by the catalogue: ${message}` })
      )
    }
    const log = yield* catalog.syncLog(new SyncLogFilter({ providerId, offset: 0, limit: 20 }))
    const run = log.items.find((item) => item.id === applied.right.runId)
    return run ?? (yield* Effect.dieMessage(`sync run ${applied.right.runId} is not in the log`))
  }).pipe(Effect.withSpan("Providers.sync", { attributes: { providerId } }))

/** Every provider whose interval has passed, each on its own: how many were synced (failures included, logged). */
export const syncDue = Effect.gen(function* () {
  const due = yield* (yield* ProviderConfigs).due()
  const runs = yield* Effect.forEach(due, (config) =>
    syncProvider(config.providerId).pipe(
      Effect.map((run): ProviderSyncRun | null => run),
      Effect.catchAllCause((cause) =>
        Effect.as(Effect.logError("provider sync crashed", { providerId: config.providerId }, cause), null)
      )
    )
  )
  return runs.filter((run) => run !== null).length
})
