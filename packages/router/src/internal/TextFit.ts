/**
 * The text half of `fit`: cutting long rich text into parts on the best boundary (formatting kept on both sides of a
 * cut, never between the halves of a surrogate pair) and shortening button labels.
 */
import type { RichText, Span } from "../Model.js"
import { normalize, toPlain } from "../RichTexts.js"

// ---------------------------------------------------------------------------------------------------------------
// Text splitting

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff

/** Where to cut `text` so that the first part has at most `max` UTF-16 units: paragraph, line, word, or hard. */
const cutPoint = (text: string, start: number, max: number): number => {
  const limit = start + max
  const window = text.slice(start, limit + 1)
  for (const separator of ["\n\n", "\n", " "]) {
    const at = window.lastIndexOf(separator, max)
    if (at > 0) return start + at + (at + separator.length <= max ? separator.length : 0)
  }
  // hard cut, never between the halves of a surrogate pair
  let cut = limit
  if (isHighSurrogate(text.charCodeAt(cut - 1)) && cut - 1 > start) cut -= 1
  return cut
}

/** Slices spans by character range, keeping each span's format. */
const sliceSpans = (spans: RichText, from: number, to: number): RichText => {
  const out: Array<Span> = []
  let offset = 0
  for (const span of spans) {
    const end = offset + span.text.length
    const a = Math.max(from, offset)
    const b = Math.min(to, end)
    if (a < b) out.push({ ...span, text: span.text.slice(a - offset, b - offset) })
    offset = end
  }
  return normalize(out)
}

/** Splits rich text into parts of at most `max` UTF-16 units each, on the best boundary; whitespace at cuts is dropped. */
export const splitText = (text: RichText, max: number): ReadonlyArray<RichText> => {
  const plain = toPlain(text)
  if (plain.length <= max) return [text]
  const limit = Math.max(1, max)
  const parts: Array<RichText> = []
  let start = 0
  while (start < plain.length) {
    while (start < plain.length && /\s/.test(plain[start]!)) start += 1
    if (start >= plain.length) break
    if (plain.length - start <= limit) {
      parts.push(sliceSpans(text, start, plain.length))
      break
    }
    const cut = cutPoint(plain, start, limit)
    let end = cut
    while (end > start && /\s/.test(plain[end - 1]!)) end -= 1
    if (end > start) parts.push(sliceSpans(text, start, end))
    start = cut
  }
  return parts.length === 0 ? [[]] : parts
}

// ---------------------------------------------------------------------------------------------------------------
// Labels

/** Shortens a label to `max` UTF-16 units with an ellipsis, never splitting a surrogate pair. */
export const shortenLabel = (label: string, max: number): string => {
  const clean = label.replace(/\s+/g, " ").trim()
  if (clean.length <= max) return clean
  if (max <= 1) {
    const first = Array.from(clean)[0]!
    return first.length <= max ? first : "…"
  }
  const chars = Array.from(clean)
  let out = ""
  for (const ch of chars) {
    if (out.length + ch.length + 1 > max) break
    out += ch
  }
  return `${out.trimEnd()}…`
}
