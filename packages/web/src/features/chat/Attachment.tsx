/**
 * Files in the chat. The bytes are served to members only, with the bearer token, so an image or a file is fetched
 * through the API client and shown from a `blob:` URL (which the page's policy allows); the server checks the same
 * limits again. `checkFile` refuses what the server would refuse before anything is uploaded.
 */
import { ALLOWED_TYPES, formatFileSize, MAX_ATTACHMENT_BYTES, type AttachmentInfo } from "@groupbuy/core/api"
import { useEffect, useState } from "react"
import { useApi, useLanguage, useT } from "../../app/index.js"
import { messages } from "./messages.js"

const extensions = new Set(Object.values(ALLOWED_TYPES).flat() as ReadonlyArray<string>)

/** The file input's `accept`: every allowed type and extension. */
export const ACCEPT = [...Object.keys(ALLOWED_TYPES), ...[...extensions].map((e) => `.${e}`)].join(",")

/** Why a chosen file cannot be sent (`tooBig` / `badType` / `empty`), or undefined when it may be. */
export const checkFile = (file: File): "tooBig" | "badType" | "empty" | undefined => {
  if (file.size === 0) return "empty"
  if (file.size > MAX_ATTACHMENT_BYTES) return "tooBig"
  const extension = file.name.includes(".") ? file.name.split(".").pop()!.toLowerCase() : ""
  const type = file.type.toLowerCase()
  return type in ALLOWED_TYPES || extensions.has(extension) ? undefined : "badType"
}

/** The megabytes of the limit, for messages. */
export const MAX_MB = Math.round(MAX_ATTACHMENT_BYTES / 1024 / 1024)

/** A `blob:` URL of the attachment's bytes while the component is shown (revoked after). */
const useAttachmentUrl = (attachment: AttachmentInfo, load: boolean) => {
  const api = useApi()
  const [url, setUrl] = useState<string | undefined>(undefined)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    if (!load) return
    let made: string | undefined
    let live = true
    api
      .run((c) => c.chat.download({ path: { id: attachment.id } }))
      .then((bytes) => {
        if (!live) return
        made = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: attachment.contentType }))
        setUrl(made)
      })
      .catch(() => live && setFailed(true))
    return () => {
      live = false
      if (made !== undefined) URL.revokeObjectURL(made)
    }
  }, [api, attachment.id, attachment.contentType, load])
  return { url, failed }
}

/** Saves a `blob:` URL under the file's name. */
const save = (url: string, name: string) => {
  const a = document.createElement("a")
  a.href = url
  a.download = name
  a.click()
}

/** An attachment of a message: an image inline (its caption or name as alt text), any other file as a download. */
export const AttachmentView = ({ attachment, caption }: { attachment: AttachmentInfo; caption: string }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const image = attachment.contentType.startsWith("image/")
  // a file is fetched when asked for; an image at once
  const [wanted, setWanted] = useState(image)
  const { url, failed } = useAttachmentUrl(attachment, wanted)
  const label = `${attachment.name} (${formatFileSize(attachment.size, language)})`

  // the download starts once the bytes are here
  useEffect(() => {
    if (!image && url !== undefined) save(url, attachment.name)
  }, [image, url, attachment.name])

  if (failed) return <p className="error chat-file">{t("fileUnavailable", { name: attachment.name })}</p>
  if (image) {
    return url === undefined ? (
      <p className="hint chat-image-loading" aria-busy="true">
        {t("imageLoading")}
      </p>
    ) : (
      <a href={url} target="_blank" rel="noopener noreferrer" download={attachment.name}>
        <img className="chat-image" src={url} alt={caption === "" ? attachment.name : caption} />
      </a>
    )
  }
  return (
    <button
      type="button"
      className="link-button chat-file"
      data-testid="chat-file"
      aria-busy={wanted && url === undefined}
      onClick={() => (url === undefined ? setWanted(true) : save(url, attachment.name))}
    >
      📎 {label}
    </button>
  )
}

/** The chosen file before it is sent: a thumbnail of an image (or its name), its size, and a way to remove it. */
export const FilePreview = ({ file, onRemove, disabled }: { file: File; onRemove: () => void; disabled: boolean }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const [thumb, setThumb] = useState<string | undefined>(undefined)
  const image = file.type.startsWith("image/")
  useEffect(() => {
    if (!image) return
    const url = URL.createObjectURL(file)
    setThumb(url)
    return () => URL.revokeObjectURL(url)
  }, [file, image])
  return (
    <div className="chat-preview" data-testid="chat-preview">
      {thumb === undefined ? <span aria-hidden="true">📎</span> : <img src={thumb} alt="" className="chat-thumb" />}
      <span>
        {file.name} ({formatFileSize(file.size, language)})
      </span>
      <button
        type="button"
        className="secondary"
        disabled={disabled}
        onClick={onRemove}
        aria-label={t("removeFile", { name: file.name })}
      >
        {t("remove")}
      </button>
    </div>
  )
}
