/**
 * A fake Telegram Bot API server on loopback for tests: the real grammY client talks to it through `apiRoot`
 * (`${apiRoot}/bot${token}/${method}`). It keeps bots, chats and sent messages, records every call, serves long
 * polling (`getUpdates` with offset and timeout) or pushes updates to a webhook with the secret header, validates
 * what the real server validates (HTML entities, text and caption limits, callback data size, Mini App buttons: https
 * only and in private chats only, edits of unknown or unchanged messages) and enforces the flood limits, answering 429
 * with `retry_after`.
 */
import type * as Http from "node:http"
import type { Window } from "../../shared/FakeServerSupport.js"
import { close, listen, readBody, sendJson, SlidingWindows } from "../../shared/FakeServerSupport.js"

export interface TelegramCall {
  readonly token: string
  readonly method: string
  readonly params: Record<string, unknown>
  /** the HTTP status the fake answered with */
  readonly status: number
  readonly at: number
}

export interface TelegramLimits {
  /** messages per bot */
  readonly global: Window
  /** messages per private chat */
  readonly perChat: Window
  /** messages per group chat */
  readonly perGroup: Window
}

/** Telegram's published flood limits: ~30 messages/s per bot, about 1/s per chat, 20/min per group. */
export const telegramLimits: TelegramLimits = {
  global: { limit: 30, windowMs: 1000 },
  perChat: { limit: 3, windowMs: 3000 },
  perGroup: { limit: 20, windowMs: 60_000 }
}

export interface FakeTelegramOptions {
  /** `false` turns flood control off */
  readonly limits?: TelegramLimits | false
  /** arrival-time jitter the limits tolerate, in ms (default 50) */
  readonly toleranceMs?: number
}

export interface StoredMessage {
  readonly message_id: number
  readonly chat: Record<string, unknown>
  readonly date: number
  text?: string
  caption?: string
  photo?: ReadonlyArray<Record<string, unknown>>
  document?: Record<string, unknown>
  reply_markup?: unknown
}

interface BotState {
  readonly token: string
  readonly id: number
  readonly username: string
  readonly firstName: string
  nextUpdateId: number
  readonly pending: Array<Record<string, unknown>>
  waiters: Array<() => void>
  webhook: { url: string; secret: string | undefined } | undefined
  readonly commands: Map<string, unknown>
  /** the chat menu button per chat id ("" for the default of every private chat) */
  readonly menuButtons: Map<string, unknown>
  readonly messages: Map<string, StoredMessage>
  readonly nextMessageId: Map<string, number>
  readonly callbacks: Map<string, boolean>
  readonly blocked: Set<string>
  readonly failures: Array<{ method: string; error: TelegramErrorBody; times: number }>
  revoked: boolean
}

export interface TelegramErrorBody {
  readonly error_code: number
  readonly description: string
  readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number }
}

class ApiFailure {
  constructor(readonly body: TelegramErrorBody) {}
}

const bad = (description: string) => new ApiFailure({ error_code: 400, description: `Bad Request: ${description}` })

const MESSAGE_METHODS = new Set([
  "sendMessage",
  "sendPhoto",
  "sendDocument",
  "editMessageText",
  "editMessageCaption",
  "editMessageReplyMarkup"
])

const ALLOWED_TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a"])
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' }

/** Parses Telegram's HTML subset the way the Bot API does; returns the visible text or fails like it. */
export const parseTelegramHtml = (html: string): string => {
  let out = ""
  const open: Array<string> = []
  let i = 0
  while (i < html.length) {
    const ch = html[i]!
    if (ch === "<") {
      const end = html.indexOf(">", i)
      if (end < 0) throw bad(`can't parse entities: Unclosed start tag at byte offset ${i}`)
      const inside = html.slice(i + 1, end)
      const closing = inside.startsWith("/")
      const name = (closing ? inside.slice(1) : inside).split(/\s/)[0]!.toLowerCase()
      if (!ALLOWED_TAGS.has(name))
        throw bad(`can't parse entities: Unsupported start tag "${name}" at byte offset ${i}`)
      if (closing) {
        if (open.pop() !== name) throw bad(`can't parse entities: Unmatched end tag at byte offset ${i}`)
      } else {
        if (name === "a" && !/^a\s+href="[^"]*"$/.test(inside)) throw bad("can't parse entities: bad <a> tag")
        open.push(name)
      }
      i = end + 1
    } else if (ch === "&") {
      const end = html.indexOf(";", i)
      const name = end < 0 ? "" : html.slice(i + 1, end)
      const decoded = ENTITIES[name] ?? (/^#\d+$/.test(name) ? String.fromCodePoint(Number(name.slice(1))) : undefined)
      if (decoded === undefined) throw bad(`can't parse entities: Character '&' is reserved at byte offset ${i}`)
      out += decoded
      i = end + 1
    } else if (ch === ">") {
      throw bad(`can't parse entities: Character '>' is reserved at byte offset ${i}`)
    } else {
      out += ch
      i += 1
    }
  }
  if (open.length > 0) throw bad("can't parse entities: Can't find end tag corresponding to start tag")
  return out
}

/** Telegram opens only https pages as Mini Apps, from a `web_app` button or the chat menu button. */
const requireMiniAppUrl = (url: unknown): void => {
  if (typeof url !== "string" || !url.startsWith("https://"))
    throw bad(`inline keyboard button Web App URL '${String(url)}' is invalid: Only HTTPS links are allowed`)
}

/** What the Bot API checks of a `reply_markup`; `web_app` buttons exist only in private chats (positive ids). */
const validateMarkup = (markup: unknown, chatId: string): void => {
  if (markup === undefined) return
  const m = (typeof markup === "string" ? JSON.parse(markup) : markup) as Record<string, unknown>
  if (Array.isArray(m.inline_keyboard)) {
    for (const row of m.inline_keyboard as Array<Array<Record<string, unknown>>>) {
      for (const button of row) {
        if (typeof button.text !== "string" || button.text === "") throw bad("text buttons are unallowed")
        const data = button.callback_data
        if (data !== undefined && (typeof data !== "string" || Buffer.byteLength(data) > 64 || data === ""))
          throw bad("BUTTON_DATA_INVALID")
        if (button.web_app !== undefined) {
          if (chatId.startsWith("-")) throw bad("BUTTON_TYPE_INVALID")
          requireMiniAppUrl((button.web_app as { url?: unknown }).url)
        } else if (data === undefined && button.url === undefined) throw bad("BUTTON_TYPE_INVALID")
      }
    }
  } else if (Array.isArray(m.keyboard)) {
    for (const row of m.keyboard as Array<Array<Record<string, unknown>>>) {
      for (const button of row) if (typeof button.text !== "string" || button.text === "") throw bad("bad keyboard")
    }
  } else if (m.remove_keyboard !== true) throw bad("unsupported reply_markup")
}

const plainText = (text: unknown, parseMode: unknown): string => {
  if (typeof text !== "string") return ""
  return parseMode === "HTML" ? parseTelegramHtml(text) : text
}

/** Builders for the updates a test injects. */
export const TelegramUpdates = {
  user: (id: number, extra: Record<string, unknown> = {}) => ({
    id,
    is_bot: false,
    first_name: `User${id}`,
    language_code: "ru",
    ...extra
  }),
  privateChat: (id: number) => ({ id, type: "private", first_name: `User${id}` }),
  groupChat: (id: number) => ({ id, type: "supergroup", title: `Group ${id}` })
}

/** Update ids grow across every fake of a process, as Telegram's do per bot: a new fake never repeats old ids. */
let updateIdBase = 0

export class FakeTelegram {
  private readonly bots = new Map<string, BotState>()
  private readonly log: Array<TelegramCall> = []
  private readonly windows: SlidingWindows
  private readonly limits: TelegramLimits | false
  private nextCallbackId = 1
  private nextBotId = 7_000_000_001
  /** how many requests were answered with 429 */
  tooManyRequests = 0

  private constructor(
    private readonly server: Http.Server,
    /** pass as grammY's `client.apiRoot` */
    readonly apiRoot: string,
    options: FakeTelegramOptions
  ) {
    this.limits = options.limits ?? telegramLimits
    this.windows = new SlidingWindows(options.toleranceMs)
  }

  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    let fake: FakeTelegram | undefined
    const { server, url } = await listen((req, res) => void fake!.handle(req, res))
    fake = new FakeTelegram(server, url, options)
    return fake
  }

  close(): Promise<void> {
    for (const bot of this.bots.values()) for (const wake of bot.waiters.splice(0)) wake()
    return close(this.server)
  }

  /** Registers a bot token; returns the bot's user id and username. */
  addBot(token: string, info: { readonly username?: string; readonly firstName?: string } = {}) {
    const id = this.nextBotId++
    const state: BotState = {
      token,
      id,
      username: info.username ?? `groupbuy_${id}_bot`,
      firstName: info.firstName ?? "GroupBuy",
      nextUpdateId: (updateIdBase += 1_000_000),
      pending: [],
      waiters: [],
      webhook: undefined,
      commands: new Map(),
      menuButtons: new Map(),
      messages: new Map(),
      nextMessageId: new Map(),
      callbacks: new Map(),
      blocked: new Set(),
      failures: [],
      revoked: false
    }
    this.bots.set(token, state)
    return { id, username: state.username }
  }

  /** Every call so far (optionally of one bot / one method), in arrival order, including refused ones. */
  calls(
    filter: { readonly token?: string; readonly method?: string; readonly ok?: boolean } = {}
  ): Array<TelegramCall> {
    return this.log.filter(
      (c) =>
        (filter.token === undefined || c.token === filter.token) &&
        (filter.method === undefined || c.method === filter.method) &&
        (filter.ok === undefined || (c.status === 200) === filter.ok)
    )
  }

  /** Forgets the recorded calls (the bots, chats and messages stay). */
  clearCalls(): void {
    this.log.length = 0
  }

  /** The next `times` calls of `method` by this bot fail with `error`. */
  failNext(token: string, method: string, error: TelegramErrorBody, times = 1): void {
    this.bot(token).failures.push({ method, error, times })
  }

  /** The user blocked the bot: sending to this chat answers 403. */
  block(token: string, chatId: number): void {
    this.bot(token).blocked.add(String(chatId))
  }

  /** The user unblocked the bot. */
  unblock(token: string, chatId: number): void {
    this.bot(token).blocked.delete(String(chatId))
  }

  /** The token was revoked: every call answers 401. */
  revoke(token: string): void {
    this.bot(token).revoked = true
  }

  commands(token: string, languageCode = ""): unknown {
    return this.bot(token).commands.get(languageCode)
  }

  /** The chat menu button set for this chat, or the default one of every private chat without `chatId`. */
  menuButton(token: string, chatId?: number): unknown {
    return this.bot(token).menuButtons.get(chatId === undefined ? "" : String(chatId)) ?? { type: "default" }
  }

  message(token: string, chatId: number, messageId: number): StoredMessage | undefined {
    return this.bot(token).messages.get(`${chatId}:${messageId}`)
  }

  /** The messages the bot sent to this chat (as they are now, after edits), oldest first. */
  sentMessages(token: string, chatId: number): Array<StoredMessage> {
    return [...this.bot(token).messages.values()]
      .filter((m) => m.chat.id === chatId)
      .sort((a, b) => a.message_id - b.message_id)
  }

  /** The id of the last message the bot sent to this chat. */
  lastSent(token: string, chatId: number): number {
    const ids = [...this.bot(token).messages.values()].filter((m) => m.chat.id === chatId).map((m) => m.message_id)
    if (ids.length === 0) throw new Error(`FakeTelegram: nothing was sent to ${chatId}`)
    return Math.max(...ids)
  }

  webhook(token: string) {
    return this.bot(token).webhook
  }

  /**
   * Delivers an update (an `update_id` is assigned unless given): queued for `getUpdates`, or POSTed to the webhook
   * with the bot's secret when one is set. Returns the update and, for webhooks, the HTTP status it got.
   */
  async push(
    token: string,
    body: Record<string, unknown>
  ): Promise<{ update: Record<string, unknown>; status?: number }> {
    const bot = this.bot(token)
    const update = { update_id: body.update_id ?? bot.nextUpdateId++, ...body }
    if (typeof body.callback_query === "object" && body.callback_query !== null) {
      bot.callbacks.set(String((body.callback_query as Record<string, unknown>).id), false)
    }
    if (bot.webhook !== undefined) {
      const response = await fetch(bot.webhook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(bot.webhook.secret === undefined ? {} : { "x-telegram-bot-api-secret-token": bot.webhook.secret })
        },
        body: JSON.stringify(update)
      })
      await response.text()
      return { update, status: response.status }
    }
    bot.pending.push(update)
    for (const wake of bot.waiters.splice(0)) wake()
    return { update }
  }

  /** A text message from a user in a private chat (or `chat` when given). */
  text(token: string, from: number, text: string, chat?: Record<string, unknown>) {
    const entities = text.startsWith("/")
      ? [{ type: "bot_command", offset: 0, length: text.split(/\s/)[0]!.length }]
      : undefined
    return this.push(token, {
      message: {
        message_id: this.nextIncomingId(token, chat?.id ?? from),
        date: Math.floor(Date.now() / 1000),
        chat: chat ?? TelegramUpdates.privateChat(from),
        from: TelegramUpdates.user(from),
        text,
        ...(entities ? { entities } : {})
      }
    })
  }

  /** A press of an inline button on a message the bot sent. */
  press(token: string, from: number, messageId: number, data: string, chatId: number = from) {
    const message = this.bot(token).messages.get(`${chatId}:${messageId}`)
    const id = String(this.nextCallbackId++)
    return this.push(token, {
      callback_query: {
        id,
        from: TelegramUpdates.user(from),
        chat_instance: `ci${chatId}`,
        data,
        message: message ?? {
          message_id: messageId,
          date: 0,
          chat: chatId > 0 ? TelegramUpdates.privateChat(chatId) : TelegramUpdates.groupChat(chatId)
        }
      }
    })
  }

  /** The user shares a contact (their own by default, as the request-contact button does). */
  contact(token: string, from: number, phone: string, ownerId: number = from) {
    return this.push(token, {
      message: {
        message_id: this.nextIncomingId(token, from),
        date: Math.floor(Date.now() / 1000),
        chat: TelegramUpdates.privateChat(from),
        from: TelegramUpdates.user(from),
        contact: { phone_number: phone, first_name: `User${ownerId}`, user_id: ownerId }
      }
    })
  }

  photo(token: string, from: number, fileId: string, caption?: string) {
    return this.push(token, {
      message: {
        message_id: this.nextIncomingId(token, from),
        date: Math.floor(Date.now() / 1000),
        chat: TelegramUpdates.privateChat(from),
        from: TelegramUpdates.user(from),
        photo: [
          { file_id: `${fileId}-small`, file_unique_id: "s", width: 90, height: 90 },
          { file_id: fileId, file_unique_id: "b", width: 800, height: 800 }
        ],
        ...(caption === undefined ? {} : { caption })
      }
    })
  }

  /** The updates still waiting to be fetched by `getUpdates`. */
  pendingUpdates(token: string): number {
    return this.bot(token).pending.length
  }

  private bot(token: string): BotState {
    const bot = this.bots.get(token)
    if (bot === undefined) throw new Error(`FakeTelegram: unknown bot token ${token}`)
    return bot
  }

  private nextIncomingId(token: string, chatId: unknown): number {
    const bot = this.bot(token)
    const key = String(chatId)
    const id = (bot.nextMessageId.get(key) ?? 1) + 0
    bot.nextMessageId.set(key, id + 1)
    return id
  }

  private async handle(req: Http.IncomingMessage, res: Http.ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)/.exec(new URL(req.url ?? "/", this.apiRoot).pathname)
    if (match === null) return sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found" })
    const token = decodeURIComponent(match[1]!)
    const method = match[2]!
    let params: Record<string, unknown> = {}
    const record = (status: number) => this.log.push({ token, method, params, status, at: Date.now() })
    try {
      params = (await readBody(req)).fields
      const bot = this.bots.get(token)
      if (bot === undefined || bot.revoked) throw new ApiFailure({ error_code: 401, description: "Unauthorized" })
      const injected = bot.failures.find((f) => f.method === method && f.times > 0)
      if (injected !== undefined) {
        injected.times -= 1
        throw new ApiFailure(injected.error)
      }
      this.enforceLimits(bot, method, params)
      const result = await this.call(bot, method, params, req)
      record(200)
      return sendJson(res, 200, { ok: true, result })
    } catch (error) {
      if (error instanceof ApiFailure) {
        record(error.body.error_code)
        if (error.body.error_code === 429) this.tooManyRequests += 1
        return sendJson(res, error.body.error_code, { ok: false, ...error.body })
      }
      record(500)
      return sendJson(res, 500, { ok: false, error_code: 500, description: String(error) })
    }
  }

  private enforceLimits(bot: BotState, method: string, params: Record<string, unknown>): void {
    if (this.limits === false || !MESSAGE_METHODS.has(method)) return
    const now = Date.now()
    const chatId = String(params.chat_id)
    const group = chatId.startsWith("-")
    const checks: Array<[string, Window]> = [
      [`${bot.token}`, this.limits.global],
      [`${bot.token}:${chatId}`, group ? this.limits.perGroup : this.limits.perChat]
    ]
    for (const [key, window] of checks) {
      const waitMs = this.windows.check(key, window, now)
      if (waitMs > 0) {
        const retryAfter = Math.max(1, Math.ceil(waitMs / 1000))
        throw new ApiFailure({
          error_code: 429,
          description: `Too Many Requests: retry after ${retryAfter}`,
          parameters: { retry_after: retryAfter }
        })
      }
    }
    for (const [key] of checks) this.windows.record(key, now)
  }

  private storeOutgoing(bot: BotState, chatId: string, content: Omit<StoredMessage, "message_id" | "chat" | "date">) {
    const id = bot.nextMessageId.get(chatId) ?? 1
    bot.nextMessageId.set(chatId, id + 1)
    const numeric = Number(chatId)
    const message: StoredMessage = {
      message_id: id,
      chat: numeric > 0 ? TelegramUpdates.privateChat(numeric) : TelegramUpdates.groupChat(numeric),
      date: Math.floor(Date.now() / 1000),
      ...content
    }
    bot.messages.set(`${chatId}:${id}`, message)
    return { ...message, from: { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username } }
  }

  private target(bot: BotState, params: Record<string, unknown>): StoredMessage {
    const key = `${String(params.chat_id)}:${String(params.message_id)}`
    const message = bot.messages.get(key)
    if (message === undefined) throw bad("message to edit not found")
    return message
  }

  private requireChat(bot: BotState, params: Record<string, unknown>): string {
    if (params.chat_id === undefined || params.chat_id === "") throw bad("chat_id is empty")
    const chatId = String(params.chat_id)
    if (bot.blocked.has(chatId))
      throw new ApiFailure({ error_code: 403, description: "Forbidden: bot was blocked by the user" })
    return chatId
  }

  private async call(
    bot: BotState,
    method: string,
    params: Record<string, unknown>,
    req: Http.IncomingMessage
  ): Promise<unknown> {
    switch (method) {
      case "getMe":
        return {
          id: bot.id,
          is_bot: true,
          first_name: bot.firstName,
          username: bot.username,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false
        }
      case "deleteWebhook":
        bot.webhook = undefined
        if (params.drop_pending_updates === true || params.drop_pending_updates === "true") bot.pending.length = 0
        return true
      case "setWebhook": {
        if (typeof params.url !== "string" || !/^https?:\/\//.test(params.url)) throw bad("bad webhook: invalid url")
        const secret = params.secret_token
        if (secret !== undefined && (typeof secret !== "string" || !/^[A-Za-z0-9_-]{1,256}$/.test(secret)))
          throw bad("bad webhook: secret token contains unallowed characters")
        bot.webhook = { url: params.url, secret: secret as string | undefined }
        return true
      }
      case "getWebhookInfo":
        return { url: bot.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: bot.pending.length }
      case "getUpdates":
        return this.getUpdates(bot, params, req)
      case "setMyCommands": {
        const commands = params.commands as Array<{ command: string; description: string }>
        for (const c of commands) {
          if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad("BOT_COMMAND_INVALID")
          if (c.description.length < 1 || c.description.length > 256) throw bad("BOT_COMMAND_DESCRIPTION_INVALID")
        }
        bot.commands.set(String(params.language_code ?? ""), commands)
        return true
      }
      case "setChatMenuButton": {
        const button = (params.menu_button ?? { type: "default" }) as Record<string, unknown>
        if (button.type === "web_app") {
          const url = (button.web_app as { url?: unknown } | undefined)?.url
          if (typeof button.text !== "string" || button.text === "") throw bad("menu button text is empty")
          requireMiniAppUrl(url)
        } else if (button.type !== "default" && button.type !== "commands") throw bad("unsupported menu button type")
        bot.menuButtons.set(params.chat_id === undefined ? "" : String(params.chat_id), button)
        return true
      }
      case "getChatMenuButton":
        return bot.menuButtons.get(params.chat_id === undefined ? "" : String(params.chat_id)) ?? { type: "default" }
      case "getMyCommands":
        return bot.commands.get(String(params.language_code ?? "")) ?? []
      case "sendChatAction":
        this.requireChat(bot, params)
        return true
      case "sendMessage": {
        const chatId = this.requireChat(bot, params)
        const text = plainText(params.text, params.parse_mode)
        if (text.trim() === "") throw bad("message text is empty")
        if (text.length > 4096) throw bad("message is too long")
        validateMarkup(params.reply_markup, String(params.chat_id))
        return this.storeOutgoing(bot, chatId, { text, reply_markup: params.reply_markup })
      }
      case "sendPhoto": {
        const chatId = this.requireChat(bot, params)
        if (typeof params.photo !== "string" || params.photo === "") throw bad("there is no photo in the request")
        const caption = plainText(params.caption, params.parse_mode)
        if (caption.length > 1024) throw bad("message caption is too long")
        validateMarkup(params.reply_markup, String(params.chat_id))
        return this.storeOutgoing(bot, chatId, {
          ...(caption === "" ? {} : { caption }),
          photo: [{ file_id: `photo-${params.photo}`, file_unique_id: "u", width: 800, height: 600 }],
          reply_markup: params.reply_markup
        })
      }
      case "sendDocument": {
        const chatId = this.requireChat(bot, params)
        if (typeof params.document !== "string" || params.document === "")
          throw bad("there is no document in the request")
        const caption = plainText(params.caption, params.parse_mode)
        if (caption.length > 1024) throw bad("message caption is too long")
        validateMarkup(params.reply_markup, String(params.chat_id))
        return this.storeOutgoing(bot, chatId, {
          ...(caption === "" ? {} : { caption }),
          document: { file_id: `document-${params.document}`, file_unique_id: "u" },
          reply_markup: params.reply_markup
        })
      }
      case "editMessageText": {
        this.requireChat(bot, params)
        const message = this.target(bot, params)
        if (message.text === undefined) throw bad("there is no text in the message to edit")
        const text = plainText(params.text, params.parse_mode)
        if (text.trim() === "") throw bad("message text is empty")
        if (text.length > 4096) throw bad("MESSAGE_TOO_LONG")
        validateMarkup(params.reply_markup, String(params.chat_id))
        if (text === message.text && JSON.stringify(params.reply_markup) === JSON.stringify(message.reply_markup))
          throw bad(
            "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
          )
        message.text = text
        message.reply_markup = params.reply_markup
        return message
      }
      case "editMessageCaption": {
        this.requireChat(bot, params)
        const message = this.target(bot, params)
        if (message.photo === undefined) throw bad("there is no caption in the message to edit")
        const caption = plainText(params.caption, params.parse_mode)
        if (caption.length > 1024) throw bad("MEDIA_CAPTION_TOO_LONG")
        validateMarkup(params.reply_markup, String(params.chat_id))
        message.caption = caption
        message.reply_markup = params.reply_markup
        return message
      }
      case "editMessageReplyMarkup": {
        this.requireChat(bot, params)
        const message = this.target(bot, params)
        validateMarkup(params.reply_markup, String(params.chat_id))
        message.reply_markup = params.reply_markup
        return message
      }
      case "answerCallbackQuery": {
        const id = String(params.callback_query_id)
        const answered = bot.callbacks.get(id)
        if (answered !== false) throw bad("query is too old and response timeout expired or query ID is invalid")
        if (typeof params.text === "string" && params.text.length > 200) throw bad("MESSAGE_TOO_LONG")
        bot.callbacks.set(id, true)
        return true
      }
      default:
        throw new ApiFailure({ error_code: 404, description: "Not Found: method not found" })
    }
  }

  private getUpdates(bot: BotState, params: Record<string, unknown>, req: Http.IncomingMessage): Promise<unknown> {
    if (bot.webhook !== undefined)
      throw new ApiFailure({
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
      })
    const offset = Number(params.offset ?? 0)
    if (offset > 0) {
      const keep = bot.pending.filter((u) => Number(u.update_id) >= offset)
      bot.pending.splice(0, bot.pending.length, ...keep)
    }
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)))
    const timeout = Math.min(50, Math.max(0, Number(params.timeout ?? 0)))
    const take = () => bot.pending.slice(0, limit)
    if (bot.pending.length > 0 || timeout === 0) return Promise.resolve(take())
    return new Promise((resolve) => {
      let done = false
      const finish = () => {
        if (done) return
        done = true
        clearTimeout(timer)
        bot.waiters = bot.waiters.filter((w) => w !== finish)
        resolve(take())
      }
      const timer = setTimeout(finish, timeout * 1000)
      bot.waiters.push(finish)
      req.socket.once("close", finish)
    })
  }
}
