import { HttpServer } from "@effect/platform"
import { BodyLimits, kopecks, maxJsonDepth, type UserId } from "@groupbuy/core"
import { coreProfiles, insertParticipant, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { request as httpRequest } from "node:http"
import type { AddressInfo } from "node:net"
import { UserTokens } from "../src/auth/UserTokens.js"
import { nestsDeeperThan } from "../src/http/RequestBodies.js"
import { SERVICE_TOKEN, TestServer, userClient } from "./utils/TestServer.js"

type Outcome =
  | { readonly _tag: "Answer"; readonly status: number; readonly body: string }
  | { readonly _tag: "Cut"; readonly error: string }

/**
 * A raw request on loopback: `body` is sent as given (`Content-Length` when `declaredLength` is set, else chunked),
 * `chunks` times; the outcome is the answer or the connection cut before one.
 */
const send = (options: {
  readonly method?: string
  readonly path: string
  readonly headers?: Record<string, string>
  readonly body?: string
  readonly chunks?: number
  readonly declaredLength?: number
}) =>
  Effect.flatMap(HttpServer.HttpServer, (server) =>
    Effect.async<Outcome>((resume) => {
      const { port } = server.address as unknown as AddressInfo
      let done = false
      const finish = (outcome: Outcome) => {
        if (done) return
        done = true
        resume(Effect.succeed(outcome))
      }
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: options.path,
          method: options.method ?? "POST",
          headers: {
            ...options.headers,
            ...(options.declaredLength === undefined ? {} : { "content-length": String(options.declaredLength) })
          }
        },
        (res) => {
          let body = ""
          res.setEncoding("utf8")
          res.on("data", (chunk: string) => (body += chunk))
          res.on("end", () => finish({ _tag: "Answer", status: res.statusCode ?? 0, body }))
          res.on("error", (e) => finish({ _tag: "Cut", error: String(e) }))
        }
      )
      req.on("error", (e) => finish({ _tag: "Cut", error: String(e) }))
      const body = options.body ?? ""
      const chunks = options.chunks ?? 1
      // write with back-pressure so that a server that stops reading is noticed, not buffered on this side
      let written = 0
      const writeMore = () => {
        while (written < chunks && !done) {
          written++
          if (!req.write(body)) return void req.once("drain", writeMore)
        }
        if (options.declaredLength === undefined || options.declaredLength === Buffer.byteLength(body) * chunks)
          req.end()
      }
      writeMore()
      return Effect.sync(() => req.destroy())
    })
  )

const json = { "content-type": "application/json" }
const answer = (outcome: Outcome) => {
  if (outcome._tag !== "Answer") throw new Error(`the connection was cut: ${outcome.error}`)
  return { ...outcome, json: outcome.body === "" ? undefined : (JSON.parse(outcome.body) as Record<string, unknown>) }
}

const future = () => new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString()

/** A valid creation body (JSON as a client sends it). */
const procurementBody = (overrides: Record<string, unknown> = {}) => ({
  title: "Мёд с пасеки",
  description: "Липовый мёд",
  targetAmount: "1000000",
  pricePerUnit: "50000",
  unit: "банка",
  deadline: future(),
  city: "Казань",
  publish: true,
  ...overrides
})

const bearer = (userId: UserId) =>
  Effect.map(
    Effect.flatMap(UserTokens, (tokens) => tokens.issue(userId)),
    (t) => ({ ...json, authorization: `Bearer ${t.token}` })
  )

describe("nestsDeeperThan", () => {
  it("counts brackets outside strings only", () => {
    assert.isFalse(nestsDeeperThan(`{"a":[1,{"b":"[[[[[[["}]}`, 3))
    assert.isTrue(nestsDeeperThan(`{"a":[1,{"b":[]}]}`, 3))
    assert.isFalse(nestsDeeperThan(`{"a":"\\"[[[[","b":[]}`, 2))
    assert.isTrue(nestsDeeperThan("[".repeat(10_000) + "]".repeat(10_000), maxJsonDepth))
  })
})

for (const profile of coreProfiles()) {
  describe(`HTTP edge on ${profile.name}`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect(
        "a declared body over the limit is refused with 413 before it is read (50 MiB to /api/chat/token)",
        () =>
          Effect.gen(function* () {
            // only the first 64 KiB are ever sent: the answer comes before the rest of the body
            const chatToken = answer(
              yield* send({
                path: "/api/chat/token",
                headers: json,
                body: `{"previous":"${"a".repeat(64 * 1024)}`,
                declaredLength: 50 * 1024 * 1024
              })
            )
            assert.strictEqual(chatToken.status, 413)
            assert.deepStrictEqual(chatToken.json, { _tag: "PayloadTooLarge", limit: BodyLimits.signIn })

            // other endpoints take up to 1 MiB
            const user = yield* insertUser({ role: "organizer" })
            const auth = yield* bearer(user)
            const twoMiB = JSON.stringify(procurementBody({ description: "я".repeat(BodyLimits.default) }))
            const tooBig = answer(
              yield* send({
                path: "/api/procurements",
                headers: auth,
                body: twoMiB,
                declaredLength: Buffer.byteLength(twoMiB)
              })
            )
            assert.strictEqual(tooBig.status, 413)
            assert.deepStrictEqual(tooBig.json, { _tag: "PayloadTooLarge", limit: BodyLimits.default })
            const fits = answer(
              yield* send({ path: "/api/procurements", headers: auth, body: JSON.stringify(procurementBody()) })
            )
            assert.strictEqual(fits.status, 201)
            // a small sign-in body still passes
            const token = answer(yield* send({ path: "/api/chat/token", headers: json, body: "{}" }))
            assert.strictEqual(token.status, 200)
          })
      )

      it.effect("a chunked body is refused with 413 once it passes the limit, and the server keeps serving", () =>
        Effect.gen(function* () {
          // 64 chunks of 64 KiB without Content-Length: 4 MiB against the 16 KiB of a sign-in endpoint
          const oversize = answer(
            yield* send({ path: "/api/chat/token", headers: json, body: "a".repeat(64 * 1024), chunks: 64 })
          )
          assert.strictEqual(oversize.status, 413)
          assert.deepStrictEqual(oversize.json, { _tag: "PayloadTooLarge", limit: BodyLimits.signIn })
          // routes outside the API too (2 MiB against 1 MiB)
          const webhook = answer(
            yield* send({
              path: "/api/payments/webhook/sandbox",
              headers: { "content-type": "text/plain" },
              body: "a".repeat(64 * 1024),
              chunks: 32
            })
          )
          assert.strictEqual(webhook.status, 413)
          // chunked bodies within the limit are read as usual, JSON and forms alike
          const small = answer(yield* send({ path: "/api/chat/token", headers: json, body: '{"previous":', chunks: 1 }))
          assert.strictEqual(small.status, 400)
          const token = answer(yield* send({ path: "/api/chat/token", headers: json, body: "{}", chunks: 1 }))
          assert.strictEqual(token.status, 200)
          const user = yield* insertUser({ role: "organizer" })
          const created = answer(
            yield* send({
              path: "/api/procurements",
              headers: yield* bearer(user),
              body: JSON.stringify(procurementBody({ description: "мёд ".repeat(1_200) }))
            })
          )
          assert.strictEqual(created.status, 201)
          assert.strictEqual((created.json?.["procurement"] as { description: string }).description.length, 4_799)
        })
      )

      it.effect("JSON nested 10,000 deep is 400, not 500", () =>
        Effect.gen(function* () {
          const user = yield* insertUser({ role: "organizer" })
          const auth = yield* bearer(user)
          const deep = "[".repeat(10_000) + "]".repeat(10_000)
          const array = answer(yield* send({ path: "/api/procurements", headers: auth, body: deep }))
          assert.strictEqual(array.status, 400)
          assert.strictEqual(array.json?.["_tag"], "HttpApiDecodeError")
          // the schema library's words stay in `detail`; `message` is the sentence in the request's language
          assert.include(String(array.json?.["detail"]), `deeper than ${maxJsonDepth}`)
          assert.strictEqual(
            array.json?.["message"],
            `Запрос не принят: тело запроса (JSON) вложено глубже ${maxJsonDepth} уровней.`
          )
          const deepObject = `{"title":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`
          const object = answer(yield* send({ path: "/api/procurements", headers: auth, body: deepObject }))
          assert.strictEqual(object.status, 400)
          // an anonymous endpoint (16 KiB) with 8,000 levels
          const anonymous = answer(
            yield* send({ path: "/api/chat/token", headers: json, body: "[".repeat(8_000) + "]".repeat(8_000) })
          )
          assert.strictEqual(anonymous.status, 400)
          assert.strictEqual(anonymous.json?.["_tag"], "HttpApiDecodeError")
          // without a token the body is never parsed: 401 first
          const unauthenticated = answer(yield* send({ path: "/api/procurements", headers: json, body: deep }))
          assert.strictEqual(unauthenticated.status, 401)
          // ordinary nesting and malformed JSON are unchanged
          const malformed = answer(yield* send({ path: "/api/procurements", headers: auth, body: "{" }))
          assert.strictEqual(malformed.status, 400)
          const fine = answer(yield* send({ path: "/api/chat/token", headers: json, body: '{"previous":"[[[[{{{{"}' }))
          assert.notStrictEqual(fine.status, 500)
        })
      )

      it.effect("multipart (or any non-JSON body) on the API is 415, not 500 — /api/admin/login included", () =>
        Effect.gen(function* () {
          const fields =
            '--XX\r\ncontent-disposition: form-data; name="email"\r\n\r\nroot@example.com\r\n' +
            '--XX\r\ncontent-disposition: form-data; name="password"; filename="p.txt"\r\n\r\nsecret\r\n--XX--\r\n'
          for (const [contentType, body] of [
            ["multipart/form-data; boundary=XX", fields],
            ["multipart/form-data; boundary=XX", "garbage"],
            ["multipart/form-data", "no boundary"],
            ["application/x-www-form-urlencoded", "email=a&password=b"],
            ["text/plain", "hello"]
          ] as const) {
            const refused = answer(
              yield* send({ path: "/api/admin/login", headers: { "content-type": contentType }, body })
            )
            assert.strictEqual(refused.status, 415, contentType)
            assert.strictEqual(refused.json?.["_tag"], "UnsupportedMediaType")
          }
          // JSON with a charset is JSON; bodiless requests need no content type
          const wrong = answer(
            yield* send({
              path: "/api/admin/login",
              headers: { "content-type": "application/json; charset=utf-8" },
              body: JSON.stringify({ email: "nobody@example.com", password: "wrong password" })
            })
          )
          assert.strictEqual(wrong.status, 401)
          const logout = answer(yield* send({ path: "/api/admin/logout" }))
          assert.notStrictEqual(logout.status, 415)
          assert.isBelow(logout.status, 500)
        })
      )

      it.effect("procurement texts with a NUL byte are 400 naming the field; a stop amount below the target too", () =>
        Effect.gen(function* () {
          const user = yield* insertUser({ role: "organizer" })
          const auth = yield* bearer(user)
          const nul = answer(
            yield* send({
              path: "/api/procurements",
              headers: auth,
              body: JSON.stringify(procurementBody({ title: "Мёд\u0000", unit: "бан\u0007ка" }))
            })
          )
          assert.strictEqual(nul.status, 400)
          assert.strictEqual(nul.json?.["_tag"], "InvalidInput")
          const issues = nul.json?.["issues"] as ReadonlyArray<{ path: string; code: string }>
          assert.deepStrictEqual(
            issues.map((i) => `${i.path}:${i.code}`),
            ["title:text.control-characters", "unit:text.control-characters"]
          )

          // a search for a NUL byte finds nothing (it used to fail in PostgreSQL: 500)
          const search = answer(
            yield* send({ method: "GET", path: "/api/procurements?query=%00a&city=%00", headers: auth })
          )
          assert.strictEqual(search.status, 200)
          assert.strictEqual(search.json?.["total"], 0)

          // stopped by itself at 5 % of its goal: refused, as the bot refuses it
          const client = yield* userClient(user)
          const low = yield* client.procurements
            .create({
              payload: {
                ...procurementBody(),
                deadline: DateTime.unsafeMake(future()),
                targetAmount: kopecks(1_000_000),
                pricePerUnit: kopecks(50_000),
                stopAtAmount: kopecks(50_000),
                publish: true
              }
            })
            .pipe(Effect.flip)
          assert.strictEqual(low._tag, "InvalidInput")
          assert.deepStrictEqual(low._tag === "InvalidInput" ? low.issues.map((i) => i.code) : [], [
            "stop-at.below-target"
          ])
        })
      )

      it.effect("PATCH refuses unknown fields with a 400 that names them; known fields still apply", () =>
        Effect.gen(function* () {
          const user = yield* insertUser({ role: "organizer" })
          const auth = yield* bearer(user)
          const created = answer(
            yield* send({ path: "/api/procurements", headers: auth, body: JSON.stringify(procurementBody()) })
          )
          const id = (created.json?.["procurement"] as { id: string }).id
          const refused = answer(
            yield* send({
              method: "PATCH",
              path: `/api/procurements/${id}`,
              headers: auth,
              body: JSON.stringify({ title: "Новое название", pricePerUnit: "1" })
            })
          )
          assert.strictEqual(refused.status, 400)
          assert.strictEqual(refused.json?.["_tag"], "HttpApiDecodeError")
          assert.include(String(refused.json?.["message"]), "pricePerUnit")
          const issues = refused.json?.["issues"] as ReadonlyArray<{ path: ReadonlyArray<string> }>
          assert.deepStrictEqual(
            issues.map((i) => i.path),
            [["pricePerUnit"]]
          )
          const client = yield* userClient(user)
          const unchanged = yield* client.procurements.get({ path: { id: id as never } })
          assert.strictEqual(unchanged.procurement.title, "Мёд с пасеки")
          assert.strictEqual(unchanged.procurement.pricePerUnit, 50_000n)

          const applied = answer(
            yield* send({
              method: "PATCH",
              path: `/api/procurements/${id}`,
              headers: auth,
              body: JSON.stringify({ title: "Новое название" })
            })
          )
          assert.strictEqual(applied.status, 200)
          // creation refuses unknown fields too (a misspelt stop amount must not pass for none)
          const misspelt = answer(
            yield* send({
              path: "/api/procurements",
              headers: auth,
              body: JSON.stringify(procurementBody({ stopAt: "1000000" }))
            })
          )
          assert.strictEqual(misspelt.status, 400)
          assert.include(String(misspelt.json?.["message"]), "stopAt")
        })
      )

      it.effect("the OpenAPI document states the refusals and the closed procurement bodies", () =>
        Effect.gen(function* () {
          const spec = answer(yield* send({ method: "GET", path: "/api/openapi.json" })).json as {
            paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
            components: { schemas: Record<string, { additionalProperties?: unknown }> }
          }
          const patch = spec.paths["/api/procurements/{id}"]?.["patch"]
          assert.includeMembers(Object.keys(patch?.responses ?? {}), ["400", "413", "415"])
          assert.includeMembers(
            Object.keys(spec.paths["/api/procurements/{id}/participants"]?.["get"]?.responses ?? {}),
            ["403"]
          )
          assert.strictEqual(spec.components.schemas["UpdateProcurementBody"]?.additionalProperties, false)
        })
      )

      it.effect("participants are listed to the organizer, members, admins and the service only", () =>
        Effect.gen(function* () {
          const organizer = yield* insertUser({ role: "organizer" })
          const buyer = yield* insertUser({ firstName: "Покупатель" })
          const leaver = yield* insertUser()
          const outsider = yield* insertUser()
          const admin = yield* insertUser({ isAdmin: true })
          const id = yield* insertProcurement(organizer)
          yield* insertParticipant(id, buyer)
          yield* insertParticipant(id, leaver, "CANCELLED")
          const path = `/api/procurements/${id}/participants`
          const statusFor = (headers: Record<string, string>) =>
            Effect.map(send({ method: "GET", path, headers }), (o) => answer(o).status)

          assert.strictEqual(yield* statusFor(yield* bearer(outsider)), 403)
          assert.strictEqual(yield* statusFor(yield* bearer(leaver)), 403)
          assert.strictEqual(yield* statusFor({}), 401)
          for (const allowed of [organizer, buyer, admin]) {
            assert.strictEqual(yield* statusFor(yield* bearer(allowed)), 200)
          }
          assert.strictEqual(yield* statusFor({ authorization: `Bearer ${SERVICE_TOKEN}` }), 200)
          const list = answer(yield* send({ method: "GET", path, headers: yield* bearer(buyer) }))
          assert.strictEqual((list.json as unknown as ReadonlyArray<unknown>).length, 2)
          // the typed client sees the refusal as Forbidden
          const asOutsider = yield* userClient(outsider)
          const refused = yield* asOutsider.procurements.participants({ path: { id } }).pipe(Effect.flip)
          assert.strictEqual(refused._tag, "Forbidden")
        })
      )
    })
  })
}
