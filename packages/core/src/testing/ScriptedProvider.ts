/**
 * An in-memory provider for tests: its offers are what the test sets, `buy` and `prolong` succeed (with made-up ids,
 * credentials and expiry from the effect clock, so `TestClock` moves it) unless the test scripted a failure, and every
 * call is recorded. `ScriptedProviders.layer(...)` serves `Providers` with any number of them by provider id; an
 * unknown id is `ProviderError` "not_configured".
 */
import { Clock, Context, Effect, Layer, Ref } from "effect"
import { ProviderError } from "../Errors.js"
import type { Kopecks } from "../Money.js"
import { type ProviderClient, type ProviderOffer, Providers } from "../Providers.js"

export type ScriptedFailure = ProviderError["reason"]

export interface ScriptedCall {
  readonly method: "offers" | "buy" | "prolong"
  readonly args: ReadonlyArray<unknown>
}

export interface ScriptedProvider {
  readonly providerId: string
  readonly client: ProviderClient
  /** replaces the catalogue `offers()` returns */
  readonly setOffers: (offers: ReadonlyArray<ProviderOffer>) => Effect.Effect<void>
  /** the next `count` calls of `method` fail with `reason` (then it works again) */
  readonly failNext: (method: ScriptedCall["method"], reason: ScriptedFailure, count?: number) => Effect.Effect<void>
  readonly calls: Effect.Effect<ReadonlyArray<ScriptedCall>>
}

/** An offer with defaults for the fields a test does not care about. */
export const scriptedOffer = (
  offerKey: string,
  cost: Kopecks,
  overrides: Partial<Omit<ProviderOffer, "offerKey" | "cost">> = {}
): ProviderOffer => ({
  offerKey,
  title: overrides.title ?? `Offer ${offerKey}`,
  description: overrides.description ?? "",
  cost,
  available: overrides.available ?? 100,
  periodDays: overrides.periodDays ?? 30,
  meta: overrides.meta ?? {}
})

export const makeScriptedProvider = (providerId: string, offers: ReadonlyArray<ProviderOffer> = []) =>
  Effect.gen(function* () {
    const catalogue = yield* Ref.make(offers)
    const failures = yield* Ref.make<ReadonlyArray<{ method: ScriptedCall["method"]; reason: ScriptedFailure }>>([])
    const log = yield* Ref.make<ReadonlyArray<ScriptedCall>>([])
    const serial = yield* Ref.make(0)
    // each unit's expiry: a prolongation extends it from there, as providers do (from now once it has passed)
    const expiries = yield* Ref.make(new Map<string, Date>())

    const call = (method: ScriptedCall["method"], args: ReadonlyArray<unknown>) =>
      Effect.gen(function* () {
        yield* Ref.update(log, (calls) => [...calls, { method, args }])
        const failure = yield* Ref.modify(failures, (list) => {
          const index = list.findIndex((f) => f.method === method)
          return index === -1 ? [undefined, list] : [list[index], [...list.slice(0, index), ...list.slice(index + 1)]]
        })
        if (failure !== undefined)
          return yield* new ProviderError({
            providerId,
            reason: failure.reason,
            message: `scripted ${failure.reason} on ${method}`
          })
      })

    const expiry = (periodDays: number, from?: Date) =>
      Effect.map(Clock.currentTimeMillis, (now) => new Date((from?.getTime() ?? now) + periodDays * 86_400_000))

    const client: ProviderClient = {
      offers: () => Effect.zipRight(call("offers", []), Ref.get(catalogue)),
      buy: (offerKey, quantity, reference) =>
        Effect.gen(function* () {
          yield* call("buy", [offerKey, quantity, reference])
          const offer = (yield* Ref.get(catalogue)).find((o) => o.offerKey === offerKey)
          if (offer === undefined)
            return yield* new ProviderError({ providerId, reason: "rejected", message: `no offer ${offerKey}` })
          if (offer.available < quantity)
            return yield* new ProviderError({ providerId, reason: "rejected", message: `only ${offer.available}` })
          const first = yield* Ref.getAndUpdate(serial, (n) => n + quantity)
          const ids = Array.from({ length: quantity }, (_, i) => `${providerId}-${first + i + 1}`)
          const expiresAt = yield* expiry(offer.periodDays)
          yield* Ref.update(expiries, (map) => new Map([...map, ...ids.map((id) => [id, expiresAt] as const)]))
          return {
            externalIds: ids,
            credentials: ids.map((id) => `10.0.0.${id.split("-").at(-1)}:8000:user:${id}`),
            expiresAt
          }
        }),
      prolong: (externalIds, periodDays, reference) =>
        Effect.gen(function* () {
          yield* call("prolong", [externalIds, periodDays, reference])
          const now = yield* Clock.currentTimeMillis
          const known = yield* Ref.get(expiries)
          const from = Math.max(now, ...externalIds.map((id) => known.get(id)?.getTime() ?? now))
          const expiresAt = yield* expiry(periodDays, new Date(from))
          yield* Ref.update(expiries, (map) => new Map([...map, ...externalIds.map((id) => [id, expiresAt] as const)]))
          return { expiresAt }
        })
    }

    const provider: ScriptedProvider = {
      providerId,
      client,
      setOffers: (next) => Ref.set(catalogue, next),
      failNext: (method, reason, count = 1) =>
        Ref.update(failures, (list) => [...list, ...Array.from({ length: count }, () => ({ method, reason }))]),
      calls: Ref.get(log)
    }
    return provider
  })

/** The scripted providers of a test, by provider id. */
export class ScriptedProviders extends Context.Tag("@groupbuy/core/testing/ScriptedProviders")<
  ScriptedProviders,
  ReadonlyMap<string, ScriptedProvider>
>() {
  /** `Providers` and `ScriptedProviders` with one scripted provider per id (e.g. `layer("proxy6")`). */
  static layer = (...providerIds: ReadonlyArray<string>) => {
    const scripted = Layer.effect(
      ScriptedProviders,
      Effect.map(
        Effect.forEach(providerIds, (id) => makeScriptedProvider(id)),
        (list) => new Map(list.map((p) => [p.providerId, p]))
      )
    )
    const providers = Layer.effect(
      Providers,
      Effect.map(ScriptedProviders, (all) =>
        Providers.of({
          client: (providerId) => {
            const found = all.get(providerId)
            return found === undefined
              ? Effect.fail(
                  new ProviderError({ providerId, reason: "not_configured", message: `no provider ${providerId}` })
                )
              : Effect.succeed(found.client)
          }
        })
      )
    )
    return Layer.provideMerge(providers, scripted)
  }
}
