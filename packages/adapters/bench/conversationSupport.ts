/**
 * The in-process Bot API both sides of the conversation benchmark talk to (a grammY API transformer, so neither side
 * pays for HTTP), and a driver that plays one user: send text or a contact, press a button by its label, wait for
 * the bot's answer. Both bots see exactly the same updates and the same fake server.
 */
import type { Update } from "grammy/types"

interface ShownMessage {
  text: string
  keyboard: ReadonlyArray<ReadonlyArray<{ readonly text: string; readonly callback_data?: string }>>
}

interface ChatState {
  readonly messages: Map<number, ShownMessage>
  /** outbound calls (sends and edits) to this chat so far */
  calls: number
  waiters: Array<() => void>
}

const inlineRows = (markup: unknown): ShownMessage["keyboard"] => {
  const rows = (markup as { inline_keyboard?: ShownMessage["keyboard"] } | undefined)?.inline_keyboard
  return rows ?? []
}

/** A fake Bot API answering in process: remembers what each chat shows, so that a user can press its buttons. */
export class FakeBotApi {
  private readonly chats = new Map<number, ChatState>()
  private messageSeq = 0
  /** every API call, by method */
  readonly methods = new Map<string, number>()

  private chat(id: number): ChatState {
    let chat = this.chats.get(id)
    if (chat === undefined) {
      chat = { messages: new Map(), calls: 0, waiters: [] }
      this.chats.set(id, chat)
    }
    return chat
  }

  /**
   * grammY's `client.fetch` for a bot: every API call of the bot — also those of the conversation plugin's own `Api`
   * instances, which do not carry transformers — is answered here after the same JSON round trip as over HTTP.
   */
  readonly fetch = (url: string | URL, init?: { readonly body?: unknown }) => {
    const method = String(url).slice(String(url).lastIndexOf("/") + 1)
    const payload = typeof init?.body === "string" ? JSON.parse(init.body) : {}
    const body = JSON.stringify(this.call(method, payload))
    return Promise.resolve({ json: () => Promise.resolve(JSON.parse(body)) })
  }

  private touched(chat: ChatState) {
    chat.calls++
    const waiters = chat.waiters
    chat.waiters = []
    for (const wake of waiters) wake()
  }

  call(method: string, payload: unknown): { ok: true; result: unknown } {
    this.methods.set(method, (this.methods.get(method) ?? 0) + 1)
    const p = (payload ?? {}) as Record<string, unknown>
    const chatId = Number(p.chat_id)
    switch (method) {
      case "sendMessage": {
        const chat = this.chat(chatId)
        const id = ++this.messageSeq
        chat.messages.set(id, { text: String(p.text), keyboard: inlineRows(p.reply_markup) })
        this.touched(chat)
        return {
          ok: true,
          result: { message_id: id, date: 0, chat: { id: chatId, type: "private", first_name: "U" }, text: p.text }
        }
      }
      case "editMessageText":
      case "editMessageReplyMarkup": {
        const chat = this.chat(chatId)
        const shown = chat.messages.get(Number(p.message_id))
        if (shown !== undefined) {
          if (method === "editMessageText") shown.text = String(p.text)
          shown.keyboard = inlineRows(p.reply_markup)
        }
        this.touched(chat)
        return { ok: true, result: true }
      }
      default:
        return { ok: true, result: true }
    }
  }

  calls(chatId: number): number {
    return this.chat(chatId).calls
  }

  /** Resolves once the chat has received more than `after` sends or edits. */
  waitCalls(chatId: number, after: number, timeoutMs = 30_000): Promise<void> {
    const chat = this.chat(chatId)
    if (chat.calls > after) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`chat ${chatId}: no answer within ${timeoutMs} ms`)), timeoutMs)
      const check = () => {
        if (chat.calls > after) {
          clearTimeout(timer)
          resolve()
        } else chat.waiters.push(check)
      }
      chat.waiters.push(check)
    })
  }

  /** The newest message of the chat showing a button whose label contains `label`. */
  findButton(chatId: number, label: string): { messageId: number; text: string; data: string } | undefined {
    const entries = [...this.chat(chatId).messages.entries()].reverse()
    for (const [messageId, shown] of entries) {
      for (const row of shown.keyboard) {
        for (const button of row) {
          if (button.text.includes(label) && button.callback_data !== undefined) {
            return { messageId, text: shown.text, data: button.callback_data }
          }
        }
      }
    }
    return undefined
  }

  /** Every text the chat shows now. */
  texts(chatId: number): ReadonlyArray<string> {
    return [...this.chat(chatId).messages.values()].map((m) => m.text)
  }

  forget(chatId: number) {
    this.chats.delete(chatId)
  }
}

export type Step = { readonly send: string } | { readonly press: string } | { readonly contact: string }

let updateSeq = 0

/** Builds the Telegram update a user's step produces, or undefined while the button is not shown yet. */
const toUpdate = (api: FakeBotApi, userId: number, step: Step): Update | undefined => {
  const from = { id: userId, is_bot: false, first_name: "Пользователь", language_code: "ru" }
  const chat = { id: userId, type: "private" as const, first_name: "Пользователь" }
  const update_id = ++updateSeq
  if ("press" in step) {
    const button = api.findButton(userId, step.press)
    if (button === undefined) return undefined
    return {
      update_id,
      callback_query: {
        id: String(update_id),
        from,
        chat_instance: String(userId),
        data: button.data,
        message: { message_id: button.messageId, date: 0, chat, text: button.text, from: { ...from, is_bot: true } }
      }
    }
  }
  const message_id = update_id
  if ("contact" in step) {
    return {
      update_id,
      message: {
        message_id,
        date: 0,
        chat,
        from,
        contact: { phone_number: step.contact, first_name: "Пользователь", user_id: userId }
      }
    }
  }
  const entities = step.send.startsWith("/")
    ? [{ type: "bot_command" as const, offset: 0, length: step.send.split(" ")[0]!.length }]
    : undefined
  return {
    update_id,
    message: { message_id, date: 0, chat, from, text: step.send, ...(entities ? { entities } : {}) }
  }
}

/**
 * Plays the steps of one user, each after the bot answered the previous one; returns the latency of each step: from
 * handing the update to the bot until its `handleUpdate` resolved and the first answer reached the API.
 */
export const playUser = async (
  api: FakeBotApi,
  handleUpdate: (update: Update) => Promise<unknown>,
  userId: number,
  steps: ReadonlyArray<Step>
): Promise<Array<number>> => {
  const latencies: Array<number> = []
  for (const step of steps) {
    let update = toUpdate(api, userId, step)
    // a button arrives in a later send of the same answer: wait for it (both bots answer before the next step)
    while (update === undefined) {
      await api.waitCalls(userId, api.calls(userId), 10_000).catch(() => {
        throw new Error(
          `user ${userId}: no button "${(step as { press: string }).press}"; shown: ${api.texts(userId).join(" | ")}`
        )
      })
      update = toUpdate(api, userId, step)
    }
    const before = api.calls(userId)
    const started = performance.now()
    await handleUpdate(update)
    await api.waitCalls(userId, before)
    latencies.push(performance.now() - started)
  }
  return latencies
}

export const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

export const summary = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return { min: sorted[0]!, median: percentile(sorted, 50), max: sorted[sorted.length - 1]! }
}
