/**
 * Messages: one search across every procurement's chat (text, procurement, author; deleted ones shown and marked unless
 * hidden), a message shown in its chat among its neighbours, and soft deletion and restoration, each confirmed. The
 * message opened in its chat is in the URL (`chat`, `message`) like the grid's filters.
 */
import { ChatMessageId, ProcurementId, UserId } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { DateTime, Option, Schema } from "effect"
import { useMemo, useState } from "react"
import { Link, useSearchParams } from "wouter"
import type { Api, Client } from "../../../app/Api.js"
import { formatDateTime } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { QueryView } from "../../../app/QueryView.js"
import { Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { sortOrder, typedId } from "../../grid/Choice.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import type { PageItem } from "../../Types.js"
import { Notice } from "../../Notice.js"
import { messages } from "./messages.js"

type Message = PageItem<"messages">
type MessageSort = NonNullable<NonNullable<Parameters<Client["admin"]["messages"]>[0]>["urlParams"]["sort"]>["column"]

/** The columns the server orders by (the grid's sort keys); newest first when none is chosen. */
const SORTABLE: ReadonlyArray<MessageSort> = ["createdAt", "userId", "procurementId", "deletedAt"]

/** How many neighbours the chat view shows on each side, and how far back (in pages of 100) it looks for them. */
const AROUND = 5
const SCAN_PAGES = 10
const SCAN_PAGE = 100

const decodeChat = Schema.decodeUnknownOption(ProcurementId)
const decodeMessage = Schema.decodeUnknownOption(ChatMessageId)

/** A message's text in a sentence: its first words (and a mark for a message that is only an attachment). */
const excerpt = (m: Message, attachment: string) => {
  const text = m.text.trim() === "" ? `[${attachment}]` : m.text.trim()
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}

const shortId = (id: string) => <code className="hint">{id.slice(0, 8)}</code>

/**
 * The message and up to `AROUND` messages on each side, oldest first: the procurement's chat (deleted ones
 * included) newest first, page by page, until the message and its older neighbours are in.
 */
const messageInChat = async (api: Api, chat: ProcurementId, id: ChatMessageId) => {
  const seen: Array<Message> = []
  for (let page = 0; page < SCAN_PAGES; page++) {
    const result = await api.run((c) =>
      c.admin.messages({
        urlParams: { procurementId: chat, includeDeleted: true, offset: page * SCAN_PAGE, limit: SCAN_PAGE }
      })
    )
    seen.push(...result.items)
    const at = seen.findIndex((m) => m.id === id)
    const complete = seen.length >= result.total || result.items.length === 0
    if (at >= 0 && (seen.length > at + AROUND || complete)) {
      return { found: true as const, window: seen.slice(Math.max(0, at - AROUND), at + AROUND + 1).reverse() }
    }
    if (complete) break
  }
  return { found: false as const, window: [] }
}

const MessageActions = ({ message, onDone }: { message: Message; onDone: (notice: string) => void }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["admin-grid", "messages"] }),
      queryClient.invalidateQueries({ queryKey: ["admin-message-in-chat"] })
    ])
  const remove = useMutation({
    mutationFn: () => api.run((c) => c.admin.deleteMessage({ path: { id: message.id } })),
    onSuccess: async () => {
      onDone(t("deletedDone"))
      await refresh()
    }
  })
  const restore = useMutation({
    mutationFn: () => api.run((c) => c.admin.restoreMessage({ path: { id: message.id } })),
    onSuccess: async () => {
      onDone(t("restoredDone"))
      await refresh()
    }
  })
  const text = excerpt(message, t("attachment"))
  return message.deletedAt === null ? (
    <ConfirmAction
      label={t("delete")}
      danger
      question={t("deleteQuestion", { text })}
      confirmLabel={t("delete")}
      onConfirm={() => remove.mutateAsync()}
      testId={`delete-${message.id}`}
    />
  ) : (
    <ConfirmAction
      label={t("restore")}
      question={t("restoreQuestion", { text })}
      confirmLabel={t("restore")}
      onConfirm={() => restore.mutateAsync()}
      testId={`restore-${message.id}`}
    />
  )
}

const InChat = ({ chat, id, onClose }: { chat: ProcurementId; id: ChatMessageId; onClose: () => void }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const query = useQuery({
    queryKey: ["admin-message-in-chat", chat, id],
    queryFn: () => messageInChat(api, chat, id)
  })
  return (
    <section className="card message-in-chat" aria-labelledby="in-chat-title" data-testid="message-in-chat">
      <div className="row">
        <h2 id="in-chat-title">{t("contextTitle")}</h2>
        <button type="button" className="secondary" onClick={onClose}>
          {t("close")}
        </button>
      </div>
      <p className="hint">
        {t("contextHint")} {t("procurement")}: <Link href={`/procurements/${chat}`}>{chat}</Link>
      </p>
      <QueryView query={query} empty={{ when: (r) => !r.found, say: t("contextTooOld") }}>
        {(r) => (
          <ol className="chat-context">
            {r.window.map((m) => (
              <li
                key={m.id}
                aria-current={m.id === id ? "true" : undefined}
                className={m.deletedAt === null ? undefined : "deleted"}
                data-message-id={m.id}
              >
                <span className="hint">
                  {formatDateTime(m.createdAt, language)} · {m.userId === null ? t("system") : shortId(m.userId)}
                  {m.id === id ? ` · ${t("thisMessage")}` : ""}
                  {m.deletedAt === null ? "" : ` · ${t("deleted", { when: formatDateTime(m.deletedAt, language) })}`}
                </span>
                <p>{m.text.trim() === "" ? `[${t("attachment")}]` : m.text}</p>
              </li>
            ))}
          </ol>
        )}
      </QueryView>
    </section>
  )
}

const MessagesSection = () => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const [params, setParams] = useSearchParams()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const chat = Option.getOrUndefined(decodeChat(params.get("chat")))
  const opened = Option.getOrUndefined(decodeMessage(params.get("message")))
  const open = (m: Message | undefined) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous)
      if (m === undefined) {
        next.delete("chat")
        next.delete("message")
      } else {
        next.set("chat", m.procurementId)
        next.set("message", m.id)
      }
      return next
    })
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<Message>> => [
      dateTimeColumn({ id: "when", header: t("when"), sortKey: "createdAt", at: (m) => m.createdAt }, language),
      {
        id: "text",
        header: t("text"),
        cell: (m) => (
          <>
            {m.text.trim() === "" ? <span className="hint">[{t("attachment")}]</span> : m.text}
            {m.editedAt === null ? null : <span className="hint"> ({t("edited")})</span>}
          </>
        ),
        csv: (m) => m.text
      },
      {
        id: "author",
        header: t("author"),
        sortKey: "userId",
        cell: (m) => (m.userId === null ? t("system") : <Link href={`/users/${m.userId}`}>{shortId(m.userId)}</Link>),
        csv: (m) => m.userId
      },
      {
        id: "procurement",
        header: t("procurement"),
        sortKey: "procurementId",
        cell: (m) => <Link href={`/procurements/${m.procurementId}`}>{shortId(m.procurementId)}</Link>,
        csv: (m) => m.procurementId
      },
      { id: "platform", header: t("platform"), cell: (m) => m.originPlatform ?? "", csv: (m) => m.originPlatform },
      {
        id: "state",
        header: t("state"),
        sortKey: "deletedAt",
        cell: (m) =>
          m.deletedAt === null ? t("shown") : t("deleted", { when: formatDateTime(m.deletedAt, language) }),
        csv: (m) => (m.deletedAt === null ? "" : DateTime.formatIso(m.deletedAt))
      },
      {
        id: "actions",
        header: t("actions"),
        cell: (m) => (
          <div className="row">
            <button type="button" className="secondary" onClick={() => open(m)} data-testid={`context-${m.id}`}>
              {t("context")}
            </button>
            <MessageActions message={m} onDone={setNotice} />
          </div>
        )
      }
    ],
    // `open` only writes the URL: a fresh one each render acts the same
    [t, language]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [
      { kind: "text", id: "query", label: t("query") },
      { kind: "text", id: "procurementId", label: t("procurementId") },
      { kind: "text", id: "userId", label: t("userId") },
      {
        kind: "select",
        id: "includeDeleted",
        label: t("includeDeleted"),
        // the grid's "any" is every message, deleted ones too; this hides them
        options: [{ value: "false", label: t("hideDeleted") }]
      }
    ],
    [t]
  )
  const fetchPage = async (q: GridQuery) => {
    const procurementId = typedId(ProcurementId, q.filters.procurementId, t("procurementId"))
    const userId = typedId(UserId, q.filters.userId, t("userId"))
    return api.run((c) =>
      c.admin.messages({
        urlParams: {
          offset: q.offset,
          limit: q.limit,
          sort: sortOrder(SORTABLE, q.sort),
          query: q.filters.query,
          procurementId,
          userId,
          includeDeleted: q.filters.includeDeleted !== "false"
        }
      })
    )
  }
  return (
    <Screen title={t("title")}>
      <Notice text={notice} testId="messages-notice" />
      {chat === undefined || opened === undefined ? null : (
        <InChat chat={chat} id={opened} onClose={() => open(undefined)} />
      )}
      <ServerGrid
        id="messages"
        label={t("title")}
        columns={columns}
        filters={filters}
        rowKey={(m) => m.id}
        rowData={(m) => ({ "data-message-id": m.id, "data-deleted": String(m.deletedAt !== null) })}
        fetchPage={fetchPage}
      />
    </Screen>
  )
}

export default MessagesSection
