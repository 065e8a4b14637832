/**
 * The chat socket's frame handling (ChatSocket.applyFrame): both hub protocol versions — the unread count inside
 * `message.new` (v2) and a separate `unread` frame (v1) — edits, deletes, notification counts; malformed frames and
 * unknown types are ignored, never thrown.
 */
import { describe, expect, it } from "vitest"
import { applyFrame, chatSocketUrl, safeUrl, type ChatSocketHandlers } from "../src/features/chat/ChatSocket.js"

const recorder = () => {
  const events: Array<string> = []
  const handlers: ChatSocketHandlers = {
    onStatus: (s) => events.push(`status ${s}`),
    onReady: (n) => events.push(`ready ${n}`),
    onMessage: (m) => events.push(`message ${m.id} ${m.text} ${m.editedAt === null ? "" : "edited"}`.trim()),
    onDeleted: (id) => events.push(`deleted ${id}`),
    onRestored: (id) => events.push(`restored ${id}`),
    onUnread: (n) => events.push(`unread ${n}`),
    onNotifications: (n) => events.push(`notifications ${n}`)
  }
  return { events, handlers }
}

const message = (overrides: Record<string, unknown> = {}) => ({
  id: "7f1c1c36-52c5-4a51-9a3d-1d0f3c7e2a10",
  procurementId: "5b1c1c36-52c5-4a51-9a3d-1d0f3c7e2a11",
  userId: "0c9c1c36-52c5-4a51-9a3d-1d0f3c7e2a12",
  type: "TEXT",
  text: "Сбор до пятницы",
  attachmentUrl: null,
  originPlatform: "telegram",
  createdAt: "2026-12-04T12:00:00.000Z",
  editedAt: null,
  deletedAt: null,
  deletedBy: null,
  ...overrides
})

describe("chat socket frames", () => {
  it("v2: the unread count rides in message.new", () => {
    const { events, handlers } = recorder()
    applyFrame({ type: "ready", procurementId: "p", userId: "u", unread: 3, v: 2 }, handlers)
    applyFrame({ type: "message.new", message: message(), unread: 4 }, handlers)
    expect(events).toEqual(["ready 3", "message 7f1c1c36-52c5-4a51-9a3d-1d0f3c7e2a10 Сбор до пятницы", "unread 4"])
  })

  it("v1: message.new without a count, then a separate unread frame", () => {
    const { events, handlers } = recorder()
    applyFrame({ type: "message.new", message: message() }, handlers)
    applyFrame({ type: "unread", procurementId: "p", unread: 1 }, handlers)
    expect(events).toEqual(["message 7f1c1c36-52c5-4a51-9a3d-1d0f3c7e2a10 Сбор до пятницы", "unread 1"])
  })

  it("edits, deletes, restores and notification counts", () => {
    const { events, handlers } = recorder()
    applyFrame(
      { type: "message.edited", message: message({ text: "Сбор до субботы", editedAt: "2026-12-04T12:01:00.000Z" }) },
      handlers
    )
    applyFrame({ type: "message.deleted", messageId: "m1", procurementId: "p" }, handlers)
    applyFrame({ type: "message.restored", messageId: "m1", procurementId: "p" }, handlers)
    applyFrame({ type: "notification", notification: {}, unread: 2 }, handlers)
    applyFrame({ type: "notification.removed", ids: ["n"], unread: 1 }, handlers)
    expect(events).toEqual([
      "message 7f1c1c36-52c5-4a51-9a3d-1d0f3c7e2a10 Сбор до субботы edited",
      "deleted m1",
      "restored m1",
      "notifications 2",
      "notifications 1"
    ])
  })

  it("ignores what it does not understand", () => {
    const { events, handlers } = recorder()
    for (const frame of [null, 42, "x", {}, { type: "future.frame" }, { type: "message.new", message: { id: 1 } }]) {
      applyFrame(frame, handlers)
    }
    applyFrame({ type: "unread", unread: -1 }, handlers)
    applyFrame({ type: "message.deleted", messageId: 5 }, handlers)
    expect(events).toEqual([])
  })

  it("builds the socket URL of this page's server", () => {
    expect(chatSocketUrl({ protocol: "https:", host: "shop.example.com" }, "p1")).toBe(
      "wss://shop.example.com/ws/procurement/p1"
    )
    expect(chatSocketUrl({ protocol: "http:", host: "127.0.0.1:3000" }, "p1")).toBe(
      "ws://127.0.0.1:3000/ws/procurement/p1"
    )
  })

  it("attachments: only http(s) links are used", () => {
    expect(safeUrl("https://cdn.example.com/a.png")).toBe("https://cdn.example.com/a.png")
    expect(safeUrl("javascript:alert(1)")).toBeUndefined()
    expect(safeUrl("data:text/html,<script>1</script>")).toBeUndefined()
    expect(safeUrl("not a url")).toBeUndefined()
    expect(safeUrl(null)).toBeUndefined()
  })
})
