/**
 * The proxy6.net client against the fake partner API (`fakes/FakeProxy6.ts`): offers built from getcountry / getcount /
 * getprice, a purchase and its idempotent retry, prolongation, every documented error id mapped to what the shop does
 * with it, the 3-requests-a-second limit kept under a burst (and a 503 caused by somebody else retried), and the API key
 * (part of every URL) never in an error.
 */
import { FetchHttpClient } from "@effect/platform"
import { ProviderError } from "@groupbuy/core"
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import {
  makeProxy6Client,
  PROXY6_ERRORS,
  type Proxy6Settings,
  type Proxy6Version,
  rublesOf
} from "../src/shop/Proxy6Client.js"
import { FakeProxy6 } from "./fakes/FakeProxy6.js"

let fake: FakeProxy6
beforeAll(async () => {
  fake = await FakeProxy6.start()
})
afterAll(() => fake.close())
beforeEach(async () => {
  // a fresh second for each test: the limit is counted per second of requests
  await new Promise((resolve) => setTimeout(resolve, 1_100))
  fake.requests.length = 0
})

const settings = (overrides: Partial<Proxy6Settings> = {}): Proxy6Settings => ({
  baseUrl: fake.baseUrl,
  apiKey: Redacted.make(fake.apiKey),
  versions: [4 as Proxy6Version],
  countries: [],
  periods: [30],
  ...overrides
})

const client = (overrides: Partial<Proxy6Settings> = {}) =>
  makeProxy6Client(settings(overrides)).pipe(Effect.provide(FetchHttpClient.layer))

const failure = <A>(effect: Effect.Effect<A, ProviderError>) =>
  Effect.flip(effect).pipe(Effect.map((e) => ({ reason: e.reason, message: e.message })))

describe("proxy6 client", () => {
  it("reads rubles by their digits", () => {
    assert.deepStrictEqual(
      ["48.80", "99", "0.5", "1 800,50", "6.333", 12.6, "abc"].map((v) => Option.getOrNull(rublesOf(v))),
      [4_880n, 9_900n, 50n, 180_050n, 634n, 1_260n, null]
    )
  })

  it.live("offers: a product per version × country × period, priced for one proxy, with what can be bought", () =>
    Effect.gen(function* () {
      const proxy6 = yield* client()
      const offers = yield* proxy6.offers()
      assert.deepStrictEqual(
        offers.map((o) => [o.offerKey, o.cost, o.available, o.periodDays]),
        [
          ["v4:ru:30", 9_900n, 50, 30],
          ["v4:de:30", 9_900n, 5, 30]
        ]
      )
      assert.include(offers[0]!.title, "IPv4")
      assert.include(offers[0]!.title, "Россия")
      const methods = fake.requests.map((r) => r.method)
      assert.deepStrictEqual(methods, ["getcountry", "getprice", "getcount", "getcount"])
      // the countries an admin names are asked for as they are
      const named = yield* (yield* client({ countries: ["de"], periods: [7, 30] })).offers()
      assert.deepStrictEqual(
        named.map((o) => o.offerKey),
        ["v4:de:7", "v4:de:30"]
      )
    })
  )

  it.live("buy delivers credentials once per reference; prolong moves the expiry", () =>
    Effect.gen(function* () {
      const proxy6 = yield* client()
      const before = fake.balance
      const delivery = yield* proxy6.buy("v4:ru:30", 2, "order:7c1e")
      assert.lengthOf(delivery.credentials, 2)
      assert.match(delivery.credentials[0]!, /^185\.22\.\d+\.\d+:\d+:u\d+:p\d+x$/)
      assert.strictEqual(fake.balance, before - 2n * 9_900n)
      const expected = Date.now() + 30 * 86_400_000
      assert.isBelow(Math.abs(delivery.expiresAt.getTime() - expected), 5_000)
      // a retry of the same order (its answer was lost) buys nothing more and delivers the same proxies
      const again = yield* proxy6.buy("v4:ru:30", 2, "order:7c1e")
      assert.deepStrictEqual(again.externalIds, delivery.externalIds)
      assert.strictEqual(fake.balance, before - 2n * 9_900n)
      assert.strictEqual(fake.requests.filter((r) => r.method === "buy").length, 1)

      const prolonged = yield* proxy6.prolong(delivery.externalIds, 30, "renew:1")
      assert.strictEqual(prolonged.expiresAt.getTime() - delivery.expiresAt.getTime(), 30 * 86_400_000)
      assert.strictEqual(fake.balance, before - 4n * 9_900n)

      const unknown = yield* failure(proxy6.buy("ipv4-ru", 1, "order:x"))
      assert.strictEqual(unknown.reason, "rejected")
    })
  )

  it.live("every documented error id becomes the reason the shop acts on, with the provider's words", () =>
    Effect.gen(function* () {
      const proxy6 = yield* client({ countries: ["ru"] })
      for (const [id, meaning] of Object.entries(PROXY6_ERRORS)) {
        fake.failNext("getcount", Number(id))
        const error = yield* failure(proxy6.offers())
        assert.strictEqual(error.reason, meaning.reason, `error ${id}`)
        assert.include(error.message, `getcount: error ${id}, ${meaning.what}`)
        assert.notInclude(error.message, fake.apiKey)
      }
      // and as the real API gives them: too few proxies, too little money, a wrong key, a dollar account
      const tooMany = yield* failure(proxy6.buy("v4:de:30", 6, "order:many"))
      assert.deepStrictEqual(tooMany.reason, "unavailable")
      assert.include(tooMany.message, "error 300")
      const balance = fake.balance
      fake.balance = 100n
      const broke = yield* failure(proxy6.buy("v4:ru:30", 1, "order:broke"))
      fake.balance = balance
      assert.strictEqual(broke.reason, "no_funds")
      const wrongKey = yield* failure(
        Effect.flatMap(client({ apiKey: Redacted.make("not-the-key") }), (c) => c.offers())
      )
      assert.strictEqual(wrongKey.reason, "not_configured")
      assert.notInclude(wrongKey.message, "not-the-key")
      fake.currency = "USD"
      const dollars = yield* failure(proxy6.offers())
      fake.currency = "RUB"
      assert.strictEqual(dollars.reason, "not_configured")
      assert.include(dollars.message, "USD")
    })
  )

  it.live("keeps 3 requests a second under a burst, and retries a 503 somebody else caused", () =>
    Effect.gen(function* () {
      const proxy6 = yield* client({ countries: ["ru", "de"] })
      // four syncs at once: 12 requests
      const all = yield* Effect.all(
        Array.from({ length: 4 }, () => proxy6.offers()),
        { concurrency: "unbounded" }
      )
      assert.lengthOf(all, 4)
      assert.strictEqual(fake.requests.length, 12)
      assert.isAtMost(fake.maxPerSecond(), 3)
      assert.isEmpty(fake.requests.filter((r) => r.status === 503))

      // another process on the same key used this second up: the fake answers 503 and the client tries again
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 1_100)))
      const now = Date.now()
      for (let i = 0; i < 3; i++) fake.requests.push({ method: "getcount", params: {}, at: now, status: 200 })
      const offers = yield* proxy6.offers()
      assert.lengthOf(offers, 2)
      assert.isNotEmpty(fake.requests.filter((r) => r.status === 503))
      fake.throttleStatus = 429
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 1_100)))
      const later = Date.now()
      for (let i = 0; i < 3; i++) fake.requests.push({ method: "getcount", params: {}, at: later, status: 200 })
      assert.lengthOf(yield* proxy6.offers(), 2)
      assert.isNotEmpty(fake.requests.filter((r) => r.status === 429))
      fake.throttleStatus = 503
    })
  )

  it.live("an unreachable API is 'unavailable' and the message has no key", () =>
    Effect.gen(function* () {
      const down = yield* failure(Effect.flatMap(client({ baseUrl: "http://127.0.0.1:9/api" }), (c) => c.offers()))
      assert.strictEqual(down.reason, "unavailable")
      assert.notInclude(down.message, fake.apiKey)
    })
  )
})
