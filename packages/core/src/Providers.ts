/**
 * The external provider **port**: where the shop's PROVIDER products come from and how they are bought and prolonged.
 * Core only speaks this interface; the server implements it (proxy6.net) and `testing/ScriptedProvider.ts` is an
 * in-memory one for tests. A provider is named by a stable string id (e.g. `"proxy6"`), which products and
 * subscriptions store.
 *
 * Every call that spends our money with the provider carries a `reference` (the order's or the renewal's idempotency
 * key) so an implementation can log it and, where the provider supports it, refuse a duplicate.
 */
import { Context, type Effect } from "effect"
import type { ProviderError } from "./Errors.js"
import type { Kopecks } from "./Money.js"

/** One thing a provider sells, as its catalogue lists it right now. */
export interface ProviderOffer {
  /** stable across syncs (e.g. `ipv4:ru:30`); a product is matched to its offer by (provider id, offer key) */
  readonly offerKey: string
  readonly title: string
  readonly description: string
  /** the provider's price per unit (our cost); the shop's price adds the markup */
  readonly cost: Kopecks
  /** how many units the provider can deliver now (0: none; the product stays listed but cannot be bought) */
  readonly available: number
  /** how long one purchase (or one prolongation) lasts */
  readonly periodDays: number
  readonly meta: Readonly<Record<string, string>>
}

/** What a `buy` delivered: the provider's ids of the bought units, what the buyer needs to use them, their expiry. */
export interface ProviderDelivery {
  readonly externalIds: ReadonlyArray<string>
  /** one line per unit, e.g. `host:port:user:password`; shown only to the buyer */
  readonly credentials: ReadonlyArray<string>
  readonly expiresAt: Date
}

export interface ProviderClient {
  readonly offers: () => Effect.Effect<ReadonlyArray<ProviderOffer>, ProviderError>
  readonly buy: (
    offerKey: string,
    quantity: number,
    reference: string
  ) => Effect.Effect<ProviderDelivery, ProviderError>
  readonly prolong: (
    externalIds: ReadonlyArray<string>,
    periodDays: number,
    reference: string
  ) => Effect.Effect<{ readonly expiresAt: Date }, ProviderError>
}

export interface ProvidersService {
  /** The configured client of `providerId`; `ProviderError` with reason `not_configured` when there is none. */
  readonly client: (providerId: string) => Effect.Effect<ProviderClient, ProviderError>
}

export class Providers extends Context.Tag("@groupbuy/core/Providers")<Providers, ProvidersService>() {}
