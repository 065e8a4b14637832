import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import { Attachments, MAX_ATTACHMENT_BYTES, MAX_UNSENT_ATTACHMENTS } from "../src/Attachments.js"
import { AttachmentsLive } from "../src/AttachmentsLive.js"
import { Chat, PostMessage } from "../src/Chat.js"
import { ChatLive } from "../src/ChatLive.js"
import { userActor } from "../src/Common.js"
import { DomainEventsLive } from "../src/Events.js"
import type { AttachmentId, ProcurementId, UserId } from "../src/Ids.js"
import { safeFileName, sniff } from "../src/internal/chat/FileTypes.js"
import { insertParticipant, insertProcurement, insertUser } from "../src/testing/Fixtures.js"
import { databaseProfiles } from "../src/testing/index.js"

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
const HTML = new TextEncoder().encode("<html><script>alert(1)</script></html>\u0000")
const bytes = (...parts: ReadonlyArray<string | ReadonlyArray<number>>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : [...p])))

describe("FileTypes", () => {
  it("sniffs the type from the content, not the name", () => {
    assert.strictEqual(sniff(PNG, "photo.pdf"), "image/png")
    assert.strictEqual(sniff(bytes([0xff, 0xd8, 0xff, 0xe0]), "x"), "image/jpeg")
    assert.strictEqual(sniff(bytes("GIF89a", [1, 0]), "x"), "image/gif")
    assert.strictEqual(sniff(bytes("RIFF", [0, 0, 0, 0], "WEBPVP8 "), "x"), "image/webp")
    assert.strictEqual(sniff(PDF, "x.png"), "application/pdf")
    assert.strictEqual(sniff(new TextEncoder().encode("Привет, список покупок\r\n\tмёд"), "a"), "text/plain")
    assert.strictEqual(
      sniff(bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "t.xls"),
      "application/vnd.ms-excel"
    )
    assert.strictEqual(
      sniff(bytes("PK", [3, 4], "x".repeat(26), "[Content_Types].xml", "word/document.xml"), "a.docx"),
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    // a zip that is no office document, a binary, invalid UTF-8 and an OLE file named as nothing we take
    assert.strictEqual(sniff(bytes("PK", [3, 4], "readme.txt"), "a.docx"), undefined)
    assert.strictEqual(sniff(bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1]), "a.txt"), undefined)
    assert.strictEqual(sniff(bytes([0xc3, 0x28]), "a.txt"), undefined)
    assert.strictEqual(sniff(HTML, "a.txt"), undefined)
    assert.strictEqual(sniff(bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "t.exe"), undefined)
  })

  it("makes names safe and gives them their type's extension", () => {
    assert.strictEqual(safeFileName("../../etc/passwd", "text/plain"), "passwd.txt")
    assert.strictEqual(safeFileName("C:\\Users\\a\\Прайс.PDF", "application/pdf"), "Прайс.PDF")
    assert.strictEqual(safeFileName("invoice\u202Efdp.exe", "application/pdf"), "invoice_fdp.exe.pdf")
    assert.strictEqual(safeFileName('a"b<c>\r\n.png', "image/png"), "a_b_c___.png")
    assert.strictEqual(safeFileName("...", "image/gif"), "file.gif")
    assert.strictEqual(safeFileName(".hidden.jpg", "image/jpeg"), "hidden.jpg")
    const long = safeFileName("я".repeat(300) + ".txt", "text/plain")
    assert.strictEqual([...long].length, 120)
    assert.isTrue(long.endsWith(".txt"))
  })
})

for (const profile of databaseProfiles()) {
  describe(`Attachments (${profile.name})`, () => {
    const layer = Layer.fresh(
      Layer.provideMerge(AttachmentsLive, ChatLive).pipe(Layer.provideMerge(DomainEventsLive))
    ).pipe(Layer.provideMerge(profile.layer))
    it.layer(layer, { timeout: "120 seconds" })((it) => {
      const scene = Effect.gen(function* () {
        const organizer = yield* insertUser({ role: "organizer" })
        const participant = yield* insertUser()
        const outsider = yield* insertUser()
        const admin = yield* insertUser({ isAdmin: true })
        const procurement = yield* insertProcurement(organizer)
        yield* insertParticipant(procurement, participant, "CONFIRMED")
        return { organizer, participant, outsider, admin, procurement }
      })
      /** `who` uploads `bytes` named `name` to the procurement's chat, claiming `claimedType` (none by default). */
      const upload = (who: UserId, procurementId: ProcurementId, name: string, bytes: Uint8Array, claimedType = "") =>
        Effect.flatMap(Attachments, (attachments) =>
          attachments.upload(userActor(who), { procurementId, name, claimedType, bytes })
        )

      it.effect("refuses empty, oversized, unknown and mislabelled files with a reason in both languages", () =>
        Effect.gen(function* () {
          const s = yield* scene
          const refusal = (content: Uint8Array, claimedType: string) =>
            upload(s.participant, s.procurement, "f", content, claimedType).pipe(Effect.flip)
          const codes = [
            yield* refusal(new Uint8Array(0), "image/png"),
            yield* refusal(new Uint8Array(MAX_ATTACHMENT_BYTES + 1).fill(0x61), "text/plain"),
            yield* refusal(HTML, "text/plain"),
            yield* refusal(PDF, "image/png")
          ].map((e) => (e._tag === "InvalidInput" ? e.issues[0].code : e._tag))
          assert.deepStrictEqual(codes, [
            "attachment.empty",
            "attachment.too-large",
            "attachment.type",
            "attachment.type-mismatch"
          ])
          const tooBig = yield* refusal(new Uint8Array(MAX_ATTACHMENT_BYTES + 1).fill(0x61), "text/plain")
          assert.strictEqual(tooBig._tag === "InvalidInput" && tooBig.describe("ru"), "файл больше 10 МБ")
          const stranger = yield* upload(s.outsider, s.procurement, "a.png", PNG).pipe(Effect.flip)
          assert.strictEqual(stranger._tag, "Forbidden")
        })
      )

      it.effect("a member uploads and sends; members (not others) download; a file is sent once", () =>
        Effect.gen(function* () {
          const attachments = yield* Attachments
          const chat = yield* Chat
          const s = yield* scene
          const info = yield* upload(s.participant, s.procurement, "../мёд.png", PNG, "image/png")
          assert.deepStrictEqual({ ...info, id: "" }, { id: "", name: "мёд.png", contentType: "image/png", size: 16 })
          // before it is sent only its uploader sees it
          const early = yield* attachments.download(userActor(s.organizer), info.id).pipe(Effect.flip)
          assert.strictEqual(early._tag, "NotFound")
          assert.deepStrictEqual([...(yield* attachments.download(userActor(s.participant), info.id)).bytes], [...PNG])
          // the organizer cannot send the participant's file
          const notTheirs = yield* chat
            .post(
              PostMessage.make({ procurementId: s.procurement, userId: s.organizer, text: "", attachmentId: info.id })
            )
            .pipe(Effect.flip)
          assert.strictEqual(notTheirs._tag, "InvalidInput")
          const message = yield* chat.post(
            PostMessage.make({ procurementId: s.procurement, userId: s.participant, text: "", attachmentId: info.id })
          )
          assert.strictEqual(message.type, "IMAGE")
          assert.strictEqual(message.text, "")
          assert.deepStrictEqual(message.attachment, info)
          const history = yield* chat.history(userActor(s.organizer), s.procurement, { limit: 10 })
          assert.deepStrictEqual(history.at(-1)?.attachment, info)
          const again = yield* chat
            .post(
              PostMessage.make({
                procurementId: s.procurement,
                userId: s.participant,
                text: "ещё",
                attachmentId: info.id
              })
            )
            .pipe(Effect.flip)
          assert.strictEqual(again._tag === "InvalidInput" && again.issues[0].code, "attachment.unavailable")
          for (const reader of [s.organizer, s.participant]) {
            const file = yield* attachments.download(userActor(reader), info.id)
            assert.deepStrictEqual([...file.bytes], [...PNG])
            assert.strictEqual(file.procurementId, s.procurement)
          }
          assert.strictEqual((yield* attachments.download(userActor(s.admin, true), info.id)).info.id, info.id)
          const outsider = yield* attachments.download(userActor(s.outsider), info.id).pipe(Effect.flip)
          assert.strictEqual(outsider._tag, "NotFound")
          const unknown = yield* attachments
            .download(userActor(s.participant), randomUUID() as AttachmentId)
            .pipe(Effect.flip)
          assert.strictEqual(unknown._tag, "NotFound")
          // a deleted message takes its file with it (admins still see it)
          yield* chat.remove(userActor(s.participant), message.id)
          const gone = yield* attachments.download(userActor(s.organizer), info.id).pipe(Effect.flip)
          assert.strictEqual(gone._tag, "NotFound")
          const deleted = yield* chat.history(userActor(s.organizer), s.procurement, { limit: 10 })
          assert.strictEqual(deleted.at(-1)?.attachment, null)
        })
      )

      it.effect("at most a few unsent uploads wait per person; stale ones are removed", () =>
        Effect.gen(function* () {
          const attachments = yield* Attachments
          const sql = yield* SqlClient.SqlClient
          const s = yield* scene
          const mine = upload(s.organizer, s.procurement, "a.png", PNG, "image/png")
          const first = yield* mine
          for (let i = 1; i < MAX_UNSENT_ATTACHMENTS; i++) yield* mine
          const refused = yield* Effect.flip(mine)
          assert.strictEqual(refused._tag === "InvalidInput" && refused.issues[0].code, "attachment.too-many")
          // another member is not held back by it
          yield* upload(s.participant, s.procurement, "b.png", PNG)
          // a day later the first one is gone and there is room again
          yield* sql`UPDATE chat_attachments SET created_at = now() - interval '2 days' WHERE id = ${first.id}`
          yield* mine
          assert.strictEqual(
            (yield* Effect.flip(attachments.download(userActor(s.organizer), first.id)))._tag,
            "NotFound"
          )
          // and the periodic purge takes everyone's stale unsent uploads, never a sent one
          const sent = yield* upload(s.participant, s.procurement, "c.png", PNG)
          yield* (yield* Chat).post(
            PostMessage.make({ procurementId: s.procurement, userId: s.participant, text: "", attachmentId: sent.id })
          )
          yield* sql`UPDATE chat_attachments SET created_at = now() - interval '2 days'
            WHERE uploader_id IN (${s.participant}, ${s.organizer})`
          assert.isAtLeast(yield* attachments.purgeUnsent(), MAX_UNSENT_ATTACHMENTS + 1)
          const left = yield* sql<{ id: string }>`SELECT id FROM chat_attachments
            WHERE uploader_id IN (${s.participant}, ${s.organizer})`
          assert.deepStrictEqual(
            left.map((r) => r.id),
            [sent.id]
          )
        })
      )

      it.effect("a caption goes with the file; a PDF is a FILE message", () =>
        Effect.gen(function* () {
          const chat = yield* Chat
          const s = yield* scene
          const info = yield* upload(s.organizer, s.procurement, "прайс", PDF, "application/octet-stream")
          assert.strictEqual(info.name, "прайс.pdf")
          const message = yield* chat.post(
            PostMessage.make({
              procurementId: s.procurement,
              userId: s.organizer,
              type: "TEXT",
              text: "  Прайс на неделю ",
              attachmentId: info.id
            })
          )
          assert.strictEqual(message.type, "FILE")
          assert.strictEqual(message.text, "Прайс на неделю")
          assert.strictEqual(message.attachmentUrl, null)
        })
      )
    })
  })
}
