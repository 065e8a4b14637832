/**
 * A fake VK API server on loopback for tests: the real vk-io client talks to it through `apiBaseUrl`
 * (`${apiBaseUrl}/${method}`, form-encoded POST) and to its Bots Long Poll server, which `groups.getLongPollServer`
 * points at. It can also push Callback API events (with the `secret`) to a webhook. It keeps communities,
 * conversations and messages, records every API call, validates what VK validates (message length, keyboard
 * limits, `random_id` dedupe, one answer per callback event), serves the photo upload round trip and enforces the
 * 20 requests/s limit per community token with error 6 "Too many requests per second".
 */
import type * as Http from "node:http"
import type { Window } from "../../shared/FakeServerSupport.js"
import { close, listen, readBody, sendJson, SlidingWindows } from "../../shared/FakeServerSupport.js"

export interface VkCall {
  readonly token: string
  readonly method: string
  readonly params: Record<string, unknown>
  /** 0 when answered with a response, otherwise the VK error code */
  readonly error: number
  readonly at: number
}

/** VK: 20 requests per second per community token. */
export const vkLimits: Window = { limit: 20, windowMs: 1000 }

export interface FakeVkOptions {
  /** `false` turns the request limit off */
  readonly limit?: Window | false
  /** arrival-time jitter the limit tolerates, in ms (default 50) */
  readonly toleranceMs?: number
}

export interface StoredMessage {
  readonly id: number
  readonly peerId: number
  readonly conversationMessageId: number
  text: string
  keyboard: unknown
  attachment: string | undefined
  readonly at: number
}

interface GroupState {
  readonly token: string
  readonly id: number
  readonly screenName: string
  readonly events: Array<Record<string, unknown>>
  waiters: Array<() => void>
  readonly lpKey: string
  callback: { url: string; secret: string | undefined } | undefined
  readonly messages: Map<string, StoredMessage>
  readonly cmids: Map<number, number>
  readonly randomIds: Map<string, number>
  readonly eventAnswers: Map<string, boolean>
  readonly blocked: Set<number>
  readonly failures: Array<{ method: string; code: number; message: string; times: number }>
  revoked: boolean
}

class VkFailure {
  constructor(
    readonly code: number,
    readonly message: string
  ) {}
}

const invalid = (what: string) => new VkFailure(100, `One of the parameters specified was missing or invalid: ${what}`)

/** A 1×1 JPEG the fake serves at /files/… so that photo uploads can fetch a real image. */
const JPEG = Buffer.from(
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==",
  "base64"
)

/** Inline keyboards: at most 6 rows, 5 buttons per row, 10 buttons; labels ≤ 40, payloads ≤ 255 characters. */
const validateKeyboard = (raw: unknown): unknown => {
  if (raw === undefined || raw === "") return undefined
  const fail = (why: string) => new VkFailure(911, `Keyboard format is invalid: ${why}`)
  let keyboard: Record<string, unknown>
  try {
    keyboard = JSON.parse(String(raw)) as Record<string, unknown>
  } catch {
    throw fail("not JSON")
  }
  const rows = keyboard.buttons
  if (!Array.isArray(rows)) throw fail("buttons is not an array")
  const inline = keyboard.inline === true
  if (rows.length > (inline ? 6 : 10)) throw fail("too many rows")
  let total = 0
  for (const row of rows as Array<Array<Record<string, unknown>>>) {
    if (!Array.isArray(row) || row.length > 5) throw fail("too many buttons in a row")
    for (const button of row) {
      total += 1
      const action = button.action as Record<string, unknown> | undefined
      if (action === undefined) throw fail("button without action")
      if (!["text", "callback", "open_link"].includes(String(action.type))) throw fail(`action.type ${action.type}`)
      const label = action.label
      if (typeof label !== "string" || label.length === 0 || label.length > 40) throw fail("label length")
      if (action.payload !== undefined) {
        if (typeof action.payload !== "string" || action.payload.length > 255) throw fail("payload too long")
        try {
          JSON.parse(action.payload)
        } catch {
          throw fail("payload is not JSON")
        }
      }
      if (action.type === "open_link" && !/^https?:\/\//.test(String(action.link))) throw fail("open_link link")
    }
  }
  if (inline && total > 10) throw fail("too many buttons")
  return keyboard
}

/** Message and event ids grow across every fake of a process, as VK's do: a new fake never repeats old ids. */
let idBase = 0

export class FakeVk {
  private readonly groups = new Map<string, GroupState>()
  private readonly log: Array<VkCall> = []
  private readonly windows: SlidingWindows
  private readonly limit: Window | false
  private nextGroupId = 220_000_001
  private nextMessageId = (idBase += 1_000_000)
  private nextEventId = idBase
  private nextPhotoId = 457_239_017
  /** how many requests were answered with error 6 */
  tooManyRequests = 0

  private constructor(
    private readonly server: Http.Server,
    readonly url: string,
    options: FakeVkOptions
  ) {
    this.limit = options.limit ?? vkLimits
    this.windows = new SlidingWindows(options.toleranceMs)
  }

  /** pass as vk-io's `apiBaseUrl` */
  get apiBaseUrl(): string {
    return `${this.url}/method`
  }

  /** a URL of a small JPEG served by the fake */
  imageUrl(name = "pic.jpg"): string {
    return `${this.url}/files/${name}`
  }

  static async start(options: FakeVkOptions = {}): Promise<FakeVk> {
    let fake: FakeVk | undefined
    const { server, url } = await listen((req, res) => void fake!.handle(req, res))
    fake = new FakeVk(server, url, options)
    return fake
  }

  close(): Promise<void> {
    for (const group of this.groups.values()) for (const wake of group.waiters.splice(0)) wake()
    return close(this.server)
  }

  /** Registers a community token; returns the community id. */
  addGroup(token: string, screenName?: string): { readonly id: number; readonly screenName: string } {
    const id = this.nextGroupId++
    const state: GroupState = {
      token,
      id,
      screenName: screenName ?? `club${id}`,
      events: [],
      waiters: [],
      lpKey: `key${id}`,
      callback: undefined,
      messages: new Map(),
      cmids: new Map(),
      randomIds: new Map(),
      eventAnswers: new Map(),
      blocked: new Set(),
      failures: [],
      revoked: false
    }
    this.groups.set(token, state)
    return { id, screenName: state.screenName }
  }

  /** Every API call so far (optionally of one token / method), including refused ones. */
  calls(filter: { readonly token?: string; readonly method?: string; readonly ok?: boolean } = {}): Array<VkCall> {
    return this.log.filter(
      (c) =>
        (filter.token === undefined || c.token === filter.token) &&
        (filter.method === undefined || c.method === filter.method) &&
        (filter.ok === undefined || (c.error === 0) === filter.ok)
    )
  }

  clearCalls(): void {
    this.log.length = 0
  }

  failNext(token: string, method: string, code: number, message: string, times = 1): void {
    this.group(token).failures.push({ method, code, message, times })
  }

  /** The user forbade messages from the community: `messages.send` answers error 901. */
  block(token: string, userId: number): void {
    this.group(token).blocked.add(userId)
  }

  revoke(token: string): void {
    this.group(token).revoked = true
  }

  message(token: string, peerId: number, conversationMessageId: number): StoredMessage | undefined {
    return this.group(token).messages.get(`${peerId}:${conversationMessageId}`)
  }

  /** The messages the community sent to this peer (as they are now, after edits), oldest first. */
  sentMessages(token: string, peerId: number): Array<StoredMessage> {
    return [...this.group(token).messages.values()]
      .filter((m) => m.peerId === peerId)
      .sort((a, b) => a.conversationMessageId - b.conversationMessageId)
  }

  /** The last message the community sent to this peer. */
  lastSent(token: string, peerId: number): StoredMessage {
    const sent = [...this.group(token).messages.values()].filter((m) => m.peerId === peerId)
    const last = sent.sort((a, b) => a.conversationMessageId - b.conversationMessageId).at(-1)
    if (last === undefined) throw new Error(`FakeVk: nothing was sent to ${peerId}`)
    return last
  }

  /** Makes `push` POST Callback API events to `url` instead of queueing them for long polling. */
  setCallback(token: string, url: string, secret?: string): void {
    this.group(token).callback = { url, secret }
  }

  /** Sends the Callback API confirmation request; returns the status and the body the bot answered. */
  async confirm(token: string, secret?: string): Promise<{ status: number; body: string }> {
    const group = this.group(token)
    if (group.callback === undefined) throw new Error("FakeVk: no callback url set")
    const response = await fetch(group.callback.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "confirmation", group_id: group.id, ...(secret === undefined ? {} : { secret }) })
    })
    return { status: response.status, body: await response.text() }
  }

  /** Delivers an event (long poll queue, or a Callback API POST). */
  async push(token: string, type: string, object: Record<string, unknown>, eventId?: string) {
    const group = this.group(token)
    const event = {
      group_id: group.id,
      type,
      event_id: eventId ?? `ev${(this.nextEventId++).toString(16).padStart(8, "0")}`,
      v: "5.199",
      object
    }
    if (group.callback !== undefined) {
      const body = group.callback.secret === undefined ? event : { ...event, secret: group.callback.secret }
      const response = await fetch(group.callback.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body)
      })
      return { event, status: response.status, body: await response.text() }
    }
    group.events.push(event)
    for (const wake of group.waiters.splice(0)) wake()
    return { event, status: undefined, body: undefined }
  }

  /** A message from a user (in their private dialog, or `peerId` for a group chat). */
  text(token: string, fromId: number, text: string, options: { peerId?: number; payload?: string; ref?: string } = {}) {
    const peerId = options.peerId ?? fromId
    return this.push(token, "message_new", {
      message: {
        date: Math.floor(Date.now() / 1000),
        from_id: fromId,
        id: peerId >= 2_000_000_000 ? 0 : this.nextMessageId++,
        out: 0,
        peer_id: peerId,
        text,
        conversation_message_id: this.nextCmid(this.group(token), peerId),
        fwd_messages: [],
        important: false,
        random_id: 0,
        attachments: [],
        is_hidden: false,
        ...(options.payload === undefined ? {} : { payload: options.payload }),
        ...(options.ref === undefined ? {} : { ref: options.ref, ref_source: "link" })
      },
      client_info: {
        button_actions: ["text", "vkpay", "open_app", "location", "open_link", "callback", "intent_subscribe"],
        keyboard: true,
        inline_keyboard: true,
        carousel: true,
        lang_id: 0
      }
    })
  }

  /** A photo message (attachments carry public URLs). */
  photo(token: string, fromId: number, url: string, caption = "") {
    const group = this.group(token)
    return this.push(token, "message_new", {
      message: {
        date: Math.floor(Date.now() / 1000),
        from_id: fromId,
        id: this.nextMessageId++,
        out: 0,
        peer_id: fromId,
        text: caption,
        conversation_message_id: this.nextCmid(group, fromId),
        fwd_messages: [],
        attachments: [
          {
            type: "photo",
            photo: {
              id: this.nextPhotoId++,
              owner_id: fromId,
              sizes: [
                { type: "s", url: `${url}?size=s`, width: 75, height: 75 },
                { type: "x", url, width: 604, height: 604 }
              ]
            }
          }
        ]
      },
      client_info: { button_actions: ["text", "callback"], keyboard: true, inline_keyboard: true, lang_id: 0 }
    })
  }

  /** A press of a callback button on the message with this conversation message id. */
  press(token: string, userId: number, conversationMessageId: number, payload: unknown, peerId: number = userId) {
    const eventId = `cb${(this.nextEventId++).toString(16)}`
    this.group(token).eventAnswers.set(eventId, false)
    return this.push(token, "message_event", {
      user_id: userId,
      peer_id: peerId,
      event_id: eventId,
      payload,
      conversation_message_id: conversationMessageId
    })
  }

  pendingEvents(token: string): number {
    return this.group(token).events.length
  }

  private group(token: string): GroupState {
    const group = this.groups.get(token)
    if (group === undefined) throw new Error(`FakeVk: unknown token ${token}`)
    return group
  }

  private nextCmid(group: GroupState, peerId: number): number {
    const id = (group.cmids.get(peerId) ?? 0) + 1
    group.cmids.set(peerId, id)
    return id
  }

  private async handle(req: Http.IncomingMessage, res: Http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url)
    try {
      if (url.pathname.startsWith("/files/")) {
        res.writeHead(200, { "content-type": "image/jpeg", "content-length": JPEG.length })
        return void res.end(JPEG)
      }
      if (url.pathname.startsWith("/lp/")) return await this.longPoll(url, req, res)
      if (url.pathname.startsWith("/upload/")) {
        const body = await readBody(req)
        const file = body.files.photo ?? body.files.file
        if (file === undefined || file.size === 0) return sendJson(res, 200, { server: 1, photo: "[]", hash: "" })
        const photo = JSON.stringify([{ markers_restarted: true, photo: `${file.size}:${file.filename}` }])
        return sendJson(res, 200, { server: 839_128, photo, hash: `h${file.size}` })
      }
      const match = /^\/method\/([A-Za-z]+\.[A-Za-z]+)$/.exec(url.pathname)
      if (match === null) return sendJson(res, 404, { error: "not found" })
      return await this.api(match[1]!, req, res)
    } catch (error) {
      return sendJson(res, 500, { error: String(error) })
    }
  }

  private async api(method: string, req: Http.IncomingMessage, res: Http.ServerResponse): Promise<void> {
    const params = (await readBody(req)).fields
    const token = String(params.access_token ?? "")
    const { access_token: _token, ...rest } = params
    const record = (error: number) => this.log.push({ token, method, params: rest, error, at: Date.now() })
    try {
      const group = this.groups.get(token)
      if (group === undefined || group.revoked)
        throw new VkFailure(5, "User authorization failed: invalid access_token (4).")
      if (this.limit !== false) {
        const now = Date.now()
        if (this.windows.check(token, this.limit, now) > 0) throw new VkFailure(6, "Too many requests per second")
        this.windows.record(token, now)
      }
      const injected = group.failures.find((f) => f.method === method && f.times > 0)
      if (injected !== undefined) {
        injected.times -= 1
        throw new VkFailure(injected.code, injected.message)
      }
      const response = this.call(group, method, rest)
      record(0)
      return sendJson(res, 200, { response })
    } catch (error) {
      if (!(error instanceof VkFailure)) throw error
      record(error.code)
      if (error.code === 6) this.tooManyRequests += 1
      const request_params = Object.entries(rest).map(([key, value]) => ({ key, value: String(value) }))
      return sendJson(res, 200, { error: { error_code: error.code, error_msg: error.message, request_params } })
    }
  }

  private call(group: GroupState, method: string, params: Record<string, unknown>): unknown {
    switch (method) {
      case "groups.getById":
        return {
          groups: [{ id: group.id, name: "GroupBuy", screen_name: group.screenName, type: "group" }],
          profiles: []
        }
      case "groups.getLongPollServer":
        if (Number(params.group_id) !== group.id) throw invalid("group_id")
        return { key: group.lpKey, server: `${this.url}/lp/${group.id}`, ts: String(group.events.length) }
      case "messages.send":
        return this.send(group, params)
      case "messages.edit": {
        const peerId = Number(params.peer_id)
        const cmid = Number(params.conversation_message_id ?? NaN)
        const message =
          group.messages.get(`${peerId}:${cmid}`) ??
          [...group.messages.values()].find((m) => m.id === Number(params.message_id) && m.peerId === peerId)
        if (message === undefined) throw invalid("message not found")
        const text = String(params.message ?? "")
        if (text.length > 4096) throw new VkFailure(914, "Message is too long")
        if (text === "" && params.attachment === undefined) throw invalid("message is empty")
        message.text = text
        message.keyboard = validateKeyboard(params.keyboard)
        return 1
      }
      case "messages.sendMessageEventAnswer": {
        const eventId = String(params.event_id)
        if (group.eventAnswers.get(eventId) !== false) throw invalid("event_id")
        if (params.event_data !== undefined) {
          const data = JSON.parse(String(params.event_data)) as Record<string, unknown>
          if (data.type === "show_snackbar" && (typeof data.text !== "string" || data.text.length > 90))
            throw invalid("event_data.text")
        }
        group.eventAnswers.set(eventId, true)
        return 1
      }
      case "photos.getMessagesUploadServer":
        return {
          album_id: -3,
          upload_url: `${this.url}/upload/photo?group=${group.id}`,
          user_id: 0,
          group_id: group.id
        }
      case "photos.saveMessagesPhoto": {
        if (params.photo === undefined || params.photo === "[]" || params.hash === undefined) throw invalid("photo")
        const id = this.nextPhotoId++
        return [
          {
            id,
            owner_id: -group.id,
            album_id: -3,
            access_key: `ak${id}`,
            sizes: [{ type: "x", url: `${this.url}/files/${id}.jpg`, width: 604, height: 604 }]
          }
        ]
      }
      default:
        throw new VkFailure(3, "Unknown method passed")
    }
  }

  private send(group: GroupState, params: Record<string, unknown>): unknown {
    if (params.peer_ids !== undefined) {
      // `peer_ids` (what vk-io's context.send uses for communities) answers one entry per peer.
      return String(params.peer_ids)
        .split(",")
        .map((peer) => {
          const { peer_ids: _p, ...rest } = params
          const id = this.send(group, { ...rest, peer_id: peer }) as number
          const stored = [...group.messages.values()].find((m) => m.id === id)
          return { peer_id: Number(peer), message_id: id, conversation_message_id: stored?.conversationMessageId ?? 0 }
        })
    }
    const peerId = Number(params.peer_id ?? params.user_id)
    if (!Number.isFinite(peerId)) throw invalid("peer_id")
    if (params.random_id === undefined) throw invalid("random_id is required")
    if (group.blocked.has(peerId)) throw new VkFailure(901, "Can't send messages for users without permission")
    const dedupe = `${peerId}:${String(params.random_id)}`
    const seen = group.randomIds.get(dedupe)
    if (seen !== undefined && params.random_id !== "0") return seen
    const text = String(params.message ?? "")
    if (text.length > 4096) throw new VkFailure(914, "Message is too long")
    if (text.trim() === "" && params.attachment === undefined) throw invalid("message is empty or invalid")
    const keyboard = validateKeyboard(params.keyboard)
    if (params.attachment !== undefined && !/^(photo|doc)-?\d+_\d+(_\w+)?$/.test(String(params.attachment)))
      throw invalid("attachment")
    const id = this.nextMessageId++
    const message: StoredMessage = {
      id,
      peerId,
      conversationMessageId: this.nextCmid(group, peerId),
      text,
      keyboard,
      attachment: params.attachment === undefined ? undefined : String(params.attachment),
      at: Date.now()
    }
    group.messages.set(`${peerId}:${message.conversationMessageId}`, message)
    group.randomIds.set(dedupe, id)
    return id
  }

  private async longPoll(url: URL, req: Http.IncomingMessage, res: Http.ServerResponse): Promise<void> {
    const groupId = Number(url.pathname.split("/")[2])
    const group = [...this.groups.values()].find((g) => g.id === groupId)
    if (group === undefined || url.searchParams.get("key") !== group.lpKey) return sendJson(res, 200, { failed: 2 })
    const ts = Number(url.searchParams.get("ts") ?? "0")
    if (!Number.isInteger(ts) || ts > group.events.length)
      return sendJson(res, 200, { failed: 1, ts: group.events.length })
    const wait = Math.min(25, Math.max(0, Number(url.searchParams.get("wait") ?? "0")))
    if (group.events.length === ts && wait > 0) {
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer)
          group.waiters = group.waiters.filter((w) => w !== finish)
          resolve()
        }
        const timer = setTimeout(finish, wait * 1000)
        group.waiters.push(finish)
        req.socket.once("close", finish)
      })
    }
    if (res.destroyed) return
    sendJson(res, 200, { ts: String(group.events.length), updates: group.events.slice(ts) })
  }
}
