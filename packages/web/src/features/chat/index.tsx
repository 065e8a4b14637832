/**
 * The chat of a procurement: the newest messages over HTTP with older pages on demand, then live over
 * `/ws/procurement/{id}` (ChatSocket.ts) — new, edited and deleted messages, the unread count; each (re)connection
 * reloads the newest page, so nothing missed while offline is lost. Messages written in Telegram, VK or WhatsApp
 * look like any other (with a "via …" note). Text is always rendered as text. Own messages can be edited and
 * deleted; a message may carry an uploaded image or file (Attachment.tsx), or one by link (http/https only).
 */
import {
  EditMessageBody,
  PostMessageBody,
  ProcurementId,
  readStatusChange,
  type AttachmentInfo
} from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { DateTime, Option, Schema } from "effect"
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type FormEvent } from "react"
import { Link, useParams } from "wouter"
import {
  Empty,
  ErrorMessage,
  formatDateTime,
  Loading,
  Screen,
  UNREAD_NOTIFICATIONS_KEY,
  useApi,
  useLanguage,
  useSession,
  useStatusLabel,
  useT
} from "../../app/index.js"
import { ACCEPT, AttachmentView, checkFile, FilePreview, MAX_MB } from "./Attachment.js"
import "./chat.css"
import {
  chatSocketUrl,
  openChatSocket,
  safeUrl,
  type ChatMessage,
  type ChatSocket,
  type ChatStatus
} from "./ChatSocket.js"
import { messages } from "./messages.js"

const decodeId = Schema.decodeUnknownOption(ProcurementId)
type Id = typeof ProcurementId.Type

const PAGE = 50
const PLATFORMS: Record<string, string> = { telegram: "Telegram", vk: "VK", whatsapp: "WhatsApp" }

type Action =
  | { readonly type: "upsert"; readonly messages: ReadonlyArray<ChatMessage> }
  | { readonly type: "deleted"; readonly id: string }
  | { readonly type: "reset" }

/** Messages by id: a later version of a message (edited, deleted) replaces the earlier one. */
const reducer = (state: ReadonlyMap<string, ChatMessage>, action: Action): ReadonlyMap<string, ChatMessage> => {
  switch (action.type) {
    case "reset":
      return new Map()
    case "upsert": {
      const next = new Map(state)
      for (const m of action.messages) next.set(m.id, m)
      return next
    }
    case "deleted": {
      const m = state.get(action.id)
      if (m === undefined || m.deletedAt !== null) return state
      return new Map(state).set(action.id, { ...m, deletedAt: DateTime.unsafeNow() })
    }
  }
}

export default function ChatScreen() {
  const params = useParams<{ id: string }>()
  const id = decodeId(params.id)
  const t = useT(messages)
  if (Option.isNone(id)) return <Screen title={t("title")}>{t("notFound")}</Screen>
  return <Chat key={id.value} id={id.value} />
}

const Chat = ({ id }: { id: Id }) => {
  const t = useT(messages)
  const api = useApi()
  const { session, user } = useSession()
  const queryClient = useQueryClient()
  const [byId, dispatch] = useReducer(reducer, new Map<string, ChatMessage>())
  const [status, setStatus] = useState<ChatStatus>("connecting")
  const [unread, setUnread] = useState(0)
  const [loadError, setLoadError] = useState<unknown>(undefined)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [exhausted, setExhausted] = useState(false)
  const [firstLoad, setFirstLoad] = useState(true)
  const socket = useRef<ChatSocket | undefined>(undefined)
  const listEnd = useRef<HTMLLIElement | null>(null)

  const procurement = useQuery({
    queryKey: ["procurement", id],
    queryFn: () => api.run((c) => c.procurements.get({ path: { id } }))
  })
  const participants = useQuery({
    queryKey: ["procurement", id, "participants"],
    queryFn: () => api.run((c) => c.procurements.participants({ path: { id } })),
    retry: false
  })
  const names = useMemo(() => {
    const out = new Map<string, string>()
    for (const p of participants.data ?? []) {
      out.set(p.user.id, [p.user.firstName, p.user.lastName].filter((s) => s !== null && s !== "").join(" "))
    }
    return out
  }, [participants.data])

  const loadNewest = useCallback(async () => {
    try {
      const page = await api.run((c) => c.chat.history({ path: { id }, urlParams: { limit: PAGE } }))
      dispatch({ type: "upsert", messages: page })
      if (page.length < PAGE) setExhausted(true)
      setLoadError(undefined)
    } catch (error) {
      setLoadError(error)
    } finally {
      setFirstLoad(false)
    }
  }, [api, id])

  const sorted = useMemo(
    () =>
      [...byId.values()].sort(
        (a, b) => DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt) || (a.id < b.id ? -1 : 1)
      ),
    [byId]
  )

  const loadOlder = async () => {
    const oldest = sorted[0]
    if (oldest === undefined) return
    setLoadingOlder(true)
    try {
      const page = await api.run((c) =>
        c.chat.history({ path: { id }, urlParams: { limit: PAGE, before: oldest.createdAt } })
      )
      dispatch({ type: "upsert", messages: page })
      if (page.length < PAGE) setExhausted(true)
    } catch (error) {
      setLoadError(error)
    } finally {
      setLoadingOlder(false)
    }
  }

  const token = session?.token
  useEffect(() => {
    if (token === undefined) return
    const opened = openChatSocket(chatSocketUrl(window.location, id), token, {
      onStatus: setStatus,
      onReady: (count) => {
        setUnread(count)
        // (re)connected: whatever came while we were away is in the newest page
        void loadNewest()
        // opening the chat reads it
        opened.read()
      },
      onMessage: (message) => dispatch({ type: "upsert", messages: [message] }),
      onDeleted: (messageId) => dispatch({ type: "deleted", id: messageId }),
      onRestored: () => void loadNewest(),
      onUnread: setUnread,
      onNotifications: (count) => queryClient.setQueryData(UNREAD_NOTIFICATIONS_KEY, { unread: count })
    })
    socket.current = opened
    return () => {
      opened.close()
      socket.current = undefined
    }
  }, [id, token, loadNewest, queryClient])

  // keep the newest message in view as messages arrive
  const newestId = sorted.at(-1)?.id
  useEffect(() => {
    listEnd.current?.scrollIntoView?.({ block: "end" })
  }, [newestId])

  const markRead = () => {
    socket.current?.read()
    // over HTTP too, in case the socket is between connections
    void api.run((c) => c.chat.markRead({ path: { id }, payload: {} })).catch(() => undefined)
  }

  const title =
    procurement.data === undefined ? t("title") : t("titleOf", { title: procurement.data.procurement.title })
  const authorOf = (m: ChatMessage) => {
    if (m.userId === null) return t("system")
    if (m.userId === user?.id) return t("you")
    const name = names.get(m.userId)
    if (name !== undefined && name !== "") return name
    if (m.userId === procurement.data?.procurement.organizerId) return t("organizer")
    return `${t("member")} ${m.userId.slice(0, 4)}`
  }

  const final = status === "forbidden" || status === "unauthorized" || status === "notFound"
  return (
    <Screen
      title={title}
      className="chat-screen"
      actions={
        <>
          <span className="chat-unread" data-testid="chat-unread" aria-live="polite">
            {unread > 0 ? t("unread", { count: unread }) : ""}
          </span>
          {unread > 0 ? (
            <button type="button" className="secondary" onClick={markRead}>
              {t("markRead")}
            </button>
          ) : null}
          <Link href={`/procurements/${id}`}>{t("back")}</Link>
        </>
      }
    >
      <p className={final ? "error" : "hint"} role="status" data-testid="chat-status" data-status={status}>
        {t(status === "notFound" ? "notFound" : status)}
      </p>
      {loadError === undefined ? null : <ErrorMessage error={loadError} />}
      {firstLoad && !final ? (
        <Loading />
      ) : (
        <>
          {sorted.length === 0 ? null : exhausted ? (
            <p className="hint chat-start">{t("noMore")}</p>
          ) : (
            <button type="button" className="secondary" disabled={loadingOlder} onClick={() => void loadOlder()}>
              {t("older")}
            </button>
          )}
          {sorted.length === 0 && !final ? <Empty>{t("empty")}</Empty> : null}
          <ol className="chat-messages" aria-label={t("title")} data-testid="chat-messages">
            {sorted.map((m) => (
              <MessageItem
                key={m.id}
                message={m}
                author={authorOf(m)}
                own={m.userId !== null && m.userId === user?.id}
              />
            ))}
            <li ref={listEnd} aria-hidden="true" className="chat-end" />
          </ol>
        </>
      )}
      {final ? null : <Composer id={id} onSent={(m) => dispatch({ type: "upsert", messages: [m] })} />}
    </Screen>
  )
}

const MessageItem = ({ message, author, own }: { message: ChatMessage; author: string; own: boolean }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useApi()
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(message.text)
  const deleted = message.deletedAt !== null
  const statusLabel = useStatusLabel()
  // a status change is written in the reader's language
  const said = Option.match(message.userId === null ? readStatusChange(message.text) : Option.none(), {
    onNone: () => message.text,
    onSome: ({ from, to }) => t("statusChanged", { from: statusLabel(from), to: statusLabel(to) })
  })
  const via = message.originPlatform === null ? undefined : PLATFORMS[message.originPlatform]
  const url = safeUrl(message.attachmentUrl)

  // one error line for both actions: whichever succeeds last clears the other's failure
  const edit = useMutation({
    mutationFn: (text: string) =>
      api.run((c) => c.chat.edit({ path: { id: message.id }, payload: new EditMessageBody({ text }) })),
    onSuccess: () => {
      setEditing(false)
      removal.reset()
    }
  })
  const removal = useMutation({
    mutationFn: () => api.run((c) => c.chat.remove({ path: { id: message.id }, urlParams: {} })),
    onSuccess: () => edit.reset()
  })
  const busy = edit.isPending || removal.isPending
  const error = edit.error ?? removal.error
  const save = (event: FormEvent) => {
    event.preventDefault()
    if (!busy) edit.mutate(draft)
  }
  const remove = () => {
    if (!busy && window.confirm(t("confirmDelete"))) removal.mutate()
  }

  return (
    <li
      className={`chat-message${own ? " own" : ""}${message.userId === null ? " system" : ""}${deleted ? " deleted" : ""}`}
      data-testid="chat-message"
      data-message-id={message.id}
    >
      <div className="chat-meta">
        <strong>{author}</strong> <time>{formatDateTime(message.createdAt, language)}</time>
        {via === undefined ? null : <span className="chat-via"> · {t("from", { platform: via })}</span>}
        {message.editedAt !== null && !deleted ? <span className="chat-edited"> · {t("edited")}</span> : null}
      </div>
      {deleted ? (
        <p className="chat-text hint">{t("deleted")}</p>
      ) : editing ? (
        <form onSubmit={save} className="chat-edit">
          <label htmlFor={`edit-${message.id}`}>{t("editLabel")}</label>
          <textarea
            id={`edit-${message.id}`}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            rows={2}
            maxLength={4096}
          />
          <div className="chat-actions">
            <button type="submit" disabled={busy || draft.trim() === ""}>
              {t("save")}
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              {t("cancel")}
            </button>
          </div>
        </form>
      ) : (
        <>
          {said === "" ? null : <p className="chat-text">{said}</p>}
          {message.attachment === null ? null : (
            <AttachmentView attachment={message.attachment} caption={message.text} />
          )}
          {url === undefined ? null : message.type === "IMAGE" ? (
            <a href={url} target="_blank" rel="noopener noreferrer">
              <img className="chat-image" src={url} alt={message.text === "" ? t("image") : message.text} />
            </a>
          ) : (
            <a href={url} target="_blank" rel="noopener noreferrer" className="chat-file">
              📎 {t("openFile")}
            </a>
          )}
        </>
      )}
      {own && !deleted && !editing ? (
        <div className="chat-actions">
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setDraft(message.text)
              setEditing(true)
            }}
          >
            {t("edit")}
          </button>
          <button type="button" className="link-button" disabled={busy} onClick={remove}>
            {t("delete")}
          </button>
        </div>
      ) : null}
      {error === null ? null : <ErrorMessage error={error} />}
    </li>
  )
}

/**
 * Writing a message: sent over HTTP (the answer is the stored message; the socket brings it to everyone else). A
 * chosen file is uploaded first and sent with the text as its caption; what was typed and chosen stays until the
 * message is stored, and a file already uploaded is not uploaded again when only the sending failed.
 */
const Composer = ({ id, onSent }: { id: Id; onSent: (message: ChatMessage) => void }) => {
  const t = useT(messages)
  const api = useApi()
  const [text, setText] = useState("")
  const [attachment, setAttachment] = useState("")
  const [kind, setKind] = useState<"IMAGE" | "FILE">("IMAGE")
  const [file, setFile] = useState<File | undefined>(undefined)
  const [fileError, setFileError] = useState<string | undefined>(undefined)
  // the upload of the chosen file, kept until the message is stored
  const uploaded = useRef<{ readonly file: File; readonly id: AttachmentInfo["id"] } | undefined>(undefined)
  const badUrl = attachment.trim() !== "" && safeUrl(attachment.trim()) === undefined

  const choose = (chosen: File | undefined) => {
    if (chosen === undefined) return
    const problem = checkFile(chosen)
    if (problem === undefined) {
      setFile(chosen)
      setFileError(undefined)
      return
    }
    const key = problem === "tooBig" ? "fileTooBig" : problem === "badType" ? "fileBadType" : "fileEmpty"
    setFileError(t(key, { name: chosen.name, max: MAX_MB }))
  }
  const removeFile = () => {
    setFile(undefined)
    setFileError(undefined)
    uploaded.current = undefined
  }

  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      if (uploaded.current?.file === chosen) return uploaded.current.id
      const form = new FormData()
      // the name as a field: the part's own file name is read in ASCII only
      form.append("name", chosen.name)
      form.append("file", chosen, "upload")
      const info = await api.run((c) => c.chat.upload({ path: { id }, payload: form }))
      uploaded.current = { file: chosen, id: info.id }
      return info.id
    }
  })
  const post = useMutation({
    mutationFn: (payload: PostMessageBody) => api.run((c) => c.chat.post({ path: { id }, payload })),
    onSuccess: (sent) => {
      onSent(sent)
      // cleared only once stored: a failed send keeps what was typed
      setText("")
      setAttachment("")
      removeFile()
    }
  })
  const busy = upload.isPending || post.isPending
  const empty = text.trim() === "" && attachment.trim() === "" && file === undefined
  const send = async (event: FormEvent) => {
    event.preventDefault()
    if (busy || badUrl || empty) return
    const link = attachment.trim()
    upload.reset()
    post.reset()
    if (file !== undefined) {
      const attachmentId = await upload.mutateAsync(file).catch(() => undefined)
      if (attachmentId === undefined) return
      post.mutate(new PostMessageBody({ text, attachmentId, originPlatform: "web" }))
      return
    }
    post.mutate(
      new PostMessageBody(link === "" ? { text } : { text, type: kind, attachmentUrl: link, originPlatform: "web" })
    )
  }

  return (
    <form className="chat-composer" onSubmit={(e) => void send(e)} aria-busy={busy}>
      <label htmlFor="chat-text">{t("messageLabel")}</label>
      <textarea
        id="chat-text"
        value={text}
        rows={2}
        maxLength={4096}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault()
            e.currentTarget.form?.requestSubmit()
          }
        }}
      />
      <div className="chat-file-picker">
        <label htmlFor="chat-file" className="button secondary">
          📎 {t("attachFile")}
        </label>
        <input
          id="chat-file"
          className="visually-hidden"
          type="file"
          accept={ACCEPT}
          disabled={busy}
          aria-describedby={fileError === undefined ? "chat-file-hint" : "chat-file-hint chat-file-error"}
          onChange={(e) => {
            choose(e.target.files?.[0])
            // the same file may be chosen again after removing it
            e.target.value = ""
          }}
        />
        <span className="hint" id="chat-file-hint">
          {t("attachHint", { max: MAX_MB })}
        </span>
      </div>
      {fileError === undefined ? null : (
        <p className="error" role="alert" id="chat-file-error">
          {fileError}
        </p>
      )}
      {file === undefined ? null : <FilePreview file={file} onRemove={removeFile} disabled={busy} />}
      {file !== undefined ? null : (
        <details className="chat-attach">
          <summary>{t("attach")}</summary>
          <label htmlFor="chat-attachment">{t("attach")}</label>
          <input
            id="chat-attachment"
            type="url"
            inputMode="url"
            value={attachment}
            aria-invalid={badUrl}
            aria-describedby={badUrl ? "chat-attachment-error" : undefined}
            onChange={(e) => setAttachment(e.target.value)}
          />
          {badUrl ? (
            <p className="error" id="chat-attachment-error">
              {t("badUrl")}
            </p>
          ) : null}
          <label htmlFor="chat-attachment-kind">{t("attachKind")}</label>
          <select id="chat-attachment-kind" value={kind} onChange={(e) => setKind(e.target.value as "IMAGE" | "FILE")}>
            <option value="IMAGE">{t("image")}</option>
            <option value="FILE">{t("file")}</option>
          </select>
        </details>
      )}
      {upload.isPending ? (
        <p className="hint" role="status">
          {t("uploading")}
        </p>
      ) : null}
      {upload.error === null ? null : <ErrorMessage error={upload.error} />}
      {post.error === null ? null : <ErrorMessage error={post.error} />}
      <button type="submit" disabled={busy || badUrl || empty}>
        {t("send")}
      </button>
    </form>
  )
}
