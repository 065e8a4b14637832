import { OpenApi } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { CommaSeparated, GroupBuyApi, ProcurementListParams, ProcurementStatus } from "@groupbuy/core"

describe("GroupBuyApi contract", () => {
  const spec = OpenApi.fromApi(GroupBuyApi)

  it("documents every endpoint the issue asks for under /api", () => {
    const paths = Object.keys(spec.paths)
    for (const expected of [
      "/api/users",
      "/api/users/{id}",
      "/api/users/by-identity/{platform}/{externalId}",
      "/api/procurements",
      "/api/procurements/{id}",
      "/api/procurements/{id}/join",
      "/api/procurements/{id}/leave",
      "/api/procurements/{id}/status",
      "/api/procurements/{id}/participants",
      "/api/users/{userId}/procurements",
      "/api/payments/deposits",
      "/api/payments/{id}",
      "/api/procurements/{id}/messages",
      "/api/messages/{id}",
      "/api/notifications",
      "/api/notifications/read",
      "/api/categories",
      "/api/auth/web-login",
      "/api/admin/login",
      "/api/admin/logout",
      "/api/admin/status",
      "/api/admin/dashboard",
      "/api/admin/users/{id}/balance",
      "/api/admin/notifications/bulk",
      "/api/admin/messages/{id}/restore"
    ]) {
      assert.include(paths, expected)
    }
  })

  it("declares bearer security on the user API and cookie security on the admin API", () => {
    const join = spec.paths["/api/procurements/{id}/join"]?.post
    assert.deepStrictEqual(join?.security, [{ bearer: [] }])
    const dashboard = spec.paths["/api/admin/dashboard"]?.get
    assert.deepStrictEqual(dashboard?.security, [{ session: [] }])
    assert.isUndefined(spec.paths["/api/categories"]?.get?.security?.[0])
  })

  it("maps domain errors to their HTTP statuses", () => {
    const responses = spec.paths["/api/procurements/{id}/join"]?.post?.responses ?? {}
    assert.containsAllKeys(responses, ["201", "400", "401", "403", "404", "409"])
  })

  it("parses comma-separated status filters and refuses unknown statuses", () => {
    const decode = Schema.decodeUnknownEither(ProcurementListParams)
    const ok = decode({ status: "ACTIVE,STOPPED", limit: "10", featured: "true" })
    assert.isTrue(ok._tag === "Right")
    if (ok._tag === "Right") {
      assert.deepStrictEqual(ok.right.status, ["ACTIVE", "STOPPED"])
      assert.strictEqual(ok.right.limit, 10)
      assert.strictEqual(ok.right.featured, true)
    }
    assert.isTrue(decode({ status: "ACTIVE,NOPE" })._tag === "Left")
    assert.isTrue(decode({ limit: "1000" })._tag === "Left")
    const roundTrip = Schema.encodeSync(CommaSeparated(ProcurementStatus))(["DRAFT", "ACTIVE"])
    assert.strictEqual(roundTrip, "DRAFT,ACTIVE")
  })
})
