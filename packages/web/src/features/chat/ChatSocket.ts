/**
 * The live side of a procurement chat: `/ws/procurement/{id}` (packages/core/src/api/ws-protocol.md). Speaks version
 * 2 (the unread count inside `message.new`) and still understands a separate `unread` frame (version 1 servers).
 * Reconnects with a growing delay (1 s … 15 s) unless the server refused for good (4401 token, 4403 not a member,
 * 4404 no such procurement); each `ready` calls `onReady`, where the screen reloads the newest history to catch up.
 */
import { ChatMessageJson, NotificationJson } from "@groupbuy/core/api"
import { Schema } from "effect"

export type ChatMessage = typeof ChatMessageJson.Type
export type ChatNotification = typeof NotificationJson.Type

/** Only web links become `src`/`href` (never `javascript:` or `data:`). */
export const safeUrl = (url: string | null): string | undefined => {
  if (url === null) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined
  } catch {
    return undefined
  }
}

export type ChatStatus = "connecting" | "live" | "reconnecting" | "forbidden" | "unauthorized" | "notFound"

export interface ChatSocketHandlers {
  readonly onStatus: (status: ChatStatus) => void
  readonly onReady: (unread: number) => void
  readonly onMessage: (message: ChatMessage) => void
  readonly onDeleted: (messageId: string) => void
  readonly onRestored: (messageId: string) => void
  readonly onUnread: (unread: number) => void
  readonly onNotifications: (unread: number) => void
}

const decodeMessage = Schema.decodeUnknownOption(ChatMessageJson)

const FINAL: Record<number, ChatStatus> = { 4401: "unauthorized", 4403: "forbidden", 4404: "notFound" }

/** The socket URL of a chat on this page's server. */
export const chatSocketUrl = (location: Pick<Location, "protocol" | "host">, procurementId: string) =>
  `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws/procurement/${encodeURIComponent(procurementId)}`

/** One server frame applied to the handlers (exported for unit tests); unknown frames are ignored. */
export const applyFrame = (raw: unknown, handlers: ChatSocketHandlers) => {
  if (typeof raw !== "object" || raw === null) return
  const frame = raw as Record<string, unknown>
  const count = (value: unknown) =>
    typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined
  switch (frame["type"]) {
    case "ready":
      handlers.onReady(count(frame["unread"]) ?? 0)
      return
    case "message.new":
    case "message.edited": {
      const message = decodeMessage(frame["message"])
      if (message._tag === "Some") handlers.onMessage(message.value)
      const unread = count(frame["unread"])
      if (unread !== undefined) handlers.onUnread(unread)
      return
    }
    case "message.deleted":
      if (typeof frame["messageId"] === "string") handlers.onDeleted(frame["messageId"])
      return
    case "message.restored":
      if (typeof frame["messageId"] === "string") handlers.onRestored(frame["messageId"])
      return
    case "unread": {
      const unread = count(frame["unread"])
      if (unread !== undefined) handlers.onUnread(unread)
      return
    }
    case "notification":
    case "notification.removed": {
      const unread = count(frame["unread"])
      if (unread !== undefined) handlers.onNotifications(unread)
      return
    }
  }
}

export interface ChatSocket {
  /** marks the chat read (the server answers with an `unread` frame) */
  readonly read: () => void
  readonly close: () => void
}

export const openChatSocket = (url: string, token: string, handlers: ChatSocketHandlers): ChatSocket => {
  let socket: WebSocket | undefined
  let closed = false
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const connect = () => {
    handlers.onStatus(attempt === 0 ? "connecting" : "reconnecting")
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token, v: 2 }))
    ws.onmessage = (event) => {
      let frame: unknown
      try {
        frame = JSON.parse(String(event.data))
      } catch {
        return
      }
      if ((frame as { type?: unknown } | null)?.type === "ready") {
        attempt = 0
        handlers.onStatus("live")
      }
      applyFrame(frame, handlers)
    }
    ws.onclose = (event) => {
      if (closed || socket !== ws) return
      const final = FINAL[event.code]
      if (final !== undefined) {
        handlers.onStatus(final)
        return
      }
      attempt += 1
      handlers.onStatus("reconnecting")
      timer = setTimeout(connect, Math.min(15_000, 1000 * 2 ** Math.min(attempt - 1, 4)))
    }
  }
  const online = () => {
    // back online: try now instead of waiting out the delay
    if (socket?.readyState === WebSocket.CLOSED && !closed) {
      clearTimeout(timer)
      connect()
    }
  }
  globalThis.addEventListener?.("online", online)
  connect()
  return {
    read: () => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "read" }))
    },
    close: () => {
      closed = true
      clearTimeout(timer)
      globalThis.removeEventListener?.("online", online)
      socket?.close(1000)
    }
  }
}
