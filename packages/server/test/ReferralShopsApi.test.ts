/**
 * Referral bot shops over HTTP, on both databases, tokens checked against the fake Telegram server: a user opens a
 * shop (a wrong token refused with its sentence, the same token twice refused, nothing kept of the token in the
 * answer), lists it with its figures, pauses and resumes it; another user may not; an administrator lists every shop,
 * sets a commission of its own (a bad percentage refused) and blocks it (audited), after which the owner cannot resume
 * it; a deleted shop cannot change.
 */
import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { AuditFilter, AuditLog, CSRF_HEADER, GroupBuyApi } from "@groupbuy/core"
import { coreProfiles, insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { adminLogin } from "./utils/AppHarness.js"
import { TestServer, userClient } from "./utils/TestServer.js"

const telegram = await FakeTelegram.start({ limits: false })
afterAll(() => telegram.close())

const codeOf = (error: unknown) => (error as { readonly code?: string }).code

for (const [index, profile] of coreProfiles().entries()) {
  describe(`referral shops over HTTP (${profile.name})`, () => {
    it.layer(TestServer(profile.layer, { telegramApiRoot: Option.some(telegram.apiRoot) }), {
      timeout: "120 seconds"
    })((it) => {
      it.effect("the owner opens, lists, pauses and resumes; an admin sets the commission and blocks", () =>
        Effect.gen(function* () {
          const TOKEN = `74000000${index}1:shops-api-token`
          telegram.addBot(TOKEN, { username: `shops_api_${index}_bot` })
          const owner = yield* insertUser({ firstName: "Ольга" })
          const other = yield* insertUser({ firstName: "Пётр" })
          const api = yield* userClient(owner)
          const open = (token: string) =>
            api.referralShops.openShop({
              path: { id: owner },
              payload: { platform: "telegram", token: Redacted.make(token), name: " Чайная ", greeting: "Привет" }
            })

          const wrong = yield* Effect.flip(open(`74000000${index}9:nobody-has-it`))
          assert.strictEqual(codeOf(wrong), "bot.token-invalid")
          const shop = yield* open(TOKEN)
          assert.deepInclude(shop, { name: "Чайная", status: "active", username: `shops_api_${index}_bot`, sales: 0 })
          assert.notInclude(
            JSON.stringify(shop, (_, v) => (typeof v === "bigint" ? String(v) : v)),
            "shops-api-token"
          )
          assert.strictEqual(codeOf(yield* Effect.flip(open(TOKEN))), "bot.token-in-use")

          const mine = yield* api.referralShops.ownShops({ path: { id: owner } })
          assert.deepStrictEqual(
            mine.map((s) => s.id),
            [shop.id]
          )
          const paused = yield* api.referralShops.setOwnShopStatus({
            path: { id: owner, shopId: shop.id },
            payload: { status: "paused" }
          })
          assert.strictEqual(paused.status, "paused")

          // somebody else may neither read nor change it
          const stranger = yield* userClient(other)
          const forbidden = yield* Effect.flip(stranger.referralShops.ownShops({ path: { id: owner } }))
          assert.strictEqual(forbidden._tag, "Forbidden")
          const notTheirs = yield* Effect.flip(
            stranger.referralShops.setOwnShopStatus({
              path: { id: other, shopId: shop.id },
              payload: { status: "active" }
            })
          )
          assert.strictEqual(notTheirs._tag, "Forbidden")

          // the administrators
          const root = yield* insertUser({ firstName: "Рита", isAdmin: true })
          const { cookie, csrfToken } = yield* adminLogin("", `shops-${index}@example.com`, root)
          const admin = yield* HttpApiClient.make(GroupBuyApi, {
            transformClient: HttpClient.mapRequest(HttpClientRequest.setHeaders({ cookie, [CSRF_HEADER]: csrfToken }))
          })
          const listed = yield* admin.adminReferralShops.referralShops()
          assert.include(
            listed.map((s) => s.id),
            shop.id
          )
          const badPercent = yield* Effect.flip(
            admin.adminReferralShops.updateReferralShop({
              path: { id: shop.id },
              payload: { commissionPercent: "150" }
            })
          )
          assert.strictEqual(codeOf(badPercent), "shop.invalid-commission")
          const overridden = yield* admin.adminReferralShops.updateReferralShop({
            path: { id: shop.id },
            payload: { commissionPercent: "12.5" }
          })
          assert.strictEqual(overridden.commissionPercent, "12.50")
          const blocked = yield* admin.adminReferralShops.updateReferralShop({
            path: { id: shop.id },
            payload: { status: "blocked" }
          })
          assert.strictEqual(blocked.status, "blocked")
          const audit = yield* (yield* AuditLog).list(new AuditFilter({ targetType: "referral_shop" }))
          assert.sameMembers(
            audit.items.map((e) => e.action),
            ["referral_shop.commission", "referral_shop.status"]
          )
          const resume = yield* Effect.flip(
            api.referralShops.setOwnShopStatus({ path: { id: owner, shopId: shop.id }, payload: { status: "active" } })
          )
          assert.strictEqual(codeOf(resume), "shop.blocked")

          // the owner may still delete it; then nothing changes it any more
          yield* api.referralShops.setOwnShopStatus({
            path: { id: owner, shopId: shop.id },
            payload: { status: "deleted" }
          })
          assert.deepStrictEqual(yield* api.referralShops.ownShops({ path: { id: owner } }), [])
          const gone = yield* Effect.flip(
            admin.adminReferralShops.updateReferralShop({ path: { id: shop.id }, payload: { status: "active" } })
          )
          assert.strictEqual(codeOf(gone), "shop.deleted")
          const unknown = yield* Effect.flip(
            admin.adminReferralShops.updateReferralShop({
              path: { id: "00000000-0000-4000-8000-000000000000" },
              payload: { status: "active" }
            })
          )
          assert.strictEqual(unknown._tag, "NotFound")
        })
      )
    })
  })
}
