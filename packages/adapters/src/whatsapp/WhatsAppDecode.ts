/**
 * A WhatsApp message → the router's `Update`. Identities are phone numbers: a message addressed by LID is mapped to the
 * phone-number JID baileys provides alongside it.
 */
import {
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
import { ChatRef, type Update } from "@groupbuy/router"

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
  const media = content.imageMessage ?? content.documentMessage
  if (media) {
    const caption = media.caption ?? undefined
    return {
      _tag: "Media",
      ref,
      updateId,
      kind: content.imageMessage ? "photo" : "file",
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
