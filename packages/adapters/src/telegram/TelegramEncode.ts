/**
 * A fitted `Reply` → Telegram Bot API calls, as plain data (method + payload) so they can be queued, retried and
 * asserted. `fit` has already made the reply fit; this only chooses the API shape: HTML text, inline keyboards with
 * the tokens as `callback_data`, Mini App buttons as `web_app` buttons in private chats (https only; elsewhere links
 * to their fallback), a one-time reply keyboard for request-contact, edits in place with a fallback to a new
 * message, and one `answerCallbackQuery` per button press.
 */
import { type Button, type Keyboard, linkOf, type Reply, webAppFallback } from "@groupbuy/router"
import type { InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup } from "grammy/types"
import { toHtml } from "../shared/RichTextRenderers.js"
import { TELEGRAM_FILE_PREFIX } from "./TelegramDecode.js"

export type TelegramMethod =
  | "sendMessage"
  | "sendPhoto"
  | "sendDocument"
  | "editMessageText"
  | "editMessageReplyMarkup"
  | "answerCallbackQuery"
  | "setMyCommands"
  | "setChatMenuButton"
  | "setWebhook"

export interface TelegramCall {
  readonly method: TelegramMethod
  readonly payload: Readonly<Record<string, unknown>>
}

/** One queued send. */
export interface TelegramOp extends TelegramCall {
  /** after the message is sent, put this inline keyboard on it (a message can carry only one kind of markup) */
  readonly attachKeyboard?: InlineKeyboardMarkup
  /** sent instead when the edit target cannot be edited (a photo, a deleted or too old message) */
  readonly fallback?: TelegramCall
}

/** Where the replies go: the chat, and for a button press the message it was on and the query to answer. */
export interface TelegramTarget {
  readonly chatId: string
  readonly messageId?: string | undefined
  readonly callbackQueryId?: string | undefined
  /** written before every button token (embedding: marks GroupBuy's buttons among the host's) */
  readonly callbackPrefix?: string | undefined
  /** a request-contact reply keyboard is still shown in this chat: the next plain message removes it */
  readonly replyKeyboardOpen?: boolean | undefined
  /** a private chat with the user: the only chat where Telegram accepts a Mini App (`web_app`) button */
  readonly privateChat?: boolean | undefined
}

export interface TelegramEncoded {
  readonly ops: ReadonlyArray<TelegramOp>
  /** the `answerCallbackQuery` for a button press: the first toast, or an empty answer that stops the spinner */
  readonly answer: TelegramCall | undefined
  /** whether a request-contact reply keyboard is shown after these ops */
  readonly replyKeyboardOpen: boolean
}

/** Telegram refuses an empty text; an invisible blank keeps a keyboard-only message valid. */
const BLANK = "\u2800"

const chatIdValue = (chatId: string): string | number => (/^-?\d{1,15}$/.test(chatId) ? Number(chatId) : chatId)

const hasContactButton = (keyboard: Keyboard | undefined): boolean =>
  keyboard?.rows.some((row) => row.some((b) => b._tag === "RequestContact")) ?? false

/** Telegram opens only https pages as Mini Apps (a `web_app` button or the chat menu button). */
export const isMiniAppUrl = (url: string): boolean => /^https:\/\/[^/?#\s]+/i.test(url)

/** How the inline buttons of one chat are drawn. */
export interface InlineOptions {
  /** written before every button token */
  readonly prefix?: string | undefined
  /** Mini App buttons may be `web_app` buttons here (a private chat); elsewhere they link to their fallback */
  readonly webApps?: boolean | undefined
}

const inlineButton = (button: Button, options: InlineOptions): InlineKeyboardButton | undefined => {
  switch (button._tag) {
    case "Action":
      return { text: button.label, callback_data: (options.prefix ?? "") + button.data }
    case "Url":
      return { text: button.label, url: button.url }
    case "WebApp":
      return options.webApps === true && isMiniAppUrl(button.url)
        ? { text: button.label, web_app: { url: button.url } }
        : inlineButton(webAppFallback(button), options)
    case "RequestContact":
      return undefined
  }
}

/** Inline keyboard of action, URL and Mini App buttons; undefined when there is nothing to show. */
export const inlineKeyboard = (
  keyboard: Keyboard | undefined,
  options: InlineOptions = {}
): InlineKeyboardMarkup | undefined => {
  if (keyboard === undefined) return undefined
  const rows = keyboard.rows
    .map((row) => row.flatMap((b) => inlineButton(b, options) ?? []))
    .filter((row) => row.length > 0)
  return rows.length === 0 ? undefined : { inline_keyboard: rows }
}

/**
 * Reply keyboard for a keyboard with a request-contact button: the contact button, and action buttons as text
 * buttons (their label comes back as text, which the router reads back through its menu). Shown once.
 */
export const contactKeyboard = (keyboard: Keyboard): ReplyKeyboardMarkup => ({
  keyboard: keyboard.rows
    .map((row) =>
      row.flatMap((b): Array<KeyboardButton> =>
        b._tag === "RequestContact"
          ? [{ text: b.label, request_contact: true }]
          : b._tag === "Action"
            ? [{ text: b.label }]
            : []
      )
    )
    .filter((row) => row.length > 0),
  resize_keyboard: true,
  one_time_keyboard: true
})

/** URL and Mini App buttons cannot ride on a reply keyboard; they are written under the text as links instead. */
const urlLines = (keyboard: Keyboard): string =>
  keyboard.rows
    .flat()
    .flatMap((b) => linkOf(b) ?? [])
    .map((link) => `\n${escape(link.label)}: ${escape(link.url)}`)
    .join("")

const escape = (text: string) => toHtml([{ text }])

const textPayload = (html: string) => ({ text: html === "" ? BLANK : html, parse_mode: "HTML" })

/** The `reply_markup` of a payload with an inline keyboard: none when there is nothing to show. */
const inlineMarkup = (inline: InlineKeyboardMarkup | undefined) =>
  inline === undefined ? {} : { reply_markup: inline }

const encodeText = (
  chatId: string | number,
  html: string,
  keyboard: Keyboard | undefined,
  removeKeyboard: boolean,
  options: InlineOptions = {}
): TelegramOp => {
  if (keyboard !== undefined && hasContactButton(keyboard)) {
    return {
      method: "sendMessage",
      payload: { chat_id: chatId, ...textPayload(html + urlLines(keyboard)), reply_markup: contactKeyboard(keyboard) }
    }
  }
  const inline = inlineKeyboard(keyboard, options)
  if (removeKeyboard) {
    const op: TelegramOp = {
      method: "sendMessage",
      payload: { chat_id: chatId, ...textPayload(html), reply_markup: { remove_keyboard: true } }
    }
    return inline === undefined ? op : { ...op, attachKeyboard: inline }
  }
  return {
    method: "sendMessage",
    payload: { chat_id: chatId, ...textPayload(html), ...inlineMarkup(inline) }
  }
}

const photoSource = (url: string) =>
  url.startsWith(TELEGRAM_FILE_PREFIX) ? url.slice(TELEGRAM_FILE_PREFIX.length) : url

/** Encodes one fitted reply (toasts are handled by `encodeAll`). */
export const encodeReply = (reply: Exclude<Reply, { _tag: "Toast" }>, target: TelegramTarget): TelegramOp => {
  const chatId = chatIdValue(target.chatId)
  const options: InlineOptions = { prefix: target.callbackPrefix, webApps: target.privateChat }
  switch (reply._tag) {
    case "Text":
      return encodeText(chatId, toHtml(reply.text), reply.keyboard, reply.removeKeyboard === true, options)
    case "Image": {
      const caption = toHtml(reply.caption)
      return {
        method: "sendPhoto",
        payload: {
          chat_id: chatId,
          photo: photoSource(reply.url),
          ...(caption === "" ? {} : { caption, parse_mode: "HTML" }),
          ...inlineMarkup(inlineKeyboard(reply.keyboard, options))
        }
      }
    }
    case "Document": {
      // Telegram fetches the link itself (by URL it takes PDF, ZIP and GIF files; the caller falls back to a link)
      const caption = toHtml(reply.caption)
      return {
        method: "sendDocument",
        payload: {
          chat_id: chatId,
          document: photoSource(reply.url),
          ...(caption === "" ? {} : { caption, parse_mode: "HTML" }),
          ...inlineMarkup(inlineKeyboard(reply.keyboard, options))
        }
      }
    }
    case "Edit": {
      const html = toHtml(reply.text)
      const send = encodeText(chatId, html, reply.keyboard, false, options)
      const messageId = reply.messageId ?? target.messageId
      if (messageId === undefined || hasContactButton(reply.keyboard)) return send
      return {
        method: "editMessageText",
        payload: {
          chat_id: chatId,
          message_id: Number(messageId),
          ...textPayload(html),
          ...inlineMarkup(inlineKeyboard(reply.keyboard, options))
        },
        fallback: send
      }
    }
  }
}

/**
 * Encodes the fitted replies of one turn, in order, and the answer to the button press that caused it. A
 * request-contact keyboard belongs to the reply that asked: the next text message removes it.
 */
export const encodeAll = (replies: ReadonlyArray<Reply>, target: TelegramTarget): TelegramEncoded => {
  const ops: Array<TelegramOp> = []
  let answer: TelegramCall | undefined
  let open = target.replyKeyboardOpen === true
  for (const reply of replies) {
    if (reply._tag === "Toast") {
      if (target.callbackQueryId !== undefined && answer === undefined) {
        answer = {
          method: "answerCallbackQuery",
          payload: {
            callback_query_id: target.callbackQueryId,
            text: reply.text,
            ...(reply.alert === true ? { show_alert: true } : {})
          }
        }
      } else {
        ops.push(encodeText(chatIdValue(target.chatId), toHtml([{ text: reply.text }]), undefined, open))
        open = false
      }
      continue
    }
    if (reply._tag === "Text" && hasContactButton(reply.keyboard)) open = true
    else if (reply._tag === "Text" && open) {
      ops.push(encodeReply({ ...reply, removeKeyboard: true }, target))
      open = false
      continue
    }
    ops.push(encodeReply(reply, target))
  }
  if (answer === undefined && target.callbackQueryId !== undefined)
    answer = { method: "answerCallbackQuery", payload: { callback_query_id: target.callbackQueryId } }
  return { ops, answer, replyKeyboardOpen: open }
}
