/**
 * External providers through the admin API on the real server, against the fake proxy6 API, on both database
 * profiles: configuring one (the key never shown back or audited, bad settings refused in words), "sync now" creating
 * products with the markup, a second run changing nothing, an offer the provider dropped deactivated, the scheduled
 * sync going on past a failing provider (logged as FAILED), the sync log, and a PROVIDER product bought over REST:
 * delivered with the fake's credentials, or refunded once when the provider refuses.
 */
import { AuditFilter, AuditLog, Catalog, Notifications, PageRequest, ProductFilter } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, beforeAll, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { syncDue } from "../src/shop/ProvidersLive.js"
import { FakeProxy6 } from "./fakes/FakeProxy6.js"
import { baseUrlOf, eventually } from "./utils/AppHarness.js"
import { adminHeaders, bearer, httpOf, type Json } from "./utils/PlainHttp.js"
import { TestServer } from "./utils/TestServer.js"

let fake: FakeProxy6
beforeAll(async () => {
  fake = await FakeProxy6.start()
})
afterAll(() => fake.close())

const providerProducts = (providerId: string) =>
  Effect.map(
    Effect.flatMap(Catalog, (catalog) => catalog.list(new ProductFilter({ kind: "PROVIDER", limit: 100 }))),
    (page) => page.items.filter((p) => p.providerId === providerId)
  )

for (const profile of coreProfiles()) {
  describe(`providers on ${profile.name}`, () => {
    layerOf(TestServer(profile.layer), { timeout: "180 seconds", excludeTestServices: true })((it) => {
      it.effect("configure, sync now, sync again, a dropped offer, the scheduled sync past a failing provider", () =>
        Effect.gen(function* () {
          const base = yield* baseUrlOf
          const http = httpOf(base)
          const admin = yield* adminHeaders(base)
          // each profile has its own stock in the fake: restore what the previous one bought or dropped
          fake.stock.set(
            4,
            new Map([
              ["ru", 50],
              ["de", 5]
            ])
          )
          const id = `proxy6-${profile.name.toLowerCase()}`

          // bad settings are refused in words; turning a provider on without a key too
          const badPeriod = yield* http("PUT", `/api/admin/shop/providers/${id}`, admin, { periods: [5] })
          assert.strictEqual(badPeriod.status, 400, badPeriod.text)
          assert.include(badPeriod.text, "proxy6 не продаёт срок 5")
          const noKey = yield* http("PUT", `/api/admin/shop/providers/${id}`, admin, { enabled: true })
          assert.strictEqual(noKey.status, 400)
          assert.include(noKey.text, "provider.key-missing")
          const badCountry = yield* http("PUT", `/api/admin/shop/providers/${id}`, admin, { countries: ["Russia"] })
          assert.strictEqual(badCountry.status, 400)

          const saved = yield* http("PUT", `/api/admin/shop/providers/${id}`, admin, {
            kind: "proxy6",
            enabled: true,
            apiKey: fake.apiKey,
            baseUrl: fake.baseUrl,
            markupPercent: 10,
            versions: [4],
            periods: [30]
          })
          assert.strictEqual(saved.status, 200, saved.text)
          assert.isTrue(saved.json["apiKeySet"])
          assert.strictEqual(saved.json["apiKeyHint"], fake.apiKey.slice(-4))
          assert.notInclude(saved.text, fake.apiKey)
          const listed = yield* http("GET", "/api/admin/shop/providers", admin)
          assert.notInclude(listed.text, fake.apiKey)
          assert.include(listed.text, id)

          // sync now: an offer per country, priced with the 10 % markup (99 ₽ → 108,90 ₽)
          const first = yield* http("POST", `/api/admin/shop/providers/${id}/sync`, admin)
          assert.strictEqual(first.status, 200, first.text)
          assert.deepStrictEqual(
            [first.json["status"], first.json["created"], first.json["updated"], first.json["deactivated"]],
            ["OK", 2, 0, 0]
          )
          const products = yield* providerProducts(id)
          assert.deepStrictEqual(products.map((p) => [p.offerKey, String(p.price), p.available, p.isActive]).sort(), [
            ["v4:de:30", "10890", 5, true],
            ["v4:ru:30", "10890", 50, true]
          ])
          // the same offers again: nothing changes
          const second = yield* http("POST", `/api/admin/shop/providers/${id}/sync`, admin)
          assert.deepStrictEqual(
            [second.json["created"], second.json["updated"], second.json["deactivated"], second.json["unchanged"]],
            [0, 0, 0, 2]
          )
          // the provider stops offering Germany: its product is taken off sale
          fake.stock.get(4)!.delete("de")
          const third = yield* http("POST", `/api/admin/shop/providers/${id}/sync`, admin)
          assert.strictEqual(third.json["deactivated"], 1)
          assert.isFalse((yield* providerProducts(id)).find((p) => p.offerKey === "v4:de:30")!.isActive)

          // the scheduled sync: a broken provider is logged and the next one still synced
          const broken = `broken-${profile.name.toLowerCase()}`
          const ipv6 = `ipv6-${profile.name.toLowerCase()}`
          for (const [provider, apiKey, versions] of [
            [broken, "not-the-key", [4]],
            [ipv6, fake.apiKey, [6]]
          ] as const) {
            const answer = yield* http("PUT", `/api/admin/shop/providers/${provider}`, admin, {
              enabled: true,
              apiKey,
              baseUrl: fake.baseUrl,
              versions,
              countries: ["ru"],
              periods: [30]
            })
            assert.strictEqual(answer.status, 200, answer.text)
          }
          const synced = yield* syncDue
          assert.isAtLeast(synced, 2)
          const failedLog = yield* http("GET", `/api/admin/shop/providers/sync-log?providerId=${broken}`, admin)
          assert.strictEqual(failedLog.json["items"][0]["status"], "FAILED")
          assert.include(failedLog.json["items"][0]["error"], "error 100")
          assert.notInclude(failedLog.text, "not-the-key")
          assert.lengthOf(yield* providerProducts(ipv6), 1)
          // nothing is due right after: a second tick syncs nobody
          assert.strictEqual(yield* syncDue, 0)
          const log = yield* http("GET", `/api/admin/shop/providers/sync-log?providerId=${id}`, admin)
          assert.strictEqual(log.json["total"], 3)

          const audit = yield* (yield* AuditLog).list(new AuditFilter({ targetType: "provider", limit: 100 }))
          const mine = audit.items.filter((entry) => entry.targetId === id)
          assert.sameMembers(
            mine.map((entry) => entry.action),
            ["provider.configure", "provider.sync", "provider.sync", "provider.sync"]
          )
          assert.notInclude(JSON.stringify(audit.items.map((entry) => entry.details)), fake.apiKey)
        })
      )

      it.effect(
        "a PROVIDER product bought over REST is delivered by the provider, or refunded once; its subscription renews once",
        () =>
          Effect.gen(function* () {
            const base = yield* baseUrlOf
            const http = httpOf(base)
            const admin = yield* adminHeaders(base)
            fake.stock.set(4, new Map([["ru", 50]]))
            fake.balance = 100_000n
            const id = `buy-${profile.name.toLowerCase()}`
            yield* http("PUT", `/api/admin/shop/providers/${id}`, admin, {
              enabled: true,
              apiKey: fake.apiKey,
              baseUrl: fake.baseUrl,
              markupPercent: 0,
              versions: [4],
              countries: ["ru"],
              periods: [30]
            })
            assert.strictEqual((yield* http("POST", `/api/admin/shop/providers/${id}/sync`, admin)).status, 200)
            const [product] = yield* providerProducts(id)
            const buyer = yield* insertUser({ firstName: "Прокси", balance: 50_000n })
            const auth = { authorization: yield* bearer(buyer) }
            const buy = (key: string) =>
              http(
                "POST",
                "/api/shop/purchases",
                { ...auth, "idempotency-key": key },
                { productId: product!.id, quantity: 2 }
              )

            const bought = yield* buy(randomUUID())
            assert.strictEqual(bought.status, 201, bought.text)
            assert.strictEqual(bought.json["order"]["status"], "DELIVERED")
            assert.lengthOf(bought.json["delivery"]["items"], 2)
            const fakeProxy = fake.proxies.find((p) => bought.json["delivery"]["items"][0].startsWith(p.host))
            assert.isDefined(fakeProxy, "the credentials are the fake provider's")
            assert.isString(bought.json["delivery"]["subscriptionId"])

            // the provider refuses (no money on our account there): the order fails and the money comes back once
            fake.failNext("buy", 400)
            const refused = yield* buy(randomUUID())
            assert.strictEqual(refused.status, 201, refused.text)
            assert.strictEqual(refused.json["order"]["status"], "FAILED")
            const balance = yield* http("GET", `/api/users/${buyer}/balance`, auth)
            assert.strictEqual(balance.status, 200, balance.text)
            assert.strictEqual(String(balance.json["balance"]), String(50_000n - 2n * 9_900n))

            // the subscription the first order created: listed with its time left, renewed once however often asked
            const mine = yield* http("GET", "/api/shop/subscriptions", auth)
            assert.strictEqual(mine.status, 200, mine.text)
            assert.lengthOf(mine.json as unknown as ReadonlyArray<unknown>, 1)
            const sub = (mine.json as unknown as ReadonlyArray<Json>)[0]!
            assert.strictEqual(sub["title"], product!.title)
            assert.strictEqual(sub["renewalPrice"], "19800")
            assert.isAbove(sub["secondsLeft"], 29 * 86_400)
            const renew = () =>
              http("POST", `/api/shop/subscriptions/${sub["id"]}/renew`, auth, { expiresAt: sub["expiresAt"] })
            const renewed = yield* renew()
            assert.strictEqual(renewed.status, 200, renewed.text)
            assert.isAbove(Date.parse(renewed.json["expiresAt"]), Date.parse(sub["expiresAt"]))
            const again = yield* renew()
            assert.strictEqual(again.status, 200)
            assert.strictEqual(again.json["expiresAt"], renewed.json["expiresAt"], "a double tap renews once")
            const after = yield* http("GET", `/api/users/${buyer}/balance`, auth)
            assert.strictEqual(String(after.json["balance"]), String(50_000n - 4n * 9_900n))
            // too little money for the next one: 402 with what is missing
            const short = yield* http("POST", `/api/shop/subscriptions/${sub["id"]}/renew`, auth, {})
            assert.strictEqual(short.status, 402, short.text)
            assert.strictEqual(short.json["missing"], String(2n * 9_900n - (50_000n - 4n * 9_900n)))
            const off = yield* http("PUT", `/api/shop/subscriptions/${sub["id"]}/auto-renew`, auth, { value: false })
            assert.isFalse(off.json["autoRenew"])
            const stranger = yield* insertUser({ firstName: "Чужой" })
            const foreign = yield* http("GET", `/api/shop/subscriptions`, { authorization: yield* bearer(stranger) })
            assert.deepStrictEqual(foreign.json, [] as unknown as Json)
            const notFound = yield* http(
              "PUT",
              `/api/shop/subscriptions/${sub["id"]}/auto-renew`,
              {
                authorization: yield* bearer(stranger)
              },
              { value: true }
            )
            assert.strictEqual(notFound.status, 404)
            // the owner is told of the renewal in their language
            const told = yield* eventually(
              Effect.flatMap(Notifications, (n) => n.list(buyer, new PageRequest({ limit: 50 }))).pipe(
                Effect.map((page) => page.items.filter((item) => item.type === "SUBSCRIPTION_RENEWED")),
                Effect.filterOrFail(
                  (items) => items.length > 0,
                  () => new Error("no renewal notice yet")
                )
              )
            )
            assert.strictEqual(told[0]!.title, "Подписка продлена")
          })
      )
    })
  })
}
