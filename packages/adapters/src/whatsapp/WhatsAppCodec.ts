/**
 * WhatsApp ⇄ router translation. WhatsApp shows no buttons to unofficial clients, so the capabilities say so and the
 * router sends numbered text menus; answers ("2", or the label) come back as plain text. Identities are phone
 * numbers: a message addressed by LID is mapped to the phone-number JID baileys provides alongside it.
 */
import {
  type AnyMessageContent,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isLidUser,
  isPnUser,
  jidDecode,
  jidNormalizedUser,
  normalizeMessageContent,
  type WAMessage,
  type WAMessageKey
} from "@whiskeysockets/baileys"
import {
  Capabilities,
  ChatRef,
  type Keyboard,
  type Reply,
  type RichText,
  type Span,
  type Update
} from "@groupbuy/router"
import { safeHref } from "../shared/RichTextRenderers.js"

export const capabilities = new Capabilities({
  maxTextLength: 4096,
  maxCaptionLength: 1024,
  buttons: false,
  urlButtons: false,
  requestContact: false,
  edits: false,
  media: true,
  toasts: false,
  maxButtonsPerRow: 1,
  maxRows: 12,
  maxButtonLabel: 64,
  maxCallbackBytes: 64
})

/** The media a `Media` update points at: `wa-media:<message id>`; the adapter's `fetchMedia` downloads it. */
export const MEDIA_PREFIX = "wa-media:"

/**
 * The JID to talk to and identify the sender by: the phone-number form (`79991234567@s.whatsapp.net`) when baileys
 * gives one (directly or as `remoteJidAlt` next to a LID), else the LID. Groups, broadcasts, newsletters: undefined.
 */
export const senderJid = (key: WAMessageKey): string | undefined => {
  const remote = key.remoteJid ?? undefined
  if (remote === undefined || isJidGroup(remote) || isJidBroadcast(remote) || isJidNewsletter(remote)) return undefined
  const candidates = [remote, key.remoteJidAlt].filter((jid): jid is string => typeof jid === "string" && jid !== "")
  const normalized = candidates.map((jid) => jidNormalizedUser(jid))
  return normalized.find((jid) => isPnUser(jid)) ?? normalized.find((jid) => isLidUser(jid))
}

/** The platform user id: the phone number's digits, or `lid:<id>` when only a LID is known. */
export const userIdOf = (jid: string): string => {
  const decoded = jidDecode(jid)
  if (decoded === undefined) return jid
  return isPnUser(jid) ? decoded.user : `lid:${decoded.user}`
}

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:\s+([\s\S]*))?$/

/** `waid=79991234567` in a vCard's TEL line is the WhatsApp number; otherwise the first TEL value. */
const phoneFromVcard = (vcard: string): string | undefined => {
  const waid = /waid=(\d+)/i.exec(vcard)
  if (waid !== null) return waid[1]
  const tel = /^TEL[^:]*:(.+)$/im.exec(vcard)
  const digits = tel?.[1]?.replace(/[^\d+]/g, "")
  return digits === undefined || digits === "" ? undefined : digits
}

/** A WhatsApp message → the router's `Update`; undefined for what the bot does not answer (own, group, status). */
export const decode = (bot: string, message: WAMessage): Update | undefined => {
  const key = message.key
  if (key.fromMe === true || typeof key.id !== "string") return undefined
  const jid = senderJid(key)
  const content = normalizeMessageContent(message.message)
  if (jid === undefined || content === undefined) return undefined
  const userId = userIdOf(jid)
  const ref = new ChatRef({
    bot,
    platform: "whatsapp",
    chatId: jid,
    userId,
    ...(typeof message.pushName === "string" && message.pushName !== "" ? { displayName: message.pushName } : {})
  })
  const updateId = key.id
  const text = content.conversation ?? content.extendedTextMessage?.text ?? undefined
  if (typeof text === "string" && text.trim() !== "") {
    const command = COMMAND.exec(text.trim())
    return command
      ? { _tag: "Command", ref, updateId, command: command[1]!.toLowerCase(), args: (command[2] ?? "").trim() }
      : { _tag: "Text", ref, updateId, text }
  }
  const image = content.imageMessage
  if (image) {
    const caption = image.caption ?? undefined
    return {
      _tag: "Media",
      ref,
      updateId,
      kind: "photo",
      url: `${MEDIA_PREFIX}${updateId}`,
      ...(caption ? { caption } : {})
    }
  }
  const document = content.documentMessage
  if (document) {
    const caption = document.caption ?? undefined
    return {
      _tag: "Media",
      ref,
      updateId,
      kind: "file",
      url: `${MEDIA_PREFIX}${updateId}`,
      ...(caption ? { caption } : {})
    }
  }
  const contact = content.contactMessage
  if (contact && typeof contact.vcard === "string") {
    const phone = phoneFromVcard(contact.vcard)
    if (phone === undefined) return undefined
    const digits = phone.replace(/\D/g, "")
    return {
      _tag: "Contact",
      ref,
      updateId,
      phone: phone.startsWith("+") ? phone : `+${digits}`,
      ...(contact.displayName ? { firstName: contact.displayName } : {}),
      own: isPnUser(jid) === true && digits === userId
    }
  }
  return undefined
}

/** WhatsApp's markup needs the markers right next to non-space characters: ` *bold* `, not `* bold *`. */
const wrap = (marker: string, text: string): string => {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!
  return match[2] === "" ? text : `${match[1]}${marker}${match[2]}${marker}${match[3]}`
}

const renderSpan = (span: Span): string => {
  let text = span.text
  if (span.code === true) text = wrap("```", text)
  if (span.italic === true) text = wrap("_", text)
  if (span.bold === true) text = wrap("*", text)
  const href = safeHref(span.href)
  return href === undefined || span.text === href || span.text === span.href ? text : `${text} (${href})`
}

/** `RichText` → WhatsApp text with its markup (`*bold*`, `_italic_`, ```` ```code``` ````); links as "text (url)". */
export const renderText = (text: RichText): string => text.map(renderSpan).join("")

/** `fit` leaves no buttons for WhatsApp; URL buttons that reach here anyway are written out as links. */
const keyboardLines = (keyboard: Keyboard | undefined): string =>
  (keyboard?.rows ?? [])
    .flat()
    .flatMap((button) => {
      if (button._tag !== "Url") return []
      const href = safeHref(button.url)
      return href === undefined ? [] : [`${button.label}: ${href}`]
    })
    .map((line) => `\n${line}`)
    .join("")

/** A fitted reply → the baileys message contents to send, in order; the adapter fetches `{ image: { url } }` itself. */
export const encode = (reply: Reply): ReadonlyArray<AnyMessageContent> => {
  switch (reply._tag) {
    case "Text":
    case "Edit":
      return [{ text: renderText(reply.text) + keyboardLines(reply.keyboard) }]
    case "Image": {
      const caption = renderText(reply.caption) + keyboardLines(reply.keyboard)
      // baileys reads `{ url }` from disk unless it is http(s): never let a reply name a local file
      const url = safeHref(reply.url)
      if (url === undefined) return caption === "" ? [] : [{ text: caption }]
      return [caption === "" ? { image: { url } } : { image: { url }, caption }]
    }
    case "Toast":
      return [{ text: reply.text }]
  }
}
