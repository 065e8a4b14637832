// Message kernels: XSS-safe formatting with links, batch processing and full-text search.
import { heapAlloc } from "./heap"
import { dayNumber, putDate, putTime, splitDay, validDate } from "./format"
import { find, strAt, tokenAt, tokenize, tokenLength } from "./procurements"
import {
  decode,
  decodedLength,
  fnv1a,
  foldInPlace,
  isAsciiAlnum,
  isSeparator,
  trim,
  trimEnd,
  upperCodePoint
} from "./text"
import { putCodePoint, putUnit, putUnits, reserve, writerBegin, writerEnd, writerUnits } from "./writer"

export const PALETTE_SIZE: u32 = 12

function lowerAscii(b: u32): u32 {
  return b >= 65 && b <= 90 ? b + 32 : b
}

/** Unreserved and reserved URL characters of RFC 3986 plus '%'; quotes, '<', '>' and '`' end a link. */
function isUrlChar(b: u32): bool {
  if (isAsciiAlnum(b)) return true
  return (
    b == 45 || // -
    b == 46 || // .
    b == 95 || // _
    b == 126 || // ~
    b == 58 || // :
    b == 47 || // /
    b == 63 || // ?
    b == 35 || // #
    b == 91 || // [
    b == 93 || // ]
    b == 64 || // @
    b == 33 || // !
    b == 36 || // $
    b == 38 || // &
    b == 40 || // (
    b == 41 || // )
    b == 42 || // *
    b == 43 || // +
    b == 44 || // ,
    b == 59 || // ;
    b == 61 || // =
    b == 37 // %
  )
}

/** Length of "http://" or "https://" (any case) at p, else 0. */
function schemeLength(p: usize, end: usize): usize {
  if (end - p < 14) return 0
  if (
    lowerAscii(load<u16>(p)) != 104 ||
    lowerAscii(load<u16>(p, 2)) != 116 ||
    lowerAscii(load<u16>(p, 4)) != 116 ||
    lowerAscii(load<u16>(p, 6)) != 112
  ) {
    return 0
  }
  let q = p + 8
  if (lowerAscii(load<u16>(q)) == 115) q += 2
  if (end - q < 6) return 0
  if (load<u16>(q) != 58 || load<u16>(q, 2) != 47 || load<u16>(q, 4) != 47) return 0
  return q + 6 - p
}

function putEscaped(b: u32): void {
  if (b == 38) {
    putUnit(38)
    putUnit(97)
    putUnit(109)
    putUnit(112)
    putUnit(59)
  } else if (b == 60) {
    putUnit(38)
    putUnit(108)
    putUnit(116)
    putUnit(59)
  } else if (b == 62) {
    putUnit(38)
    putUnit(103)
    putUnit(116)
    putUnit(59)
  } else if (b == 34) {
    putUnit(38)
    putUnit(113)
    putUnit(117)
    putUnit(111)
    putUnit(116)
    putUnit(59)
  } else if (b == 39) {
    putUnit(38)
    putUnit(35)
    putUnit(51)
    putUnit(57)
    putUnit(59)
  } else {
    putUnit(b)
  }
}

function putEscapedRange(p: usize, end: usize): void {
  for (let q = p; q < end; q += 2) putEscaped(<u32>load<u16>(q))
}

const LINK_OPEN = memory.data<u16>([0x3c, 0x61, 0x20, 0x68, 0x72, 0x65, 0x66, 0x3d, 0x22]) // <a href="
// " rel="noopener noreferrer nofollow" target="_blank">
const LINK_ATTRS = memory.data<u16>([
  0x22, 0x20, 0x72, 0x65, 0x6c, 0x3d, 0x22, 0x6e, 0x6f, 0x6f, 0x70, 0x65, 0x6e, 0x65, 0x72, 0x20, 0x6e, 0x6f, 0x72,
  0x65, 0x66, 0x65, 0x72, 0x72, 0x65, 0x72, 0x20, 0x6e, 0x6f, 0x66, 0x6f, 0x6c, 0x6c, 0x6f, 0x77, 0x22, 0x20, 0x74,
  0x61, 0x72, 0x67, 0x65, 0x74, 0x3d, 0x22, 0x5f, 0x62, 0x6c, 0x61, 0x6e, 0x6b, 0x22, 0x3e
])
const LINK_ATTRS_LEN: usize = 53
const LINK_CLOSE = memory.data<u16>([0x3c, 0x2f, 0x61, 0x3e]) // </a>

/** Escapes & < > " ' and turns http(s) URLs into links; everything else is copied. */
export function putFormattedText(s: usize, e: usize): void {
  // Worst case per input unit: '"' becomes 6 units; a link of k units becomes at most 2 * 5k + 65 units (k >= 8).
  reserve(((e - s) >> 1) * 20 + 64)
  let p = s
  while (p < e) {
    const b = <u32>load<u16>(p)
    if ((b == 104 || b == 72) && (p == s || !isAsciiAlnum(<u32>load<u16>(p - 2)))) {
      const sl = schemeLength(p, e)
      if (sl > 0 && p + sl < e && isAsciiAlnum(<u32>load<u16>(p + sl))) {
        let q = p + sl
        let opens = 0
        let closes = 0
        while (q < e) {
          const c = <u32>load<u16>(q)
          if (!isUrlChar(c)) break
          if (c == 40) opens++
          else if (c == 41) closes++
          q += 2
        }
        while (q > p + sl + 2) {
          const c = <u32>load<u16>(q - 2)
          if (c == 46 || c == 44 || c == 59 || c == 58 || c == 33 || c == 63) {
            q -= 2
          } else if (c == 41 && closes > opens) {
            q -= 2
            closes--
          } else {
            break
          }
        }
        putUnits(LINK_OPEN, 9 << 1)
        putEscapedRange(p, q)
        putUnits(LINK_ATTRS, LINK_ATTRS_LEN << 1)
        putEscapedRange(p, q)
        putUnits(LINK_CLOSE, 4 << 1)
        p = q
        continue
      }
    }
    putEscaped(b)
    p += 2
  }
}

/** Up to two initials: first letters of the first and the last word, upper-cased. */
export function putInitials(s: usize, e: usize): void {
  reserve(8)
  let first: u32 = 0
  let last: u32 = 0
  let words = 0
  let inWord = false
  let p = s
  while (p < e) {
    const cp = decode(p)
    p += decodedLength()
    if (isSeparator(cp)) {
      inWord = false
    } else if (!inWord) {
      inWord = true
      words++
      if (words == 1) first = cp
      last = cp
    }
  }
  if (words >= 1) putCodePoint(upperCodePoint(first))
  if (words >= 2) putCodePoint(upperCodePoint(last))
}

/** Palette index of a name: FNV-1a of the folded, trimmed UTF-16LE (folds the units in place). */
export function colorIndex(s: usize, e: usize): u32 {
  foldInPlace(s, e)
  const ts = trim(s, e)
  return fnv1a(ts, trimEnd()) % PALETTE_SIZE
}

/**
 * Per message (text, author at 2i, 2i+1): html, date, time and initials strings, day key, new-day flag and
 * avatar colour index. Header u32: [unit ends* (4n), units*, unitCount, dayKey i32*, newDay u8*, color u8*].
 */
export function processMessages(n: i32, bytes: usize, offsets: usize, created: usize, tzMinutes: f64): usize {
  const header = heapAlloc(6 << 2)
  const ends = heapAlloc((<usize>n) << 4)
  const dayKeys = heapAlloc((<usize>n) << 2)
  const newDay = heapAlloc(<usize>n)
  const colors = heapAlloc(<usize>n)
  const out = heapAlloc(0)
  writerBegin(out)
  let previousDay: i32 = 0
  let havePrevious = false
  for (let i = 0; i < n; i++) {
    const ts = strAt(bytes, offsets, (<usize>i) << 1)
    const te = strAt(bytes, offsets, ((<usize>i) << 1) + 1)
    const ae = strAt(bytes, offsets, ((<usize>i) << 1) + 2)
    const e = ends + ((<usize>i) << 4)
    putFormattedText(ts, te)
    store<u32>(e, writerUnits())
    const ms = load<f64>(created + ((<usize>i) << 3))
    if (validDate(ms)) {
      splitDay(Math.floor(ms) + tzMinutes * 60000)
      const day = dayNumber()
      store<i32>(dayKeys + ((<usize>i) << 2), day)
      store<u8>(newDay + <usize>i, !havePrevious || day != previousDay ? 1 : 0)
      havePrevious = true
      previousDay = day
      putDate()
      store<u32>(e, writerUnits(), 4)
      putTime()
      store<u32>(e, writerUnits(), 8)
    } else {
      store<i32>(dayKeys + ((<usize>i) << 2), i32.MIN_VALUE)
      store<u8>(newDay + <usize>i, 0)
      store<u32>(e, writerUnits(), 4)
      store<u32>(e, writerUnits(), 8)
    }
    putInitials(te, ae)
    store<u32>(e, writerUnits(), 12)
    store<u8>(colors + <usize>i, <u8>colorIndex(te, ae))
  }
  const unitCount = writerUnits()
  writerEnd()
  store<u32>(header, <u32>ends)
  store<u32>(header, <u32>out, 4)
  store<u32>(header, unitCount, 8)
  store<u32>(header, <u32>dayKeys, 12)
  store<u32>(header, <u32>newDay, 16)
  store<u32>(header, <u32>colors, 20)
  return header
}

/** Formats n texts. Header u32: [unit ends* (n), units*, unitCount]. */
export function formatTexts(n: i32, bytes: usize, offsets: usize): usize {
  const header = heapAlloc(3 << 2)
  const ends = heapAlloc((<usize>n) << 2)
  const out = heapAlloc(0)
  writerBegin(out)
  for (let i = 0; i < n; i++) {
    putFormattedText(strAt(bytes, offsets, <usize>i), strAt(bytes, offsets, <usize>i + 1))
    store<u32>(ends + ((<usize>i) << 2), writerUnits())
  }
  const unitCount = writerUnits()
  writerEnd()
  store<u32>(header, <u32>ends)
  store<u32>(header, <u32>out, 4)
  store<u32>(header, unitCount, 8)
  return header
}

/** Messages (text, author at 2i, 2i+1) where every query token occurs in the folded text or author. */
export function searchMessages(n: i32, bytes: usize, offsets: usize, query: usize, queryUnits: usize): usize {
  const header = heapAlloc(8)
  foldInPlace(bytes, strAt(bytes, offsets, (<usize>n) << 1))
  const tokens = tokenize(query, query + (queryUnits << 1))
  const hits = heapAlloc((<usize>n) << 2)
  let count = 0
  for (let i = 0; i < n; i++) {
    const ts = strAt(bytes, offsets, (<usize>i) << 1)
    const te = strAt(bytes, offsets, ((<usize>i) << 1) + 1)
    const ae = strAt(bytes, offsets, ((<usize>i) << 1) + 2)
    let all = true
    for (let t = 0; t < tokens; t++) {
      const tok = tokenAt(t)
      const len = tokenLength(t)
      if (find(ts, te, tok, len) == 0 && find(te, ae, tok, len) == 0) {
        all = false
        break
      }
    }
    if (!all) continue
    store<u32>(hits + ((<usize>count) << 2), <u32>i)
    count++
  }
  store<u32>(header, <u32>count)
  store<u32>(header, <u32>hits, 4)
  return header
}
