import { HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { AttachmentInfo, AttachmentLinks, BodyLimits, PostMessageBody, type UserId } from "@groupbuy/core"
import { coreProfiles, insertParticipant, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { Effect, Schema } from "effect"
import { UserTokens } from "../src/auth/UserTokens.js"
import { contentDisposition } from "../src/http/AttachmentResponse.js"
import { TestServer, userClient } from "./utils/TestServer.js"

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
const PDF = new TextEncoder().encode("%PDF-1.4\n%%EOF\n")

const bearer = (userId: UserId) =>
  Effect.flatMap(UserTokens, (tokens) => Effect.map(tokens.issue(userId), (t) => `Bearer ${t.token}`))

/** A multipart upload as a browser sends it. */
const upload = (procurementId: string, auth: string | undefined, content: Uint8Array, name: string, type: string) =>
  Effect.gen(function* () {
    const form = new FormData()
    // as the cabinet sends it: the part's file name in ASCII, the real one as a field
    form.append("name", name)
    form.append("file", new Blob([new Uint8Array(content)], { type }), "upload")
    const request = HttpClientRequest.post(`/api/procurements/${procurementId}/attachments`).pipe(
      HttpClientRequest.bodyFormData(form),
      auth === undefined ? (r) => r : HttpClientRequest.setHeader("authorization", auth)
    )
    return yield* (yield* HttpClient.HttpClient).execute(request)
  })

const download = (id: string, auth: string | undefined, headers: Record<string, string> = {}) =>
  Effect.flatMap(HttpClient.HttpClient, (http) =>
    http.execute(
      HttpClientRequest.get(`/api/attachments/${id}`).pipe(
        HttpClientRequest.setHeaders(auth === undefined ? headers : { ...headers, authorization: auth })
      )
    )
  )

describe("Content-Disposition", () => {
  it("keeps the exact name in filename* and an ASCII one in filename", () => {
    assert.strictEqual(
      contentDisposition('мёд "прайс";.pdf', false),
      `attachment; filename="___ ________.pdf"; filename*=UTF-8''%D0%BC%D1%91%D0%B4%20%22%D0%BF%D1%80%D0%B0%D0%B9%D1%81%22%3B.pdf`
    )
    assert.isTrue(contentDisposition("a.png", true).startsWith('inline; filename="a.png"'))
  })
})

for (const profile of coreProfiles()) {
  describe(`chat files over HTTP on ${profile.name}`, () => {
    it.layer(TestServer(profile.layer), { timeout: "120 seconds" })((it) => {
      const scene = Effect.gen(function* () {
        const organizer = yield* insertUser({ role: "organizer" })
        const participant = yield* insertUser()
        const outsider = yield* insertUser()
        const procurement = yield* insertProcurement(organizer)
        yield* insertParticipant(procurement, participant, "CONFIRMED")
        return { organizer, participant, outsider, procurement }
      })

      it.effect("a member uploads an image, sends it, and members download it with safe headers", () =>
        Effect.gen(function* () {
          const s = yield* scene
          const uploaded = yield* upload(s.procurement, yield* bearer(s.participant), PNG, "../фото.png", "image/png")
          assert.strictEqual(uploaded.status, 201, yield* uploaded.text)
          const info = yield* Schema.decodeUnknown(AttachmentInfo)(yield* uploaded.json)
          assert.strictEqual(info.name, "фото.png")
          assert.strictEqual(info.contentType, "image/png")

          const client = yield* userClient(s.participant)
          const message = yield* client.chat.post({
            path: { id: s.procurement },
            payload: new PostMessageBody({ text: "Вот мёд", attachmentId: info.id })
          })
          assert.strictEqual(message.type, "IMAGE")
          assert.deepStrictEqual(message.attachment, info)

          const got = yield* download(info.id, yield* bearer(s.organizer))
          assert.strictEqual(got.status, 200)
          assert.deepStrictEqual([...new Uint8Array(yield* got.arrayBuffer)], [...PNG])
          assert.strictEqual(got.headers["content-type"], "image/png")
          assert.strictEqual(
            got.headers["content-disposition"],
            `inline; filename="____.png"; filename*=UTF-8''%D1%84%D0%BE%D1%82%D0%BE.png`
          )
          assert.strictEqual(got.headers["x-content-type-options"], "nosniff")
          assert.strictEqual(
            got.headers["content-security-policy"],
            "default-src 'none'; frame-ancestors 'none'; sandbox"
          )
          assert.strictEqual(got.headers["cache-control"], "private, max-age=3600")
          const etag = got.headers["etag"]!
          const again = yield* download(info.id, yield* bearer(s.organizer), { "if-none-match": etag })
          assert.strictEqual(again.status, 304)

          // the link a messenger member gets opens the file without a session, for that member and that file only
          const links = yield* AttachmentLinks
          const http = yield* HttpClient.HttpClient
          const pathOf = (url: string) => url.slice(url.indexOf("/api/"))
          const shared = yield* http.get(pathOf(yield* links.link(info.id, s.organizer)))
          assert.strictEqual(shared.status, 200)
          assert.deepStrictEqual([...new Uint8Array(yield* shared.arrayBuffer)], [...PNG])
          assert.strictEqual(shared.headers["x-content-type-options"], "nosniff")
          const outsiderLink = yield* http.get(pathOf(yield* links.link(info.id, s.outsider)))
          assert.strictEqual(outsiderLink.status, 404)
          const other = yield* upload(s.procurement, yield* bearer(s.participant), PNG, "b.png", "image/png")
          const otherId = ((yield* other.json) as { id: string }).id
          const wrongFile = pathOf(yield* links.link(info.id, s.organizer)).replace(info.id, otherId)
          assert.strictEqual((yield* http.get(wrongFile)).status, 401)
          assert.strictEqual((yield* http.get(`/api/attachments/${info.id}/shared?token=nonsense`)).status, 401)
          // a session token is no link token
          const session = (yield* bearer(s.organizer)).slice("Bearer ".length)
          assert.strictEqual((yield* http.get(`/api/attachments/${info.id}/shared?token=${session}`)).status, 401)

          // a non-member gets 404, no session 401
          assert.strictEqual((yield* download(info.id, yield* bearer(s.outsider))).status, 404)
          assert.strictEqual((yield* download(info.id, undefined)).status, 401)
        })
      )

      it.effect("a PDF is a download; bad files, strangers and anonymous uploads are refused", () =>
        Effect.gen(function* () {
          const s = yield* scene
          const auth = yield* bearer(s.organizer)
          const pdf = yield* Schema.decodeUnknown(AttachmentInfo)(
            yield* (yield* upload(s.procurement, auth, PDF, "price", "application/pdf")).json
          )
          const client = yield* userClient(s.organizer)
          yield* client.chat.post({
            path: { id: s.procurement },
            payload: new PostMessageBody({ text: "", attachmentId: pdf.id })
          })
          const got = yield* download(pdf.id, yield* bearer(s.participant))
          assert.isTrue(got.headers["content-disposition"]!.startsWith('attachment; filename="price.pdf"'))

          const html = yield* upload(
            s.procurement,
            auth,
            new TextEncoder().encode("<b>\u0000</b>"),
            "a.html",
            "text/html"
          )
          assert.strictEqual(html.status, 400)
          const body = (yield* html.json) as { issues: ReadonlyArray<{ code: string; ru: string }> }
          assert.strictEqual(body.issues[0]!.code, "attachment.type")
          assert.include(body.issues[0]!.ru, "такой файл отправить нельзя")
          const mislabelled = yield* upload(s.procurement, auth, PDF, "a.png", "image/png")
          assert.strictEqual(mislabelled.status, 400)
          const stranger = yield* upload(s.procurement, yield* bearer(s.outsider), PNG, "a.png", "image/png")
          assert.strictEqual(stranger.status, 403)
          assert.strictEqual((yield* upload(s.procurement, undefined, PNG, "a.png", "image/png")).status, 401)
          const huge = yield* upload(
            s.procurement,
            auth,
            new Uint8Array(BodyLimits.attachment + 1),
            "a.txt",
            "text/plain"
          )
          assert.strictEqual(huge.status, 413, yield* huge.text)
        })
      )
    })
  })
}
