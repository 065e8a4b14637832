/**
 * Notifications: the list (newest first, more on demand, unread only if wished), mark one or all read, each linking
 * to what it is about (the procurement, or its chat), and the chats with unread messages (`GET /chat/unread`). Kept
 * live while open: refetched every 5 s and on focus, and the header's unread badge is updated with it.
 */
import { MarkReadBody, NotificationJson } from "@groupbuy/core/api"
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query"
import { useEffect, useState } from "react"
import { Link } from "wouter"
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
  useT
} from "../../app/index.js"
import { messages } from "./messages.js"

type Notification = typeof NotificationJson.Type
const PAGE = 20
const LIVE_MS = 5_000

/** Where a notification leads: its procurement's chat for chat news, else the procurement; none without one. */
export const notificationLink = (n: Pick<Notification, "type" | "procurementId">): string | undefined =>
  n.procurementId === null
    ? undefined
    : n.type === "NEW_CHAT_MESSAGE"
      ? `/procurements/${n.procurementId}/chat`
      : `/procurements/${n.procurementId}`

export default function Notifications() {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useApi()
  const { user } = useSession()
  const queryClient = useQueryClient()
  const [unreadOnly, setUnreadOnly] = useState(false)
  const [limit, setLimit] = useState(PAGE)
  const [error, setError] = useState<unknown>(undefined)

  const list = useQuery({
    queryKey: ["notifications", "list", user?.id, unreadOnly, limit],
    queryFn: () => api.run((c) => c.notifications.list({ urlParams: { unreadOnly, limit, offset: 0 } })),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData
  })
  const chats = useQuery({
    queryKey: ["chat", "unread", user?.id],
    queryFn: () => api.run((c) => c.chat.unread({ urlParams: {} })),
    refetchInterval: LIVE_MS
  })
  const unreadChats = (chats.data ?? []).filter((c) => c.unread > 0)
  const titles = useQuery({
    queryKey: ["chat", "unread", "titles", unreadChats.map((c) => c.procurementId).join(",")],
    enabled: unreadChats.length > 0,
    queryFn: async () => {
      const out = new Map<string, string>()
      for (const chat of unreadChats) {
        const view = await api
          .run((c) => c.procurements.get({ path: { id: chat.procurementId } }))
          .catch(() => undefined)
        if (view !== undefined) out.set(chat.procurementId, view.procurement.title)
      }
      return out
    }
  })

  // the header's badge follows what this screen sees
  const listed = list.dataUpdatedAt
  useEffect(() => {
    if (listed > 0) void queryClient.invalidateQueries({ queryKey: UNREAD_NOTIFICATIONS_KEY })
  }, [listed, queryClient])

  const markRead = async (ids: MarkReadBody["ids"]) => {
    try {
      await api.run((c) => c.notifications.markRead({ payload: new MarkReadBody({ ids }) }))
      setError(undefined)
      await queryClient.invalidateQueries({ queryKey: ["notifications"] })
    } catch (e) {
      setError(e)
    }
  }

  const items = list.data?.items ?? []
  const anyUnread = items.some((n) => !n.isRead)
  return (
    <Screen
      title={t("title")}
      actions={
        <button type="button" className="secondary" disabled={!anyUnread} onClick={() => void markRead("all")}>
          {t("markAll")}
        </button>
      }
    >
      {unreadChats.length === 0 ? null : (
        <section aria-labelledby="unread-chats" className="card">
          <h2 id="unread-chats">{t("chats")}</h2>
          <ul data-testid="unread-chats">
            {unreadChats.map((c) => (
              <li key={c.procurementId}>
                <Link href={`/procurements/${c.procurementId}/chat`}>
                  {t("chatUnread", {
                    title: titles.data?.get(c.procurementId) ?? t("chatFallback"),
                    count: String(c.unread)
                  })}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={unreadOnly}
          onChange={(e) => {
            setUnreadOnly(e.target.checked)
            setLimit(PAGE)
          }}
        />{" "}
        {t("unreadOnly")}
      </label>
      {error === undefined ? null : <ErrorMessage error={error} />}
      {list.error === null ? null : <ErrorMessage error={list.error} />}
      {list.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty>{t(unreadOnly ? "emptyUnread" : "empty")}</Empty>
      ) : (
        <ul className="notifications" aria-label={t("list")} data-testid="notifications">
          {items.map((n) => {
            const link = notificationLink(n)
            return (
              <li
                key={n.id}
                className={`card notification${n.isRead ? "" : " unread"}`}
                data-testid="notification"
                data-read={n.isRead}
              >
                <div className="meta">
                  <span>{t(`type${n.type}`)}</span> · <time>{formatDateTime(n.createdAt, language)}</time>
                  {n.isRead ? null : <strong className="notification-new"> · {t("unread")}</strong>}
                </div>
                <h2 className="notification-title">{n.title}</h2>
                {n.body === "" ? null : <p className="notification-body">{n.body}</p>}
                <div className="chat-actions">
                  {link === undefined ? null : (
                    <Link href={link} onClick={() => (n.isRead ? undefined : void markRead([n.id]))}>
                      {t(n.type === "NEW_CHAT_MESSAGE" ? "openChat" : "open")}
                    </Link>
                  )}
                  {n.isRead ? null : (
                    <button type="button" className="link-button" onClick={() => void markRead([n.id])}>
                      {t("markRead")}
                    </button>
                  )}
                </div>
              </li>
            )
          })}
        </ul>
      )}
      {list.data !== undefined && list.data.total > items.length && limit < 100 ? (
        <button type="button" className="secondary" onClick={() => setLimit((l) => Math.min(100, l + PAGE))}>
          {t("more")}
        </button>
      ) : null}
    </Screen>
  )
}
