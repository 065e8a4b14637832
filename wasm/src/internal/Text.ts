// Text rules shared by both backends; assembly/text.ts implements the same rules over UTF-16 in linear memory.

interface WellFormedString {
  isWellFormed?: () => boolean
  toWellFormed?: () => string
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Lone surrogates become U+FFFD (String.prototype.toWellFormed); the wasm bridge does the same in the kernel. */
export const wellFormed = (s: string): string => {
  const w = s as unknown as WellFormedString
  if (w.isWellFormed !== undefined && w.toWellFormed !== undefined) return w.isWellFormed() ? s : w.toWellFormed()
  return s.replace(LONE_SURROGATE, "\uFFFD")
}

/** A string argument, or "" for anything else (untyped callers). */
export const text = (value: unknown): string => (typeof value === "string" ? wellFormed(value) : "")

const FOLD_FAST = /^[\u0000-\u007f\u0400-\u045f]*$/
const FOLD_CHARS = /[A-Z\u0400-\u042f\u0451]/g

const foldChar = (c: string): string => {
  const u = c.charCodeAt(0)
  if (u <= 90) return String.fromCharCode(u + 32)
  if (u === 0x401 || u === 0x451) return "е"
  return String.fromCharCode(u < 0x410 ? u + 0x50 : u + 0x20)
}

/**
 * Case folding: A-Z -> a-z, U+0400-U+040F -> U+0450-U+045F, U+0410-U+042F -> U+0430-U+044F, then ё -> е.
 * No other character changes (Latin-1, Greek, etc. are compared as written).
 */
export const fold = (s: string): string => {
  if (FOLD_FAST.test(s)) {
    const lower = s.toLowerCase()
    return lower.includes("ё") ? lower.replaceAll("ё", "е") : lower
  }
  return s.replace(FOLD_CHARS, foldChar)
}

export const isAsciiAlnum = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/** Word separators: ASCII non-alphanumerics, NBSP, « », General Punctuation, ideographic space, BOM. */
export const isSeparator = (cp: number): boolean => {
  if (cp < 0x80) return !isAsciiAlnum(cp)
  return cp === 0xa0 || cp === 0xab || cp === 0xbb || (cp >= 0x2000 && cp <= 0x206f) || cp === 0x3000 || cp === 0xfeff
}

/** Is the code point starting at UTF-16 index i a separator (astral code points never are). */
export const separatorAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i)
  return c >= 0xd800 && c <= 0xdbff ? false : isSeparator(c)
}

/** Is the code point ending just before UTF-16 index i a separator. */
export const separatorBefore = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i - 1)
  return c >= 0xdc00 && c <= 0xdfff ? false : isSeparator(c)
}

/** Exactly the set String.prototype.trim removes (all of it is in the BMP). */
export const isSpace = (c: number): boolean => {
  if (c === 0x20 || (c >= 9 && c <= 13)) return true
  if (c < 0xa0) return false
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  )
}

export const trimSpaces = (s: string): string => {
  let a = 0
  let b = s.length
  while (a < b && isSpace(s.charCodeAt(a))) a++
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--
  return a === 0 && b === s.length ? s : s.slice(a, b)
}

export const codePointCount = (s: string, from = 0, to = s.length): number => {
  let n = 0
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xdc00 || c > 0xdfff) n++
  }
  return n
}

const HIGH = /[\uD800-\uFFFF]/

/** Needs the code point aware comparison (contains a surrogate or a character above it). */
export const hasHighUnits = (s: string): boolean => HIGH.test(s)

const sortableUnit = (c: number): number => (c >= 0xe000 ? c - 0x800 : c >= 0xd800 ? c + 0x2000 : c)

/** Code point order (the order of UTF-8 bytes), which differs from `<` when astral characters meet U+E000-U+FFFF. */
export const compareCodePoints = (a: string, b: string): number => {
  const n = a.length < b.length ? a.length : b.length
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return sortableUnit(x) < sortableUnit(y) ? -1 : 1
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0
}

export const upperCodePoint = (cp: number): number => {
  if (cp >= 97 && cp <= 122) return cp - 32
  if (cp >= 0x430 && cp <= 0x44f) return cp - 0x20
  if (cp >= 0x450 && cp <= 0x45f) return cp - 0x50
  return cp
}

/** FNV-1a over the UTF-16LE bytes of s. */
export const fnv1aUtf16 = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i)
    h = Math.imul(h ^ (u & 0xff), 0x01000193)
    h = Math.imul(h ^ (u >>> 8), 0x01000193)
  }
  return h >>> 0
}

export const MAX_TOKENS = 16

export interface Token {
  readonly text: string
  readonly codePoints: number
}

/**
 * Calls `word(start, end, codePoints)` for each word of s (a maximal run without separators, as UTF-16 indices)
 * in order, until it returns true; returns whether one did.
 */
export const someWord = (s: string, word: (start: number, end: number, codePoints: number) => boolean): boolean => {
  let i = 0
  while (i < s.length) {
    if (separatorAt(s, i)) {
      i++
      continue
    }
    const start = i
    let cps = 0
    while (i < s.length && !separatorAt(s, i)) {
      const c = s.charCodeAt(i)
      i += c >= 0xd800 && c <= 0xdbff ? 2 : 1
      cps++
    }
    if (word(start, i, cps)) return true
  }
  return false
}

/** The folded query split into at most MAX_TOKENS words. */
export const tokenize = (query: string): Array<Token> => {
  const q = fold(query)
  const tokens: Array<Token> = []
  someWord(q, (start, end, codePoints) => tokens.push({ text: q.slice(start, end), codePoints }) >= MAX_TOKENS)
  return tokens
}
