/**
 * A person in a chat, driving a real bot through a fake platform server: types, presses buttons by label, shares a
 * contact. Each action waits until the bot has answered (its calls settle) and returns what the user saw: one line
 * per API call, `method: text`. The same script runs over Telegram and VK, in either delivery mode.
 */
import type { FakeTelegram } from "../fakes/telegram/FakeTelegram.js"
import type { FakeVk } from "../fakes/vk/FakeVk.js"

export interface ChatDriver {
  readonly name: string
  readonly send: (user: number, text: string) => Promise<Array<string>>
  /** presses the newest button whose label contains `label` (reply-keyboard buttons send their label) */
  readonly press: (user: number, label: string) => Promise<Array<string>>
  /** presses a button on the `age`-th newest message that has it (1 = the newest), for stale-menu tests */
  readonly pressOld: (user: number, label: string, age: number) => Promise<Array<string>>
  /** shares the user's own phone: a contact on Telegram, typed on VK (no request-contact there) */
  readonly contact: (user: number, phone: string) => Promise<Array<string>>
}

/** Waits until the bot made new calls, its outbound queue is empty, and nothing new came for `quietMs`. */
const settle = async (
  count: () => number,
  before: number,
  idle: () => boolean,
  { quietMs = 150, timeoutMs = 20_000 } = {}
) => {
  const deadline = Date.now() + timeoutMs
  let seen = before
  let quietSince = Date.now()
  for (;;) {
    await new Promise((r) => setTimeout(r, 20))
    const now = count()
    if (now !== seen) {
      seen = now
      quietSince = Date.now()
    } else if (now > before && idle() && Date.now() - quietSince >= quietMs) return
    if (Date.now() > deadline) throw new Error(`the bot did not answer (calls: ${before} → ${now})`)
  }
}

const TELEGRAM_OUTPUT = new Set(["sendMessage", "editMessageText", "sendPhoto", "answerCallbackQuery"])

interface TelegramButton {
  readonly text: string
  readonly callback_data?: string
  readonly request_contact?: boolean
}

/** `idle`: whether the bot's outbound queue is empty (from its `stats`). */
export const telegramDriver = (fake: FakeTelegram, token: string, name: string, idle: () => boolean): ChatDriver => {
  const outputs = () => fake.calls({ token, ok: true }).filter((c) => TELEGRAM_OUTPUT.has(c.method))
  const act = async (action: () => Promise<unknown>) => {
    const before = outputs().length
    await action()
    await settle(() => outputs().length, before, idle)
    return outputs()
      .slice(before)
      .map((c) => `${c.method}: ${String(c.params.text ?? c.params.caption ?? "")}`)
  }
  const find = (user: number, label: string, age: number) => {
    let found = 0
    for (const message of fake.sentMessages(token, user).reverse()) {
      const markup = message.reply_markup as
        { inline_keyboard?: Array<Array<TelegramButton>>; keyboard?: Array<Array<TelegramButton>> } | undefined
      const buttons = [...(markup?.inline_keyboard ?? []), ...(markup?.keyboard ?? [])].flat()
      const button = buttons.find((b) => b.text.includes(label))
      if (button !== undefined && ++found === age) return { message, button }
    }
    throw new Error(`no button "${label}" in chat ${user}`)
  }
  const press = (user: number, label: string, age: number) =>
    act(() => {
      const { message, button } = find(user, label, age)
      if (button.callback_data !== undefined) return fake.press(token, user, message.message_id, button.callback_data)
      if (button.request_contact === true) throw new Error("use contact() for the request-contact button")
      return fake.text(token, user, button.text)
    })
  return {
    name,
    send: (user, text) => act(() => fake.text(token, user, text)),
    press: (user, label) => press(user, label, 1),
    pressOld: (user, label, age) => press(user, label, age),
    contact: (user, phone) => act(() => fake.contact(token, user, phone))
  }
}

const VK_OUTPUT = new Set(["messages.send", "messages.edit", "messages.sendMessageEventAnswer"])

interface VkKeyboard {
  readonly buttons: Array<Array<{ action: { type: string; label: string; payload?: string } }>>
}

export const vkDriver = (fake: FakeVk, token: string, name: string, idle: () => boolean): ChatDriver => {
  const outputs = () => fake.calls({ token, ok: true }).filter((c) => VK_OUTPUT.has(c.method))
  const act = async (action: () => Promise<unknown>) => {
    const before = outputs().length
    await action()
    await settle(() => outputs().length, before, idle)
    return outputs()
      .slice(before)
      .map((c) => {
        const data =
          c.params.event_data === undefined ? {} : (JSON.parse(String(c.params.event_data)) as { text?: string })
        return `${c.method}: ${String(c.params.message ?? data.text ?? "")}`
      })
  }
  const press = (user: number, label: string, age: number) =>
    act(() => {
      let found = 0
      for (const message of fake.sentMessages(token, user).reverse()) {
        const keyboard = message.keyboard as VkKeyboard | undefined
        const button = keyboard?.buttons.flat().find((b) => b.action.label.includes(label))
        if (button !== undefined && ++found === age) {
          if (button.action.type !== "callback") return fake.text(token, user, button.action.label)
          return fake.press(token, user, message.conversationMessageId, JSON.parse(button.action.payload ?? "{}"))
        }
      }
      throw new Error(`no button "${label}" in chat ${user}`)
    })
  return {
    name,
    send: (user, text) => act(() => fake.text(token, user, text)),
    press: (user, label) => press(user, label, 1),
    pressOld: (user, label, age) => press(user, label, age),
    contact: (user, phone) => act(() => fake.text(token, user, phone))
  }
}
