/**
 * VK Callback API / Bots Long Poll events (the same JSON in both modes) → the router's `Update`. Messages from users
 * (text, commands, the "Начать" button, `vk.me/…?ref=` deep links, photos, documents) and callback-button presses;
 * everything else decodes to `undefined`. Update ids are stable across re-deliveries: the message id (or peer and
 * conversation message id in group chats, where the id is 0) and the callback event id.
 */
import { ChatRef, type Update } from "@groupbuy/router"
import { parseCommand } from "../shared/ParseCommand.js"

export interface VkBotIdentity {
  /** the fleet id */
  readonly id: string
  /** the community id */
  readonly groupId: number
}

/** Group chats have peer ids from 2 000 000 000 on. */
export const GROUP_CHAT_PEER = 2_000_000_000

const LANGUAGES: Record<number, string> = { 0: "ru", 1: "uk", 2: "be", 3: "en", 4: "es", 5: "fi", 6: "de", 7: "it" }

/** VK escapes message text as HTML. */
const unescape = (text: string): string =>
  text
    .replace(/<br>/g, "\n")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#33;/g, "!")
    .replace(/&amp;/g, "&")

type Json = Record<string, unknown>

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined)
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined)

const parseJson = (raw: unknown): unknown => {
  if (typeof raw !== "string") return raw
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}

/** The button payload this adapter writes: `{"d":"<token>"}`. */
export const buttonPayload = (data: string): string => JSON.stringify({ d: data })

const tokenOf = (payload: unknown): string | undefined => {
  const parsed = parseJson(payload)
  return typeof parsed === "object" && parsed !== null ? str((parsed as Json).d) : undefined
}

const ref = (bot: VkBotIdentity, peerId: number, userId: number, langId: number | undefined) =>
  new ChatRef({
    bot: bot.id,
    platform: "vk",
    chatId: String(peerId),
    userId: String(userId),
    ...(langId === undefined || LANGUAGES[langId] === undefined ? {} : { locale: LANGUAGES[langId] }),
    isGroup: peerId >= GROUP_CHAT_PEER
  })

/** In group chats a message to the community starts with its mention: `[club123|@groupbuy] /start`. */
const stripMention = (text: string, groupId: number): string =>
  text.replace(new RegExp(`^\\[(?:club|public)${groupId}\\|[^\\]]*\\][,:]?\\s*`), "")

const largestPhotoUrl = (photo: Json): string | undefined => {
  const sizes = Array.isArray(photo.sizes) ? (photo.sizes as Array<Json>) : []
  const best = [...sizes].sort(
    (a, b) => (num(b.width) ?? 0) * (num(b.height) ?? 0) - (num(a.width) ?? 0) * (num(a.height) ?? 0)
  )[0]
  return best === undefined ? undefined : str(best.url)
}

const decodeMessage = (bot: VkBotIdentity, object: Json): Update | undefined => {
  const message = (object.message ?? object) as Json
  const clientInfo = object.client_info as Json | undefined
  const peerId = num(message.peer_id)
  const fromId = num(message.from_id)
  if (peerId === undefined || fromId === undefined || fromId <= 0 || message.out === 1) return undefined
  const id = num(message.id) ?? 0
  const cmid = num(message.conversation_message_id) ?? 0
  const updateId = id > 0 ? `m${id}` : `c${peerId}:${cmid}`
  const base = { ref: ref(bot, peerId, fromId, num(clientInfo?.lang_id)), updateId }
  const text = stripMention(unescape(str(message.text) ?? ""), bot.groupId)

  const payload = parseJson(message.payload)
  if (typeof payload === "object" && payload !== null) {
    const p = payload as Json
    if (p.command === "start") return { _tag: "Command", ...base, command: "start", args: str(message.ref) ?? "" }
    const token = str(p.d)
    if (token !== undefined) return { _tag: "Button", ...base, data: token }
  }
  const deepLink = str(message.ref)
  if (deepLink !== undefined && deepLink !== "" && !text.startsWith("/"))
    return { _tag: "Command", ...base, command: "start", args: deepLink }

  const attachments = Array.isArray(message.attachments) ? (message.attachments as Array<Json>) : []
  for (const attachment of attachments) {
    if (attachment.type === "photo") {
      const url = largestPhotoUrl(attachment.photo as Json)
      if (url !== undefined)
        return { _tag: "Media", ...base, kind: "photo", url, ...(text === "" ? {} : { caption: text }) }
    }
    if (attachment.type === "doc") {
      const url = str((attachment.doc as Json).url)
      if (url !== undefined)
        return { _tag: "Media", ...base, kind: "file", url, ...(text === "" ? {} : { caption: text }) }
    }
  }
  if (text.startsWith("/")) {
    const command = parseCommand(text)
    if (command !== undefined) return { _tag: "Command", ...base, ...command }
  }
  if (text.trim() === "") return undefined
  return { _tag: "Text", ...base, text }
}

const decodeEvent = (bot: VkBotIdentity, object: Json): Update | undefined => {
  const peerId = num(object.peer_id)
  const userId = num(object.user_id)
  const eventId = str(object.event_id)
  const data = tokenOf(object.payload)
  if (peerId === undefined || userId === undefined || eventId === undefined || data === undefined) return undefined
  const cmid = num(object.conversation_message_id)
  return {
    _tag: "Button",
    ref: ref(bot, peerId, userId, undefined),
    updateId: `e${eventId}`,
    data,
    ...(cmid === undefined ? {} : { messageId: String(cmid) })
  }
}

/** Decodes one event given its `type` and `object`. */
export const decode = (bot: VkBotIdentity, type: string, object: unknown): Update | undefined => {
  if (typeof object !== "object" || object === null) return undefined
  if (type === "message_new") return decodeMessage(bot, object as Json)
  if (type === "message_event") return decodeEvent(bot, object as Json)
  return undefined
}

/** `https://vk.me/<community>?ref=<payload>`: opens the dialog; the first message carries `ref`. */
export const vkDeepLink = (screenName: string, payload: string): string =>
  `https://vk.me/${screenName}?ref=${encodeURIComponent(payload)}`
