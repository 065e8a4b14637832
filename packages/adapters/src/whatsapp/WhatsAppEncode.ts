/** A fitted reply → baileys message contents: WhatsApp's own markup, links written out. */
import type { AnyMessageContent } from "@whiskeysockets/baileys"
import { type Keyboard, linkOf, type Reply, type RichText, type Span } from "@groupbuy/router"
import { safeHref } from "../shared/RichTextRenderers.js"

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

/**
 * `fit` leaves no buttons for WhatsApp; URL buttons that reach here anyway are written out as links (a Mini App
 * button as its fallback link: WhatsApp opens no Mini Apps).
 */
const keyboardLines = (keyboard: Keyboard | undefined): string =>
  (keyboard?.rows ?? [])
    .flat()
    .flatMap((button) => linkOf(button) ?? [])
    .flatMap((link) => {
      const href = safeHref(link.url)
      return href === undefined ? [] : [`${link.label}: ${href}`]
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
    case "Document": {
      // capability documents is off here: a file goes as its caption and link
      const caption = renderText(reply.caption)
      const url = safeHref(reply.url)
      const line = url === undefined ? reply.name : `${reply.name}: ${url}`
      return [{ text: (caption === "" ? line : `${caption}\n${line}`) + keyboardLines(reply.keyboard) }]
    }
    case "Toast":
      return [{ text: reply.text }]
  }
}
