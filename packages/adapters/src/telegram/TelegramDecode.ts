/** Telegram update → the router's `Update`. Anything GroupBuy does not handle decodes to `undefined`. */
import { ChatRef, type Update } from "@groupbuy/router"
import type { Chat, Message, Update as TelegramUpdate, User } from "grammy/types"
import { parseCommand } from "../shared/ParseCommand.js"

/** The bot an update arrived at: its fleet id and its Telegram username (for `/cmd@bot` in groups). */
export interface TelegramBotIdentity {
  readonly id: string
  readonly username: string
  /** only button data starting with it are GroupBuy's (embedding); stripped before routing */
  readonly callbackPrefix?: string | undefined
}

/** Photos are referenced by Telegram file id; `encode` sends such a URL back as the file id. */
export const TELEGRAM_FILE_PREFIX = "telegram-file:"

const displayName = (user: User) => [user.first_name, user.last_name].filter((s) => s !== undefined).join(" ")

const chatRef = (bot: TelegramBotIdentity, chat: Chat, user: User): ChatRef =>
  new ChatRef({
    bot: bot.id,
    platform: "telegram",
    chatId: String(chat.id),
    userId: String(user.id),
    ...(user.language_code === undefined ? {} : { locale: user.language_code }),
    ...(user.username === undefined ? {} : { username: user.username }),
    displayName: displayName(user),
    isGroup: chat.type !== "private"
  })

const decodeMessage = (bot: TelegramBotIdentity, updateId: string, message: Message): Update | undefined => {
  const from = message.from
  if (from === undefined || from.is_bot) return undefined
  const ref = chatRef(bot, message.chat, from)
  const base = { ref, updateId }
  if (message.contact !== undefined) {
    const contact = message.contact
    return {
      _tag: "Contact",
      ...base,
      phone: contact.phone_number,
      ...(contact.first_name === "" ? {} : { firstName: contact.first_name }),
      ...(contact.last_name === undefined ? {} : { lastName: contact.last_name }),
      own: contact.user_id === from.id
    }
  }
  if (message.photo !== undefined && message.photo.length > 0) {
    const largest = message.photo[message.photo.length - 1]!
    return {
      _tag: "Media",
      ...base,
      kind: "photo",
      url: `${TELEGRAM_FILE_PREFIX}${largest.file_id}`,
      ...(message.caption === undefined ? {} : { caption: message.caption })
    }
  }
  if (message.document !== undefined) {
    return {
      _tag: "Media",
      ...base,
      kind: "file",
      url: `${TELEGRAM_FILE_PREFIX}${message.document.file_id}`,
      ...(message.caption === undefined ? {} : { caption: message.caption })
    }
  }
  if (message.text !== undefined) {
    const isCommand = message.entities?.some((e) => e.type === "bot_command" && e.offset === 0) ?? false
    if (isCommand || message.text.startsWith("/")) {
      const command = parseCommand(message.text, bot.username)
      if (command !== undefined) return { _tag: "Command", ...base, ...command }
      if (isCommand) return undefined
    }
    return { _tag: "Text", ...base, text: message.text }
  }
  return undefined
}

/** Decodes messages (text, commands, contacts, photos, documents) and inline button presses. */
export const decode = (bot: TelegramBotIdentity, update: TelegramUpdate): Update | undefined => {
  const updateId = String(update.update_id)
  if (update.message !== undefined) return decodeMessage(bot, updateId, update.message)
  const query = update.callback_query
  const prefix = bot.callbackPrefix ?? ""
  if (query !== undefined && query.data !== undefined && query.data.startsWith(prefix)) {
    const message = query.message
    const chat: Chat = message?.chat ?? { id: query.from.id, type: "private", first_name: query.from.first_name }
    return {
      _tag: "Button",
      ref: chatRef(bot, chat, query.from),
      updateId,
      data: query.data.slice(prefix.length),
      ...(message === undefined ? {} : { messageId: String(message.message_id) })
    }
  }
  return undefined
}

/** `https://t.me/<bot>?start=<payload>`: opens the bot and sends `/start <payload>`. */
export const telegramDeepLink = (username: string, payload: string): string =>
  `https://t.me/${username}?start=${encodeURIComponent(payload)}`
