/**
 * The WhatsApp login through the admin API, on the whole platform (`AppLive`: HTTP server, router, bots) with
 * `WHATSAPP_ENABLED` and a fake baileys socket: the QR code and the pairing code the adapter shows are what the admin
 * API returns; logout clears the auth state kept in the database and login starts over; every change is audited.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { FakeWhatsApp, textFrom } from "@groupbuy/adapters/testing"
import { AuditFilter, AuditLog, CSRF_HEADER, KeyValue } from "@groupbuy/core"
import { coreProfiles } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { WhatsAppSocketFactory } from "../src/bots/WhatsAppAccounts.js"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { AppLive } from "../src/Server.js"
import { adminLogin, baseUrlOf, eventually, expectNow } from "./utils/AppHarness.js"
import { testSettings } from "./utils/TestServer.js"

const NAMESPACE = "whatsapp-auth:whatsapp"

// one profile: the adapter allows one runner per account in a process, and the suites of a file may overlap; the last
// profile is PostgreSQL whenever TEST_DATABASE_URL is set (always in CI), else PGlite
const profile = coreProfiles().at(-1)!
{
  const fake = new FakeWhatsApp()
  const layer = Layer.fresh(
    AppLive.pipe(
      Layer.provide(Layer.succeed(WhatsAppSocketFactory, { makeSocket: fake.makeSocket })),
      Layer.provideMerge(profile.layer),
      Layer.provideMerge(Layer.succeed(ServerConfig, testSettings({ whatsapp: true, host: "127.0.0.1" })))
    )
  )

  describe(`admin API: WhatsApp login (${profile.name})`, () => {
    // the real clock: the adapter and the HTTP server run on their own fibers
    layerOf(layer, { timeout: "180 seconds", excludeTestServices: true })((it) => {
      it.effect(
        "QR code, pairing code, open, logout (auth state cleared) and login again, audited; CSRF and bad input refused",
        () =>
          Effect.gen(function* () {
            const baseUrl = yield* baseUrlOf
            const { admin, anonymous, cookie, csrfToken, noCsrf } = yield* adminLogin(baseUrl, "wa@example.com")
            const http = yield* HttpClient.HttpClient

            // the account is listed while it connects; nobody without a session sees it
            assert.strictEqual((yield* anonymous.whatsappAccounts().pipe(Effect.flip))._tag, "Unauthorized")
            const listed = yield* admin.whatsappAccounts()
            assert.deepStrictEqual(
              listed.map((a) => a.account),
              ["whatsapp"]
            )
            assert.strictEqual(fake.sockets.length, 1)

            // WhatsApp shows a QR code: the admin API returns it, also rendered as SVG
            fake.current.showQr("2@qr-payload-one,abc,def")
            const qr = yield* eventually(
              Effect.tap(admin.whatsappAccount({ path: { account: "whatsapp" } }), (s) =>
                expectNow(
                  () => s.state === "awaiting_qr",
                  () => `state ${s.state}`
                )
              )
            )
            assert.strictEqual(qr.qr, "2@qr-payload-one,abc,def")
            assert.match(qr.qrSvg ?? "", /^<svg[\s\S]*<\/svg>\s*$/)

            // a pairing code instead: needs the CSRF header, a plausible phone, and reaches the socket as digits
            const forbidden = yield* noCsrf
              .whatsappPairingCode({ path: { account: "whatsapp" }, payload: { phone: "+7 912 345-67-89" } })
              .pipe(Effect.flip)
            assert.strictEqual(forbidden._tag, "Forbidden")
            const badPhone = yield* http.execute(
              HttpClientRequest.post(`${baseUrl}/api/admin/whatsapp/whatsapp/pairing-code`).pipe(
                HttpClientRequest.setHeaders({ cookie, [CSRF_HEADER]: csrfToken }),
                HttpClientRequest.bodyUnsafeJson({ phone: "12-34" })
              )
            )
            assert.strictEqual(badPhone.status, 400)
            assert.include(JSON.stringify(yield* badPhone.json), "10–15 digits")
            const unknown = yield* admin.whatsappAccount({ path: { account: "nope" } }).pipe(Effect.flip)
            assert.strictEqual(unknown._tag, "NotFound")
            const pairing = yield* admin.whatsappPairingCode({
              path: { account: "whatsapp" },
              payload: { phone: "+7 912 345-67-89" }
            })
            assert.deepStrictEqual(pairing, { phone: "79123456789", code: "ABCD-1234" })
            assert.deepStrictEqual(fake.current.pairingRequests, ["79123456789"])
            const awaiting = yield* admin.whatsappAccount({ path: { account: "whatsapp" } })
            assert.strictEqual(awaiting.state, "awaiting_pairing_code")
            assert.deepStrictEqual(awaiting.pairing, { phone: "79123456789", code: "ABCD-1234" })

            // linked: the creds are saved in the database, messages flow through the router
            fake.current.updateCreds({ registered: true })
            fake.current.open()
            yield* eventually(
              Effect.tap(admin.whatsappAccount({ path: { account: "whatsapp" } }), (s) =>
                expectNow(
                  () => s.state === "open",
                  () => `state ${s.state}`
                )
              )
            )
            const kv = yield* KeyValue
            yield* eventually(
              Effect.flatMap(kv.keys(NAMESPACE), (keys) =>
                expectNow(
                  () => keys.length > 0,
                  () => "no creds saved"
                )
              )
            )
            const linkedAgain = yield* admin
              .whatsappPairingCode({ path: { account: "whatsapp" }, payload: { phone: "+7 912 345-67-89" } })
              .pipe(Effect.flip)
            assert.strictEqual(linkedAgain._tag, "RuleViolation")
            fake.current.receive(textFrom("79990001122", "/start"))
            yield* eventually(
              expectNow(
                () => fake.current.sent.length > 0,
                () => "no reply to /start"
              )
            )
            assert.strictEqual(fake.current.sent[0]!.jid, "79990001122@s.whatsapp.net")
            const opened = yield* admin.whatsappAccount({ path: { account: "whatsapp" } })
            assert.isAtLeast(opened.outbound.sent, 1)

            // logout unlinks the device and forgets the auth state; login starts over with a new socket and QR
            yield* admin.whatsappLogout({ path: { account: "whatsapp" } })
            yield* eventually(
              Effect.tap(admin.whatsappAccount({ path: { account: "whatsapp" } }), (s) =>
                expectNow(
                  () => s.state === "logged_out",
                  () => `state ${s.state}`
                )
              )
            )
            assert.deepStrictEqual(yield* kv.keys(NAMESPACE), [])
            assert.strictEqual(fake.sockets.length, 1, "no reconnect after a logout")
            const notConnected = yield* admin.whatsappLogout({ path: { account: "whatsapp" } }).pipe(Effect.flip)
            assert.strictEqual(notConnected._tag, "RuleViolation")
            const restarted = yield* admin.whatsappLogin({ path: { account: "whatsapp" } })
            assert.include(["connecting", "awaiting_qr"], restarted.state)
            yield* eventually(
              expectNow(
                () => fake.sockets.length === 2,
                () => `${fake.sockets.length} sockets`
              )
            )
            assert.strictEqual(fake.maxAlive, 1, "never two sockets for one account")
            fake.current.showQr("2@qr-payload-two")
            const second = yield* eventually(
              Effect.tap(admin.whatsappAccount({ path: { account: "whatsapp" } }), (s) =>
                expectNow(
                  () => s.state === "awaiting_qr",
                  () => `state ${s.state}`
                )
              )
            )
            assert.strictEqual(second.qr, "2@qr-payload-two")

            const audit = yield* AuditLog
            const entries = yield* audit.list(new AuditFilter({ limit: 100, targetType: "whatsapp_account" }))
            assert.sameMembers(
              entries.items.map((e) => e.action),
              ["whatsapp.pairing_code", "whatsapp.logout", "whatsapp.login"]
            )
          }).pipe(Effect.provide(FetchHttpClient.layer)),
        { timeout: 120_000 }
      )
    })
  })
}
