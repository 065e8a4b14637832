// formatMessageText in plain TypeScript; assembly/messages.ts implements the same rules over UTF-8.
import { isAsciiAlnum } from "./Text.js"

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
}
const NEEDS_ESCAPE = /[&<>"']/
const ESCAPE_ALL = /[&<>"']/g

export const escapeHtml = (s: string): string => (NEEDS_ESCAPE.test(s) ? s.replace(ESCAPE_ALL, (c) => ESCAPES[c]!) : s)

/** Unreserved and reserved URL characters of RFC 3986 plus '%'; quotes, '<', '>' and '`' end a link. */
const isUrlChar = (c: number): boolean =>
  isAsciiAlnum(c) ||
  c === 45 ||
  c === 46 ||
  c === 95 ||
  c === 126 ||
  c === 58 ||
  c === 47 ||
  c === 63 ||
  c === 35 ||
  c === 91 ||
  c === 93 ||
  c === 64 ||
  c === 33 ||
  c === 36 ||
  c === 38 ||
  c === 40 ||
  c === 41 ||
  c === 42 ||
  c === 43 ||
  c === 44 ||
  c === 59 ||
  c === 61 ||
  c === 37

const TRAILING = new Set([46, 44, 59, 58, 33, 63])
const SCHEME = /https?:\/\//gi
const LINK_ATTRS = '" rel="noopener noreferrer nofollow" target="_blank">'

/**
 * Escapes & < > " ' and turns http:// and https:// URLs (any case, not preceded by an ASCII letter or digit,
 * host starting with an ASCII letter or digit) into links. Trailing . , ; : ! ? and unbalanced ) stay outside.
 */
export const formatText = (s: string): string => {
  let out = ""
  let last = 0
  SCHEME.lastIndex = 0
  for (let m = SCHEME.exec(s); m !== null; m = SCHEME.exec(s)) {
    const p = m.index
    const sl = m[0].length
    if ((p > 0 && isAsciiAlnum(s.charCodeAt(p - 1))) || p + sl >= s.length || !isAsciiAlnum(s.charCodeAt(p + sl))) {
      continue
    }
    let q = p + sl
    let opens = 0
    let closes = 0
    while (q < s.length) {
      const c = s.charCodeAt(q)
      if (!isUrlChar(c)) break
      if (c === 40) opens++
      else if (c === 41) closes++
      q++
    }
    while (q > p + sl + 1) {
      const c = s.charCodeAt(q - 1)
      if (TRAILING.has(c)) {
        q--
      } else if (c === 41 && closes > opens) {
        q--
        closes--
      } else {
        break
      }
    }
    const url = escapeHtml(s.slice(p, q))
    out += escapeHtml(s.slice(last, p)) + '<a href="' + url + LINK_ATTRS + url + "</a>"
    last = q
    SCHEME.lastIndex = q
  }
  return last === 0 ? escapeHtml(s) : out + escapeHtml(s.slice(last))
}
