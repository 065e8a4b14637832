/**
 * `Attachments` over PostgreSQL: the bytes are a `bytea` column of `chat_attachments`, not files in `DATA_DIR`. The
 * database is the one store that every server instance shares (files on one machine's disk would be missing on the
 * others) and that both profiles have (PostgreSQL and embedded PGlite use the same migrations); a message and its
 * attachment are then also written, backed up and deleted together. Files are at most `MAX_ATTACHMENT_BYTES`, which
 * `bytea` carries without trouble.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Schema } from "effect"
import {
  Attachments,
  formatFileSize,
  MAX_ATTACHMENT_BYTES,
  MAX_UNSENT_ATTACHMENTS,
  type UploadInput
} from "./Attachments.js"
import { Chat } from "./Chat.js"
import type { Actor } from "./Common.js"
import { Forbidden, InvalidInput, NotFound } from "./Errors.js"
import type { AttachmentId } from "./Ids.js"
import { ProcurementId, UserId } from "./Ids.js"
import { claimAgrees, safeFileName, sniff } from "./internal/chat/FileTypes.js"
import { CountRow, decodeRows, orDie } from "./internal/people/Sql.js"
import { AttachmentInfo } from "./Models.js"

/** The refusals of an upload, each with its stable code and a message in both languages. */
const refuse = {
  empty: () => InvalidInput.single("file", "attachment.empty", "the file is empty", "файл пустой"),
  tooLarge: () =>
    InvalidInput.single(
      "file",
      "attachment.too-large",
      `the file is larger than ${formatFileSize(MAX_ATTACHMENT_BYTES, "en")}`,
      `файл больше ${formatFileSize(MAX_ATTACHMENT_BYTES, "ru")}`
    ),
  type: () =>
    InvalidInput.single(
      "file",
      "attachment.type",
      "this kind of file cannot be sent: images (JPEG, PNG, WebP, GIF), PDF, text and office documents can",
      "такой файл отправить нельзя: можно изображения (JPEG, PNG, WebP, GIF), PDF, текст и офисные документы"
    ),
  tooMany: () =>
    InvalidInput.single(
      "file",
      "attachment.too-many",
      `you have ${MAX_UNSENT_ATTACHMENTS} uploaded files that were not sent: send or remove them first`,
      `у вас уже ${MAX_UNSENT_ATTACHMENTS} загруженных и не отправленных файлов: сначала отправьте их`
    ),
  mismatch: () =>
    InvalidInput.single(
      "file",
      "attachment.type-mismatch",
      "the file's content does not match its type",
      "содержимое файла не соответствует его типу"
    )
}

/** The checks of an upload, cheapest first; the type comes from the content, the name is made safe for it. */
const checkUpload = (input: UploadInput) =>
  Effect.gen(function* () {
    if (input.bytes.length === 0) return yield* refuse.empty()
    if (input.bytes.length > MAX_ATTACHMENT_BYTES) return yield* refuse.tooLarge()
    const type = sniff(input.bytes, input.name)
    if (type === undefined) return yield* refuse.type()
    if (!claimAgrees(input.claimedType, type)) return yield* refuse.mismatch()
    return { type, name: safeFileName(input.name, type) }
  })

const StoredRow = Schema.Struct({
  ...AttachmentInfo.fields,
  procurementId: ProcurementId,
  uploaderId: UserId,
  claimed: Schema.Boolean,
  messageDeleted: Schema.Boolean
})
const DataRow = Schema.Struct({ data: Schema.Uint8ArrayFromSelf })

export const AttachmentsLive = Layer.effect(
  Attachments,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const chat = yield* Chat

    const upload = Effect.fn("Attachments.upload")(function* (actor: Actor, input: UploadInput) {
      if (actor._tag !== "User") return yield* Effect.dieMessage("Attachments.upload: only people upload files")
      if (!(yield* chat.canAccess(actor, input.procurementId))) {
        return yield* new Forbidden({
          action: "chat.attach",
          reason: "only members of the procurement may send files to its chat"
        })
      }
      const checked = yield* checkUpload(input)
      // uploads nobody sent must not pile up: the uploader's stale ones go, and only a few may wait at a time
      yield* sql`DELETE FROM chat_attachments a
                 WHERE a.uploader_id = ${actor.userId} AND a.created_at < now() - interval '1 day'
                   AND NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.attachment_id = a.id)`
      const [unsent] = yield* decodeRows(CountRow)(
        sql`SELECT count(*)::int AS n FROM chat_attachments a
            WHERE a.uploader_id = ${actor.userId}
              AND NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.attachment_id = a.id)`
      )
      if ((unsent?.n ?? 0) >= MAX_UNSENT_ATTACHMENTS) return yield* refuse.tooMany()
      const [row] = yield* decodeRows(AttachmentInfo)(
        sql`INSERT INTO chat_attachments (procurement_id, uploader_id, name, content_type, size, data)
            VALUES (${input.procurementId}, ${actor.userId}, ${checked.name}, ${checked.type},
              ${input.bytes.length}, ${input.bytes})
            RETURNING id, name, content_type, size`
      )
      return row!
    }, orDie)

    const download = Effect.fn("Attachments.download")(function* (actor: Actor, id: AttachmentId) {
      const notFound = new NotFound({ entity: "attachment", id })
      const [row] = yield* decodeRows(StoredRow)(
        sql`SELECT a.id, a.name, a.content_type, a.size, a.procurement_id, a.uploader_id,
              (m.id IS NOT NULL) AS claimed, (m.deleted_at IS NOT NULL) AS message_deleted
            FROM chat_attachments a LEFT JOIN chat_messages m ON m.attachment_id = a.id
            WHERE a.id = ${id}`
      )
      if (row === undefined) return yield* notFound
      const privileged = actor._tag === "System" || actor.isAdmin
      const own = actor._tag === "User" && actor.userId === row.uploaderId
      const visible = privileged || (row.claimed ? !row.messageDeleted : own)
      if (!visible || !(yield* chat.canAccess(actor, row.procurementId))) return yield* notFound
      // the bytes are read only for someone who may have them
      const [content] = yield* decodeRows(DataRow)(sql`SELECT data FROM chat_attachments WHERE id = ${id}`)
      if (content === undefined) return yield* notFound
      return {
        info: AttachmentInfo.make({ id: row.id, name: row.name, contentType: row.contentType, size: row.size }),
        procurementId: row.procurementId,
        bytes: content.data
      }
    }, orDie)

    const purgeUnsent = () =>
      decodeRows(CountRow)(
        sql`WITH gone AS (
              DELETE FROM chat_attachments a
              WHERE a.created_at < now() - interval '1 day'
                AND NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.attachment_id = a.id)
              RETURNING 1)
            SELECT count(*)::int AS n FROM gone`
      ).pipe(
        Effect.map(([row]) => row?.n ?? 0),
        orDie
      )

    return Attachments.of({ upload, download, purgeUnsent })
  })
)
