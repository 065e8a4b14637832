/**
 * Small helpers for building `RichText` (spans with the safe formatting subset) and measuring it. Catalogue entries
 * use a tiny markup — `**bold**`, `__italic__`, `` `code` `` — parsed into spans *before* parameters are substituted,
 * so user content (titles, names) can never change the formatting.
 */
import type { RichText, Span } from "./Model.js"

/** Plain text as one span. */
export const plain = (text: string): RichText => (text === "" ? [] : [{ text }])

export const bold = (text: string): Span => ({ text, bold: true })
export const italic = (text: string): Span => ({ text, italic: true })
export const code = (text: string): Span => ({ text, code: true })
export const link = (text: string, href: string): Span => ({ text, href })

/** The characters of a rich text, without formatting. */
export const toPlain = (text: RichText): string => text.map((s) => s.text).join("")

/** Joins rich texts with a separator (a paragraph break by default), skipping empty parts. */
export const join = (parts: ReadonlyArray<RichText>, separator = "\n\n"): RichText => {
  const out: Array<Span> = []
  for (const part of parts) {
    if (part.length === 0 || toPlain(part) === "") continue
    if (out.length > 0) out.push({ text: separator })
    out.push(...part)
  }
  return normalize(out)
}

const sameFormat = (a: Span, b: Span) =>
  a.bold === b.bold && a.italic === b.italic && a.code === b.code && a.href === b.href

/** Merges adjacent spans of the same format and drops empty spans. */
export const normalize = (spans: ReadonlyArray<Span>): RichText => {
  const out: Array<Span> = []
  for (const span of spans) {
    if (span.text === "") continue
    const last = out[out.length - 1]
    if (last !== undefined && sameFormat(last, span)) out[out.length - 1] = { ...last, text: last.text + span.text }
    else out.push(span)
  }
  return out
}

const MARKUP = /(\*\*[^*]+\*\*|__[^_]+__|`[^`]+`)/g

/** Parses the catalogue markup into spans. */
export const parseMarkup = (template: string): RichText => {
  const spans: Array<Span> = []
  let last = 0
  for (const match of template.matchAll(MARKUP)) {
    const index = match.index
    if (index > last) spans.push({ text: template.slice(last, index) })
    const token = match[0]
    const inner = token.startsWith("`") ? token.slice(1, -1) : token.slice(2, -2)
    spans.push(
      token.startsWith("**")
        ? { text: inner, bold: true }
        : token.startsWith("__")
          ? { text: inner, italic: true }
          : { text: inner, code: true }
    )
    last = index + token.length
  }
  if (last < template.length) spans.push({ text: template.slice(last) })
  return normalize(spans)
}

/** Substitutes `{name}` placeholders in every span (values are inserted verbatim, never parsed as markup). */
export const substitute = (spans: RichText, params: Readonly<Record<string, string | number>>): RichText =>
  normalize(spans.map((span) => ({ ...span, text: fill(span.text, params) })))

/** Substitutes `{name}` placeholders in a plain string; unknown placeholders are left as they are. */
export const fill = (template: string, params: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name]
    return value === undefined ? whole : String(value)
  })
