/**
 * What a chat attachment is, decided from its bytes (the type a client claims is only compared against it), and the
 * file name it is stored and served under. Pure functions: the upload path and its tests share them.
 */

/** The content types a chat accepts and the extensions a file of each type is named with (the first is preferred). */
export const ALLOWED_TYPES = {
  "image/jpeg": ["jpg", "jpeg"],
  "image/png": ["png"],
  "image/webp": ["webp"],
  "image/gif": ["gif"],
  "application/pdf": ["pdf"],
  "text/plain": ["txt", "text", "log", "md"],
  "application/msword": ["doc"],
  "application/vnd.ms-excel": ["xls"],
  "application/vnd.ms-powerpoint": ["ppt"],
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ["docx"],
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["xlsx"],
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": ["pptx"],
  "application/vnd.oasis.opendocument.text": ["odt"],
  "application/vnd.oasis.opendocument.spreadsheet": ["ods"],
  "application/vnd.oasis.opendocument.presentation": ["odp"]
} as const satisfies Record<string, ReadonlyArray<string>>

export type AllowedType = keyof typeof ALLOWED_TYPES

/** Images are shown inline; everything else is a download. */
export const isImageType = (type: string): boolean => type.startsWith("image/")

const startsWith = (bytes: Uint8Array, signature: ReadonlyArray<number>, at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b)

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0))

const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf(".")
  return dot <= 0 ? "" : name.slice(dot + 1).toLowerCase()
}

/** The type whose extensions include `extension` among `candidates`. */
const byExtension = (extension: string, candidates: ReadonlyArray<AllowedType>): AllowedType | undefined =>
  candidates.find((type) => (ALLOWED_TYPES[type] as ReadonlyArray<string>).includes(extension))

const OOXML: ReadonlyArray<AllowedType> = [
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation"
]
const OLE: ReadonlyArray<AllowedType> = [
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint"
]
const ODF: ReadonlyArray<AllowedType> = [
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.oasis.opendocument.presentation"
]

/**
 * A ZIP container as an office document: an OpenDocument file starts with its `mimetype` entry naming the type; an
 * Office Open XML file holds `[Content_Types].xml` and the part folder of its kind (`word/`, `xl/`, `ppt/`).
 */
const zipDocument = (bytes: Uint8Array): AllowedType | undefined => {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)))
  if (head.startsWith("mimetype", 30)) {
    return ODF.find((type) => head.startsWith(type, 38))
  }
  if (!head.includes("[Content_Types].xml")) return undefined
  // the part names are in the local headers (near the start) and again in the central directory (at the end)
  const tail = new TextDecoder("latin1").decode(bytes.subarray(Math.max(0, bytes.length - 64 * 1024)))
  const names = head + tail
  if (names.includes("word/")) return OOXML[0]
  if (names.includes("xl/")) return OOXML[1]
  if (names.includes("ppt/")) return OOXML[2]
  return undefined
}

/** UTF-8 text a person can read: valid UTF-8, no NUL and no other control characters than tab and line breaks. */
const isPlainText = (bytes: Uint8Array): boolean => {
  let text: string
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    return false
  }
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/u.test(text)
}

/**
 * The allowed type of the content, or undefined when it is none of them (whatever the client claimed). The legacy
 * OLE container (doc/xls/ppt) carries no reliable type mark in its first bytes, so the name's extension picks among
 * the three.
 */
export const sniff = (bytes: Uint8Array, name: string): AllowedType | undefined => {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg"
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png"
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif"
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp"
  if (startsWith(bytes, ascii("%PDF-"))) return "application/pdf"
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return zipDocument(bytes)
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return byExtension(extensionOf(name), OLE)
  const body = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes
  return body.length > 0 && isPlainText(body) ? "text/plain" : undefined
}

/** A claimed content type without parameters, lower-cased, with the common alias `image/jpg`. */
export const normalizeClaimedType = (claimed: string): string => {
  const type = claimed.split(";")[0]!.trim().toLowerCase()
  return type === "image/jpg" || type === "image/pjpeg" ? "image/jpeg" : type
}

/** Claims that say nothing about the content (browsers send them for unknown extensions). */
const UNSPECIFIC = new Set(["", "application/octet-stream", "binary/octet-stream", "application/x-download"])

/** Whether a client's claim agrees with the sniffed type (an unspecific claim agrees with anything). */
export const claimAgrees = (claimed: string, sniffed: AllowedType): boolean => {
  const type = normalizeClaimedType(claimed)
  return UNSPECIFIC.has(type) || type === sniffed
}

const MAX_NAME = 120
// path separators, characters Windows refuses, controls, and the bidirectional overrides that disguise an extension
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

/**
 * A file name safe to store and to send in `Content-Disposition`: the last path segment, without control, path and
 * direction-override characters, at most 120 characters, never hidden (no leading dot), and ending in an extension
 * of its real type (so a PDF is never saved as `.html`).
 */
export const safeFileName = (name: string, type: AllowedType): string => {
  const base = name.split(/[\\/]/u).pop() ?? ""
  let cleaned = base
    .replace(UNSAFE, "_")
    .replace(/\s+/gu, " ")
    .trim()
    .replace(/^[.\s]+|[.\s]+$/gu, "")
  const extensions = ALLOWED_TYPES[type] as ReadonlyArray<string>
  const extension = extensionOf(cleaned)
  if (!extensions.includes(extension)) {
    cleaned = `${cleaned === "" ? "file" : cleaned}.${extensions[0]}`
  }
  const chars = [...cleaned]
  if (chars.length <= MAX_NAME) return cleaned
  const suffix = `.${extensionOf(cleaned)}`
  return (
    chars
      .slice(0, MAX_NAME - suffix.length)
      .join("")
      .trimEnd() + suffix
  )
}
