/**
 * The first specification's endpoint table, called as written (its paths, trailing slashes and methods) over plain
 * HTTP on both database profiles: every listed path answers with its success status and the shape a client expects,
 * and every one is in the OpenAPI document.
 */
import { CSRF_HEADER, type UserId } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AdminSessions } from "../src/admin/AdminSessions.js"
import { UserTokens } from "../src/auth/UserTokens.js"
import { baseUrlOf } from "./utils/AppHarness.js"
import { SERVICE_TOKEN, TestServer } from "./utils/TestServer.js"

/** Every row of the specification's tables: method and path as written. */
const TABLE = [
  ["GET", "/api/admin/auth/"],
  ["POST", "/api/admin/auth/"],
  ["DELETE", "/api/admin/auth/"],
  ["GET", "/api/admin/dashboard/"],
  ["GET", "/api/admin/users/"],
  ["POST", "/api/admin/users/{id}/toggle_active/"],
  ["POST", "/api/admin/users/{id}/toggle_verified/"],
  ["POST", "/api/admin/users/{id}/update_balance/"],
  ["GET", "/api/admin/procurements/"],
  ["POST", "/api/admin/procurements/{id}/update_status/"],
  ["POST", "/api/admin/procurements/{id}/toggle_featured/"],
  ["GET", "/api/admin/payments/"],
  ["GET", "/api/admin/payments/summary/"],
  ["GET", "/api/admin/transactions/"],
  ["GET", "/api/admin/categories/"],
  ["POST", "/api/admin/categories/"],
  ["GET", "/api/admin/messages/"],
  ["POST", "/api/admin/notifications/send_bulk/"],
  ["POST", "/api/users/"],
  ["GET", "/api/users/{id}/"],
  ["GET", "/api/users/by_platform/"],
  ["GET", "/api/procurements/"],
  ["POST", "/api/procurements/"],
  ["POST", "/api/procurements/{id}/join/"],
  ["GET", "/api/procurements/user/{user_id}/"],
  ["POST", "/api/payments/"],
  ["GET", "/api/payments/{id}/status/"],
  ["GET", "/api/chat/messages/"],
  ["POST", "/api/chat/messages/"]
] as const

type Json = Record<string, any>

/** The money fields of the API: each is a `Kopecks` string. */
const MONEY = new Set([
  "amount",
  "balance",
  "targetAmount",
  "pricePerUnit",
  "stopAtAmount",
  "heldAmount",
  "collectedAmount",
  "revenue",
  "needed",
  "available",
  "balanceAfter"
])

for (const profile of coreProfiles()) {
  describe(`the specification's endpoint table (${profile.name})`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("every listed path answers as written and is documented", () =>
        Effect.gen(function* () {
          const base = yield* baseUrlOf
          const called = new Set<string>()
          /** Calls `method path` (the table's spelling, `{…}` filled from `ids`) and checks the status. */
          const call = (
            method: (typeof TABLE)[number][0],
            path: (typeof TABLE)[number][1],
            expected: number,
            options: { headers?: Record<string, string>; body?: unknown; ids?: Record<string, string>; query?: string }
          ) =>
            Effect.promise(async () => {
              const url = path.replace(/\{(\w+)\}/g, (_, key: string) => options.ids?.[key] ?? "")
              const response = await fetch(`${base}${url}${options.query ?? ""}`, {
                method,
                headers: {
                  ...(options.body === undefined ? {} : { "content-type": "application/json" }),
                  ...options.headers
                },
                ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
              })
              const text = await response.text()
              assert.strictEqual(response.status, expected, `${method} ${url}: ${text}`)
              called.add(`${method} ${path}`)
              return { json: (text === "" ? null : JSON.parse(text)) as Json, headers: response.headers }
            })

          const service = { authorization: `Bearer ${SERVICE_TOKEN}` }
          const tokens = yield* UserTokens
          const bearer = (id: UserId) => Effect.map(tokens.issue(id), (t) => ({ authorization: `Bearer ${t.token}` }))

          // key endpoints: a bot registers a person and finds them by their platform id
          const externalId = String(Date.now())
          const registered = yield* call("POST", "/api/users/", 201, {
            headers: service,
            body: { identity: { platform: "telegram", externalId }, firstName: "Ирина", role: "buyer" }
          })
          const buyer = registered.json["id"] as UserId
          const asBuyer = yield* bearer(buyer)
          assert.strictEqual(
            (yield* call("GET", "/api/users/{id}/", 200, { headers: asBuyer, ids: { id: buyer } })).json["id"],
            buyer
          )
          const found = yield* call("GET", "/api/users/by_platform/", 200, {
            headers: service,
            query: `?platform=telegram&platform_user_id=${externalId}`
          })
          assert.strictEqual(found.json["user"]["id"], buyer)

          const organizer = yield* insertUser({ firstName: "Олег", role: "organizer" })
          const asOrganizer = yield* bearer(organizer)
          const created = yield* call("POST", "/api/procurements/", 201, {
            headers: asOrganizer,
            body: {
              title: "Мёд",
              description: "Алтайский",
              targetAmount: "100000",
              pricePerUnit: "10000",
              unit: "кг",
              deadline: new Date(Date.now() + 7 * 86_400_000).toISOString(),
              city: "Барнаул",
              publish: true
            }
          })
          const procurement = created.json["procurement"]["id"] as string
          const listed = yield* call("GET", "/api/procurements/", 200, { headers: asBuyer })
          assert.isAtLeast(listed.json["total"], 1)
          yield* call("POST", "/api/procurements/{id}/join/", 201, {
            headers: asBuyer,
            ids: { id: procurement },
            body: { quantity: 1 }
          })
          const mine = yield* call("GET", "/api/procurements/user/{user_id}/", 200, {
            headers: asBuyer,
            ids: { user_id: buyer }
          })
          assert.deepStrictEqual(
            mine.json["joined"].map((j: Json) => j["view"]["procurement"]["id"]),
            [procurement]
          )

          const deposit = yield* call("POST", "/api/payments/", 201, { headers: asBuyer, body: { amount: "50000" } })
          const payment = deposit.json["payment"]["id"] as string
          const status = yield* call("GET", "/api/payments/{id}/status/", 200, {
            headers: asBuyer,
            ids: { id: payment }
          })
          assert.strictEqual(status.json["status"], "PENDING")

          const sent = yield* call("POST", "/api/chat/messages/", 201, {
            headers: asBuyer,
            body: { procurementId: procurement, text: "Когда доставка?" }
          })
          const history = yield* call("GET", "/api/chat/messages/", 200, {
            headers: asOrganizer,
            query: `?procurement_id=${procurement}`
          })
          assert.include(
            history.json.map((m: Json) => m["id"]),
            sent.json["id"]
          )

          // the admin API
          yield* (yield* AdminSessions).createAdmin("spec@example.com", "a long admin password")
          const login = yield* call("POST", "/api/admin/auth/", 200, {
            body: { email: "spec@example.com", password: "a long admin password" }
          })
          const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!
          const admin = { cookie, [CSRF_HEADER]: login.json["csrfToken"] as string }
          assert.strictEqual(
            (yield* call("GET", "/api/admin/auth/", 200, { headers: admin })).json["admin"]["email"],
            "spec@example.com"
          )
          yield* call("GET", "/api/admin/dashboard/", 200, { headers: admin })
          yield* call("GET", "/api/admin/users/", 200, { headers: admin })
          const off = yield* call("POST", "/api/admin/users/{id}/toggle_active/", 200, {
            headers: admin,
            ids: { id: buyer }
          })
          assert.isFalse(off.json["isActive"])
          const on = yield* call("POST", "/api/admin/users/{id}/toggle_active/", 200, {
            headers: admin,
            ids: { id: buyer }
          })
          assert.isTrue(on.json["isActive"])
          const verified = yield* call("POST", "/api/admin/users/{id}/toggle_verified/", 200, {
            headers: admin,
            ids: { id: buyer }
          })
          assert.isTrue(verified.json["isVerified"])
          const credit = yield* call("POST", "/api/admin/users/{id}/update_balance/", 201, {
            headers: admin,
            ids: { id: buyer },
            body: { amount: "25000", reason: "компенсация" }
          })
          assert.strictEqual(credit.json["amount"], "25000")
          yield* call("GET", "/api/admin/procurements/", 200, { headers: admin })
          const featured = yield* call("POST", "/api/admin/procurements/{id}/toggle_featured/", 200, {
            headers: admin,
            ids: { id: procurement }
          })
          assert.isTrue(featured.json["procurement"]["isFeatured"])
          const stopped = yield* call("POST", "/api/admin/procurements/{id}/update_status/", 200, {
            headers: admin,
            ids: { id: procurement },
            body: { status: "STOPPED" }
          })
          assert.strictEqual(stopped.json["procurement"]["status"], "STOPPED")
          yield* call("GET", "/api/admin/payments/", 200, { headers: admin })
          yield* call("GET", "/api/admin/payments/summary/", 200, { headers: admin })
          yield* call("GET", "/api/admin/transactions/", 200, { headers: admin })
          yield* call("POST", "/api/admin/categories/", 201, { headers: admin, body: { name: "Мёд и пчелопродукты" } })
          yield* call("GET", "/api/admin/categories/", 200, { headers: admin })
          yield* call("GET", "/api/admin/messages/", 200, { headers: admin })
          const bulk = yield* call("POST", "/api/admin/notifications/send_bulk/", 201, {
            headers: admin,
            body: { title: "Новости", body: "Открыты новые закупки" }
          })
          assert.isAtLeast(bulk.json["count"], 2)
          yield* call("DELETE", "/api/admin/auth/", 204, { headers: admin })
          yield* call("GET", "/api/admin/auth/", 401, { headers: admin })

          assert.deepStrictEqual(
            TABLE.filter(([method, path]) => !called.has(`${method} ${path}`)),
            []
          )
          // and each is in the OpenAPI document, under its path without the trailing slash
          const spec = yield* Effect.promise(() =>
            fetch(`${base}/api/openapi.json`).then((r) => r.json() as Promise<Json>)
          )
          const documented = TABLE.filter(([method, path]) => {
            const key = path.replace(/\/$/, "").replace("{user_id}", "{userId}")
            return spec["paths"][key]?.[method.toLowerCase()] === undefined
          })
          assert.deepStrictEqual(documented, [])
        })
      )

      it.effect("every operation of /api/openapi.json has a summary and a description; money is kopeck strings", () =>
        Effect.gen(function* () {
          const base = yield* baseUrlOf
          const spec = yield* Effect.promise(() =>
            fetch(`${base}/api/openapi.json`).then((r) => r.json() as Promise<Json>)
          )
          const undocumented: Array<string> = []
          for (const [path, operations] of Object.entries<Json>(spec["paths"]))
            for (const [method, operation] of Object.entries<Json>(operations))
              if (!operation["summary"] || !operation["description"])
                undocumented.push(`${method.toUpperCase()} ${path} (${operation["operationId"]})`)
          assert.deepStrictEqual(undocumented, [])

          // every money field, wherever it appears, says it is kopecks as a string and shows an example
          const resolve = (schema: Json): Json =>
            typeof schema["$ref"] === "string"
              ? resolve(spec["components"]["schemas"][schema["$ref"].split("/").pop() ?? ""])
              : schema
          const undescribed: Array<string> = []
          const walk = (node: unknown, at: string): void => {
            if (node === null || typeof node !== "object") return
            const properties = (node as Json)["properties"]
            if (properties !== undefined && typeof properties === "object")
              for (const [name, property] of Object.entries<Json>(properties)) {
                if (!MONEY.has(name)) continue
                // a nullable amount is `anyOf: [the amount, null]`
                const declared = resolve(property)
                const money = Array.isArray(declared["anyOf"])
                  ? resolve(declared["anyOf"].find((member: Json) => member["type"] !== "null") ?? {})
                  : declared
                // a whole number of that name is a count (the shop's `available` stock), not money
                if (money["type"] === "integer") continue
                if (money["type"] !== "string" || !/kopecks/.test(money["description"] ?? "") || !money["examples"])
                  undescribed.push(`${at}.${name}`)
              }
            for (const [key, child] of Object.entries(node as Json)) walk(child, `${at}/${key}`)
          }
          walk(spec, "")
          assert.deepStrictEqual(undescribed, [])
        })
      )
    })
  })
}
