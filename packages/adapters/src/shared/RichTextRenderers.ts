/**
 * Renders the router's `RichText` for platforms: a small HTML subset (Telegram's `parse_mode: "HTML"`) with every
 * user-supplied character escaped, or plain text where a platform has no formatting (links become "text (url)").
 */
import type { RichText, Span } from "@groupbuy/router"

const escapeHtml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

const escapeAttribute = (text: string): string => escapeHtml(text).replace(/"/g, "&quot;")

/** Only http(s) links are ever rendered as links. */
export const safeHref = (href: string | undefined): string | undefined => {
  if (href === undefined) return undefined
  try {
    const url = new URL(href)
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined
  } catch {
    return undefined
  }
}

const spanHtml = (span: Span): string => {
  let html = escapeHtml(span.text)
  if (span.code === true) html = `<code>${html}</code>`
  if (span.italic === true) html = `<i>${html}</i>`
  if (span.bold === true) html = `<b>${html}</b>`
  const href = safeHref(span.href)
  if (href !== undefined) html = `<a href="${escapeAttribute(href)}">${html}</a>`
  return html
}

/** `RichText` → HTML subset: `<b>`, `<i>`, `<code>`, `<a href>`; `&`, `<`, `>` escaped everywhere. */
export const toHtml = (text: RichText): string => text.map(spanHtml).join("")

/** `RichText` → plain text; a link whose text is not its URL is written "text (url)". */
export const toPlainText = (text: RichText): string =>
  text
    .map((span) => {
      const href = safeHref(span.href)
      return href === undefined || span.text === href || span.text === span.href ? span.text : `${span.text} (${href})`
    })
    .join("")
