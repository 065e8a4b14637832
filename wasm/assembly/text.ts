// Text primitives over UTF-16 code units in linear memory (pointers are byte addresses, 2 bytes per unit).
// The case folding, separators and white space defined here are mirrored exactly by src/internal/Text.ts.

let lastLen: usize = 2

/** Byte length (2 or 4) of the code point decoded by the last decode() call. */
export function decodedLength(): usize {
  return lastLen
}

/** The code point at p (strings are sanitized first, so a high surrogate is always followed by a low one). */
export function decode(p: usize): u32 {
  const u = <u32>load<u16>(p)
  if (u >= 0xd800 && u <= 0xdbff) {
    lastLen = 4
    return 0x10000 + ((u - 0xd800) << 10) + (<u32>load<u16>(p, 2) - 0xdc00)
  }
  lastLen = 2
  return u
}

/** Replaces lone surrogates in [p, end) with U+FFFD, as String.prototype.toWellFormed does. */
export function sanitize(p: usize, end: usize): void {
  while (p < end) {
    const u = <u32>load<u16>(p)
    if (u >= 0xd800 && u <= 0xdfff) {
      if (u <= 0xdbff && p + 2 < end) {
        const v = <u32>load<u16>(p, 2)
        if (v >= 0xdc00 && v <= 0xdfff) {
          p += 4
          continue
        }
      }
      store<u16>(p, 0xfffd)
    }
    p += 2
  }
}

export function isAsciiAlnum(c: u32): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

/** Word separators: ASCII non-alphanumerics, NBSP, « », General Punctuation, ideographic space, BOM. */
export function isSeparator(cp: u32): bool {
  if (cp < 0x80) return !isAsciiAlnum(cp)
  return cp == 0xa0 || cp == 0xab || cp == 0xbb || (cp >= 0x2000 && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff
}

/** Is the code point at p a separator (surrogates start astral code points, which never are). */
export function separatorAt(p: usize): bool {
  const u = <u32>load<u16>(p)
  return u >= 0xd800 && u <= 0xdbff ? false : isSeparator(u)
}

/** Is the code point ending just before p a separator. */
export function separatorBefore(p: usize): bool {
  const u = <u32>load<u16>(p - 2)
  return u >= 0xdc00 && u <= 0xdfff ? false : isSeparator(u)
}

/** Exactly the set String.prototype.trim removes (all in the BMP). */
export function isSpace(c: u32): bool {
  if (c == 0x20 || (c >= 9 && c <= 13)) return true
  if (c < 0xa0) return false
  return (
    c == 0xa0 ||
    c == 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c == 0x2028 ||
    c == 0x2029 ||
    c == 0x202f ||
    c == 0x205f ||
    c == 0x3000 ||
    c == 0xfeff
  )
}

let trimmedEnd: usize = 0

/** Skips white space at both ends of [p, end): returns the new start, trimEnd() the new end. */
export function trim(p: usize, end: usize): usize {
  while (p < end && isSpace(<u32>load<u16>(p))) p += 2
  while (end > p && isSpace(<u32>load<u16>(end - 2))) end -= 2
  trimmedEnd = end
  return p
}

export function trimEnd(): usize {
  return trimmedEnd
}

export function countCodePoints(p: usize, end: usize): i32 {
  let n = 0
  for (let q = p; q < end; q += 2) {
    const u = <u32>load<u16>(q)
    if (u < 0xdc00 || u > 0xdfff) n++
  }
  return n
}

/** Case folding: A-Z -> a-z, U+0400-U+040F -> U+0450-U+045F, U+0410-U+042F -> U+0430-U+044F, then ё -> е. */
export function foldUnit(u: u32): u32 {
  if (u < 0x80) return u >= 65 && u <= 90 ? u + 32 : u
  if (u < 0x400 || u > 0x451) return u
  if (u == 0x401 || u == 0x451) return 0x435
  if (u < 0x410) return u + 0x50
  if (u < 0x430) return u + 0x20
  return u
}

export function foldInPlace(p: usize, end: usize): void {
  for (let q = p; q < end; q += 2) {
    const u = <u32>load<u16>(q)
    if (u >= 65) store<u16>(q, <u16>foldUnit(u))
  }
}

/** Upper-casing used for initials: a-z, а-я and U+0450-U+045F (ё and friends). */
export function upperCodePoint(cp: u32): u32 {
  if (cp >= 97 && cp <= 122) return cp - 32
  if (cp >= 0x430 && cp <= 0x44f) return cp - 0x20
  if (cp >= 0x450 && cp <= 0x45f) return cp - 0x50
  return cp
}

function sortableUnit(u: u32): u32 {
  return u >= 0xe000 ? u - 0x800 : u >= 0xd800 ? u + 0x2000 : u
}

/** Code point order of two unit ranges (byte lengths given). */
export function compareUnits(a: usize, aLen: usize, b: usize, bLen: usize): i32 {
  const n = aLen < bLen ? aLen : bLen
  for (let i: usize = 0; i < n; i += 2) {
    const x = <u32>load<u16>(a + i)
    const y = <u32>load<u16>(b + i)
    if (x != y) return sortableUnit(x) < sortableUnit(y) ? -1 : 1
  }
  return aLen < bLen ? -1 : aLen > bLen ? 1 : 0
}

/** FNV-1a over the UTF-16LE bytes of [p, end). */
export function fnv1a(p: usize, end: usize): u32 {
  let h: u32 = 0x811c9dc5
  for (let q = p; q < end; q++) {
    h ^= <u32>load<u8>(q)
    h *= 0x01000193
  }
  return h
}

/** Units equal: the byte ranges [a, a + len) and [b, b + len). */
export function sameUnits(a: usize, b: usize, len: usize): bool {
  return memory.compare(a, b, len) == 0
}
