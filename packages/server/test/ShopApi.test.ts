/**
 * The shop's REST and admin API on the real server, on both database profiles: the public catalogue (never a provider's
 * cost or an item's content), purchases with every refusal as its status, code and sentence, a concurrent double
 * purchase buying once, one's own orders only, the admin's products, item uploads, refunds and settings (each change
 * audited), the notification rows of the shop's events, and an OpenAPI document that describes every shop operation.
 */
import { SqlClient } from "@effect/sql"
import {
  AuditFilter,
  AuditLog,
  type DomainEvent,
  GroupBuyApi,
  Notifications,
  PageRequest,
  type UserId
} from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import { baseUrlOf, eventually, expectNow } from "./utils/AppHarness.js"
import { EventSink } from "../src/notifications/NotificationDispatcher.js"
import { adminHeaders, type Answer, bearer, httpOf, type Json } from "./utils/PlainHttp.js"
import { TestServer } from "./utils/TestServer.js"

const balanceOf = (userId: UserId) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(sql<{ balance: string }>`SELECT balance::text FROM users WHERE id = ${userId}`, (rows) =>
      BigInt(rows[0]!.balance)
    )
  ).pipe(Effect.orDie)

const notificationsOf = (userId: UserId) =>
  Effect.map(
    Effect.flatMap(Notifications, (n) => n.list(userId, new PageRequest({ limit: 100 }))),
    (page) => page.items
  )

/** The shop's audit entries of one action. */
const audited = (action: string) =>
  Effect.map(
    Effect.flatMap(AuditLog, (log) => log.list(new AuditFilter({ action, limit: 100 }))),
    (page) => page.items
  )

for (const profile of coreProfiles()) {
  /** What the dispatcher hands on for delivery to a messenger. */
  const forwarded: Array<DomainEvent> = []
  const RecordingSink = Layer.succeed(EventSink, { onEvent: (e) => Effect.sync(() => void forwarded.push(e)) })
  /** The notification types forwarded to `userId`'s messenger. */
  const sentTo = (userId: UserId) =>
    forwarded.flatMap((e) =>
      e._tag === "NotificationCreated" && e.notification.userId === userId ? [e.notification.type] : []
    )

  describe(`shop API on ${profile.name}`, () => {
    // the live clock: notification rows are written by the dispatcher on its own fiber, waited for in real time
    layerOf(TestServer(profile.layer, {}, RecordingSink), { timeout: "180 seconds", excludeTestServices: true })(
      (it) => {
        it.effect("the catalogue is public and shows neither the provider's cost nor an item's content", () =>
          Effect.gen(function* () {
            const base = yield* baseUrlOf
            const http = httpOf(base)
            const admin = yield* adminHeaders(base)
            const category = yield* http("POST", "/api/admin/categories", admin, { name: `Ключи ${randomUUID()}` })
            assert.strictEqual(category.status, 201, category.text)
            const categoryId = category.json["id"] as string
            const keys = yield* http("POST", "/api/admin/shop/products", admin, {
              title: "Ключ активации",
              price: "49900",
              kind: "DIGITAL",
              categoryId
            })
            assert.strictEqual(keys.status, 201, keys.text)
            const upload = yield* http("POST", `/api/admin/shop/products/${keys.json["id"]}/items`, admin, {
              text: "SECRET-KEY-1\nSECRET-KEY-2\n\nSECRET-KEY-1\nSECRET-KEY-3"
            })
            assert.strictEqual(upload.status, 201, upload.text)
            assert.deepStrictEqual(upload.json, { added: 3, duplicates: 1, blanks: 1, stock: { onHand: 3, sold: 0 } })
            const hidden = yield* http("POST", "/api/admin/shop/products", admin, {
              title: "Снятый с продажи",
              price: "100",
              kind: "STOCKED",
              stock: 5,
              categoryId,
              isActive: false
            })
            assert.strictEqual(hidden.status, 201, hidden.text)

            // no credentials at all: the catalogue is public
            const info = yield* http("GET", "/api/shop")
            assert.strictEqual(info.status, 200)
            assert.containsAllKeys(info.json, [
              "name",
              "supportContact",
              "currencyDisplay",
              "offer",
              "referralCommissionPercent"
            ])
            const categories = yield* http("GET", "/api/shop/categories")
            assert.strictEqual(categories.status, 200)
            const listed = (categories.json as unknown as Array<Json>).find((c) => c["category"]["id"] === categoryId)
            assert.strictEqual(listed?.["productCount"], 1, "only the active product counts")
            const products = yield* http("GET", `/api/shop/products?categoryId=${categoryId}`)
            assert.strictEqual(products.status, 200)
            assert.deepStrictEqual(
              products.json["items"].map((p: Json) => [p["title"], p["price"], p["available"]]),
              [["Ключ активации", "49900", 3]]
            )
            const one = yield* http("GET", `/api/shop/products/${keys.json["id"]}`)
            assert.strictEqual(one.status, 200)
            for (const answer of [products, one]) {
              assert.notInclude(answer.text, "SECRET-KEY")
              assert.notInclude(answer.text, "providerCost")
              assert.notInclude(answer.text, "offerKey")
            }
            // an old link to a product that is no longer sold says so; an unknown one is 404
            assert.strictEqual((yield* http("GET", `/api/shop/products/${hidden.json["id"]}`)).json["isActive"], false)
            assert.strictEqual((yield* http("GET", `/api/shop/products/${randomUUID()}`)).status, 404)
            // the admin's list holds everything; the contents never
            const grid = yield* http("GET", `/api/admin/shop/products?categoryId=${categoryId}&sort=title:asc`, admin)
            assert.strictEqual(grid.status, 200, grid.text)
            assert.strictEqual(grid.json["total"], 2)
            assert.notInclude(grid.text, "SECRET-KEY")
          })
        )

        it.effect("a purchase delivers once; every refusal has its status, code and sentence and charges nothing", () =>
          Effect.gen(function* () {
            const base = yield* baseUrlOf
            const http = httpOf(base)
            const admin = yield* adminHeaders(base)
            const buyer = yield* insertUser({ firstName: "Покупатель", balance: 10_000n })
            const auth = { authorization: yield* bearer(buyer) }
            const create = (body: Json) =>
              Effect.map(http("POST", "/api/admin/shop/products", admin, body), (r) => {
                assert.strictEqual(r.status, 201, r.text)
                return r.json["id"] as string
              })
            const tea = yield* create({ title: "Чай", price: "1500", kind: "STOCKED", stock: 2 })
            const codes = yield* create({ title: "Код", price: "2000", kind: "DIGITAL" })
            yield* http("POST", `/api/admin/shop/products/${codes}/items`, admin, { text: "CODE-A\nCODE-B" })
            const gold = yield* create({ title: "Золото", price: "50000", kind: "STOCKED", stock: 10 })
            const gone = yield* create({ title: "Снят", price: "100", kind: "STOCKED", stock: 10 })
            assert.strictEqual((yield* http("POST", `/api/admin/shop/products/${gone}/deactivate`, admin)).status, 200)

            const buy = (productId: string, quantity: unknown, key?: string, headers: Record<string, string> = {}) =>
              http(
                "POST",
                "/api/shop/purchases",
                { ...auth, ...(key === undefined ? {} : { "idempotency-key": key }), ...headers },
                { productId, quantity }
              )

            // DIGITAL: the buyer's order shows the item it sold
            const bought = yield* buy(codes, 1, randomUUID())
            assert.strictEqual(bought.status, 201, bought.text)
            assert.strictEqual(bought.json["order"]["status"], "DELIVERED")
            assert.strictEqual(bought.json["order"]["total"], "2000")
            assert.lengthOf(bought.json["delivery"]["items"], 1)
            assert.oneOf(bought.json["delivery"]["items"][0], ["CODE-A", "CODE-B"])
            // the key may come in the body too
            const byBody = yield* http("POST", "/api/shop/purchases", auth, {
              productId: tea,
              quantity: 1,
              idempotencyKey: randomUUID()
            })
            assert.strictEqual(byBody.status, 201, byBody.text)
            assert.strictEqual(yield* balanceOf(buyer), 10_000n - 2_000n - 1_500n)

            const before = yield* balanceOf(buyer)
            const refusal = (answer: Answer, status: number, tag: string, code: string) => {
              assert.strictEqual(answer.status, status, answer.text)
              assert.strictEqual(answer.json["_tag"], tag)
              assert.strictEqual(answer.json["code"], code)
              assert.isString(answer.json["message"])
              return answer.json
            }
            const poor = refusal(
              yield* buy(gold, 1, randomUUID()),
              402,
              "InsufficientBalance",
              "purchase.insufficient-funds"
            )
            assert.deepInclude(poor, { needed: "50000", available: String(before), missing: String(50_000n - before) })
            assert.include(poor["message"], "Недостаточно средств")
            const poorEn = yield* buy(gold, 1, randomUUID(), { "accept-language": "en-GB,en;q=0.9" })
            assert.include(poorEn.json["message"], "Not enough money")
            const sold = refusal(yield* buy(tea, 2, randomUUID()), 409, "OutOfStock", "purchase.sold-out")
            assert.deepInclude(sold, { requested: 2, available: 1 })
            refusal(yield* buy(gone, 1, randomUUID()), 410, "ProductGone", "purchase.product-unavailable")
            refusal(yield* buy(randomUUID(), 1, randomUUID()), 404, "UnknownProduct", "purchase.product-not-found")
            for (const quantity of [0, -1, 1.5, 101]) {
              const bad = refusal(
                yield* buy(tea, quantity, randomUUID()),
                400,
                "PurchaseInvalid",
                "purchase.invalid-quantity"
              )
              assert.deepInclude(bad, { min: 1, max: 100 })
            }
            refusal(yield* buy(tea, 1), 400, "PurchaseInvalid", "purchase.idempotency-key-missing")
            const mismatch = yield* http(
              "POST",
              "/api/shop/purchases",
              { ...auth, "idempotency-key": "one" },
              { productId: tea, quantity: 1, idempotencyKey: "two" }
            )
            refusal(mismatch, 400, "PurchaseInvalid", "purchase.idempotency-key-mismatch")
            assert.strictEqual(yield* balanceOf(buyer), before, "no refusal charged anything")
            const stock = yield* http("GET", `/api/admin/shop/products/${tea}/stock`, admin)
            assert.deepInclude(stock.json, { onHand: 1, sold: 1 })
            // no credentials: 401
            assert.strictEqual(
              (yield* http("POST", "/api/shop/purchases", {}, { productId: tea, quantity: 1 })).status,
              401
            )
          })
        )

        it.effect("the same purchase sent twice at once buys once and notifies once", () =>
          Effect.gen(function* () {
            const base = yield* baseUrlOf
            const http = httpOf(base)
            const admin = yield* adminHeaders(base)
            const buyer = yield* insertUser({ firstName: "Двойной", balance: 5_000n })
            const auth = { authorization: yield* bearer(buyer) }
            const product = yield* http("POST", "/api/admin/shop/products", admin, {
              title: "Кофе",
              price: "1000",
              kind: "STOCKED",
              stock: 10
            })
            const key = randomUUID()
            const send = http(
              "POST",
              "/api/shop/purchases",
              { ...auth, "idempotency-key": key },
              {
                productId: product.json["id"],
                quantity: 2
              }
            )
            const [first, second] = yield* Effect.all([send, send], { concurrency: 2 })
            assert.strictEqual(first!.status, 201, first!.text)
            assert.strictEqual(second!.status, 201, second!.text)
            assert.strictEqual(first!.json["order"]["id"], second!.json["order"]["id"])
            assert.strictEqual(yield* balanceOf(buyer), 3_000n, "debited once")
            const stock = yield* http("GET", `/api/admin/shop/products/${product.json["id"]}/stock`, admin)
            assert.deepInclude(stock.json, { onHand: 8, sold: 2 })
            // a third, later repeat is the same order too
            const third = yield* send
            assert.strictEqual(third.json["order"]["id"], first!.json["order"]["id"])
            const orders = yield* http("GET", "/api/shop/orders", auth)
            assert.strictEqual(orders.json["total"], 1)
            yield* eventually(
              Effect.flatMap(notificationsOf(buyer), (rows) =>
                expectNow(
                  () => rows.filter((n) => n.type === "ORDER_DELIVERED").length === 1,
                  () => `one ORDER_DELIVERED row, got ${JSON.stringify(rows.map((n) => n.type))}`
                )
              )
            )
            // and no second one arrives later
            yield* Effect.sleep("300 millis")
            const rows = yield* notificationsOf(buyer)
            assert.lengthOf(
              rows.filter((n) => n.type === "ORDER_DELIVERED"),
              1
            )
            assert.include(rows.find((n) => n.type === "ORDER_DELIVERED")!.title, `№${first!.json["order"]["number"]}`)
            // the purchase's answer told the buyer: the row is not sent to their messenger a second time
            assert.notInclude(sentTo(buyer), "ORDER_DELIVERED")
          })
        )

        it.effect("a user reads only their own orders; another's is 404", () =>
          Effect.gen(function* () {
            const base = yield* baseUrlOf
            const http = httpOf(base)
            const admin = yield* adminHeaders(base)
            const anna = yield* insertUser({ firstName: "Анна", balance: 5_000n })
            const boris = yield* insertUser({ firstName: "Борис", balance: 5_000n })
            const asAnna = { authorization: yield* bearer(anna) }
            const asBoris = { authorization: yield* bearer(boris) }
            const product = yield* http("POST", "/api/admin/shop/products", admin, {
              title: "Ключ",
              price: "700",
              kind: "DIGITAL"
            })
            yield* http("POST", `/api/admin/shop/products/${product.json["id"]}/items`, admin, { text: "ANNA-ONLY" })
            const order = yield* http(
              "POST",
              "/api/shop/purchases",
              { ...asAnna, "idempotency-key": randomUUID() },
              {
                productId: product.json["id"],
                quantity: 1
              }
            )
            assert.strictEqual(order.status, 201, order.text)
            const id = order.json["order"]["id"] as string

            const own = yield* http("GET", `/api/shop/orders/${id}`, asAnna)
            assert.strictEqual(own.status, 200, own.text)
            assert.deepStrictEqual(own.json["delivery"]["items"], ["ANNA-ONLY"])
            const theirs = yield* http("GET", `/api/shop/orders/${id}`, asBoris)
            assert.strictEqual(theirs.status, 404)
            assert.notInclude(theirs.text, "ANNA-ONLY")
            // naming somebody else is refused, not answered
            assert.strictEqual((yield* http("GET", `/api/shop/orders/${id}?userId=${anna}`, asBoris)).status, 403)
            assert.strictEqual((yield* http("GET", `/api/shop/orders?userId=${anna}`, asBoris)).status, 403)
            assert.strictEqual((yield* http("GET", "/api/shop/orders", asBoris)).json["total"], 0)
            assert.strictEqual((yield* http("GET", "/api/shop/orders", asAnna)).json["total"], 1)
            // the admin's order view has no delivery
            const adminView = yield* http("GET", `/api/admin/shop/orders/${id}`, admin)
            assert.strictEqual(adminView.status, 200)
            assert.notInclude(adminView.text, "ANNA-ONLY")
          })
        )

        it.effect("admins manage products, upload items, refund once and change settings; each change is audited", () =>
          Effect.gen(function* () {
            const base = yield* baseUrlOf
            const http = httpOf(base)
            const admin = yield* adminHeaders(base)
            const buyer = yield* insertUser({ firstName: "Вера", balance: 9_000n })
            const watcher = yield* insertUser({ firstName: "Админ", isAdmin: true })
            const auth = { authorization: yield* bearer(buyer) }

            // without the CSRF header a change is refused
            const noCsrf = yield* http(
              "POST",
              "/api/admin/shop/products",
              { cookie: admin.cookie },
              {
                title: "X",
                price: "1",
                kind: "STOCKED"
              }
            )
            assert.strictEqual(noCsrf.status, 403)
            // a field of another kind is refused with a readable reason
            const wrong = yield* http("POST", "/api/admin/shop/products", admin, {
              title: "Ключи",
              price: "100",
              kind: "DIGITAL",
              stock: 5
            })
            assert.strictEqual(wrong.status, 409, wrong.text)
            assert.strictEqual(wrong.json["code"], "product.kind-fields")
            assert.include(wrong.json["message"], "DIGITAL")

            const created = yield* http("POST", "/api/admin/shop/products", admin, {
              title: "Мёд",
              price: "3000",
              kind: "STOCKED",
              stock: 4
            })
            const id = created.json["id"] as string
            const updated = yield* http("PATCH", `/api/admin/shop/products/${id}`, admin, {
              price: "2500",
              sortOrder: 3
            })
            assert.strictEqual(updated.status, 200, updated.text)
            assert.strictEqual(updated.json["price"], "2500")
            const notDigital = yield* http("POST", `/api/admin/shop/products/${id}/items`, admin, { text: "A" })
            assert.strictEqual(notDigital.status, 409)
            assert.strictEqual(notDigital.json["code"], "product.not-digital")

            // settings: a low-stock threshold of 2, so that selling 2 of 4 tells every administrator once
            const settings = yield* http("PATCH", "/api/admin/shop/settings", admin, {
              lowStockThreshold: 2,
              supportContact: "@shop_help"
            })
            assert.strictEqual(settings.status, 200, settings.text)
            assert.deepInclude(settings.json, { lowStockThreshold: 2, supportContact: "@shop_help" })
            assert.strictEqual((yield* http("GET", "/api/shop")).json["supportContact"], "@shop_help")
            const badSettings = yield* http("PATCH", "/api/admin/shop/settings", admin, {
              offer: { groupBuys: false, shop: false }
            })
            assert.strictEqual(badSettings.status, 400, badSettings.text)

            const order = yield* http(
              "POST",
              "/api/shop/purchases",
              { ...auth, "idempotency-key": randomUUID() },
              {
                productId: id,
                quantity: 2
              }
            )
            assert.strictEqual(order.status, 201, order.text)
            const orderId = order.json["order"]["id"] as string
            assert.strictEqual(yield* balanceOf(buyer), 4_000n)
            yield* eventually(
              Effect.flatMap(notificationsOf(watcher), (rows) =>
                expectNow(
                  () => rows.some((n) => n.type === "LOW_STOCK" && n.body.includes("2")),
                  () => `a LOW_STOCK row for the admin, got ${JSON.stringify(rows.map((n) => n.type))}`
                )
              )
            )

            // the admin's list filters by buyer, product, status and day
            const today = new Date().toISOString().slice(0, 10)
            const filtered = yield* http(
              "GET",
              `/api/admin/shop/orders?buyerId=${buyer}&productId=${id}&status=DELIVERED&from=${today}&to=${today}&sort=total:desc`,
              admin
            )
            assert.strictEqual(filtered.status, 200, filtered.text)
            assert.deepStrictEqual(
              filtered.json["items"].map((o: Json) => o["id"]),
              [orderId]
            )
            const none = yield* http("GET", `/api/admin/shop/orders?buyerId=${buyer}&status=REFUNDED`, admin)
            assert.strictEqual(none.json["total"], 0)

            // refunds: twice at once moves the money once
            const refund = http("POST", `/api/admin/shop/orders/${orderId}/refund`, admin, { reason: "брак" })
            const [r1, r2] = yield* Effect.all([refund, refund], { concurrency: 2 })
            assert.strictEqual(r1!.status, 200, r1!.text)
            assert.strictEqual(r2!.status, 200, r2!.text)
            assert.strictEqual(r1!.json["status"], "REFUNDED")
            assert.strictEqual(yield* balanceOf(buyer), 9_000n)
            const stock = yield* http("GET", `/api/admin/shop/products/${id}/stock`, admin)
            assert.strictEqual(stock.json["onHand"], 4, "the stocked quantity came back")
            assert.lengthOf(yield* audited("order.refund"), 1)
            yield* eventually(
              Effect.flatMap(notificationsOf(buyer), (rows) =>
                expectNow(
                  () => rows.filter((n) => n.type === "ORDER_REFUNDED").length === 1,
                  () => `one ORDER_REFUNDED row, got ${JSON.stringify(rows.map((n) => n.type))}`
                )
              )
            )
            // an admin's refund is news: it goes to the buyer's messenger, and low stock to the administrator's
            yield* eventually(
              expectNow(
                () => sentTo(buyer).includes("ORDER_REFUNDED") && sentTo(watcher).includes("LOW_STOCK"),
                () => `forwarded: buyer ${sentTo(buyer)}, admin ${sentTo(watcher)}`
              )
            )
            assert.notInclude(sentTo(buyer), "ORDER_DELIVERED")

            // a product somebody ordered cannot be deleted, only deactivated (once audited)
            const del = yield* http("DELETE", `/api/admin/shop/products/${id}`, admin)
            assert.strictEqual(del.status, 409)
            assert.strictEqual(del.json["code"], "product.has-orders")
            yield* http("POST", `/api/admin/shop/products/${id}/deactivate`, admin)
            yield* http("POST", `/api/admin/shop/products/${id}/deactivate`, admin)
            const spare = yield* http("POST", "/api/admin/shop/products", admin, {
              title: "Лишний",
              price: "100",
              kind: "STOCKED"
            })
            assert.strictEqual(
              (yield* http("DELETE", `/api/admin/shop/products/${spare.json["id"]}`, admin)).status,
              204
            )
            assert.strictEqual((yield* http("GET", `/api/admin/shop/products/${spare.json["id"]}`, admin)).status, 404)

            for (const action of ["product.create", "product.update", "product.delete", "shop.settings_update"])
              assert.isNotEmpty(yield* audited(action), action)
            const deactivations = (yield* audited("product.deactivate")).filter((e) => e.targetId === id)
            assert.lengthOf(deactivations, 1, "deactivating again changes nothing and is not audited again")
            const settingsEntry = (yield* audited("shop.settings_update")).find(
              (e) => (e.details as Json)["after"]?.["supportContact"] === "@shop_help"
            )
            assert.deepInclude((settingsEntry?.details ?? {}) as Json, {
              after: { lowStockThreshold: 2, supportContact: "@shop_help" }
            })
          })
        )

        it.effect("OpenAPI lists every shop operation with a summary and a description", () =>
          Effect.gen(function* () {
            const spec = (yield* httpOf(yield* baseUrlOf)("GET", "/api/openapi.json")).json as {
              paths: Record<string, Record<string, { summary?: string; description?: string; operationId?: string }>>
            }
            const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
              Object.entries(methods).map(([method, op]) => ({ path, method, ...op }))
            )
            const shop = operations.filter(
              (op) => op.path.startsWith("/api/shop") || op.path.startsWith("/api/admin/shop")
            )
            const groups = ["shopCatalog", "shop", "shopSubscriptions", "shopAdmin"] as const
            const expected = groups.reduce((n, g) => n + Object.keys(GroupBuyApi.groups[g].endpoints).length, 0)
            assert.strictEqual(shop.length, expected)
            for (const op of shop) {
              assert.isNotEmpty(op.summary ?? "", `${op.method} ${op.path} has a summary`)
              assert.isNotEmpty(op.description ?? "", `${op.method} ${op.path} has a description`)
            }
            const purchase = spec.paths["/api/shop/purchases"]?.["post"] as Json
            const statuses = Object.keys(purchase["responses"])
            for (const status of ["201", "400", "402", "404", "409", "410"]) assert.include(statuses, status)
          })
        )
      }
    )
  })
}
