// Phone, e-mail and procurement form validation. Mirrored by src/internal/Validate.ts.
import { heapAlloc } from "./heap"
import { DAY_MS, MAX_SAFE, validDate } from "./format"
import { strAt } from "./procurements"
import { countCodePoints, isAsciiAlnum, trim, trimEnd } from "./text"

export const PHONE_OK: u32 = 0
export const PHONE_EMPTY: u32 = 1
export const PHONE_INVALID_CHARACTERS: u32 = 2
export const PHONE_WRONG_LENGTH: u32 = 3
export const PHONE_WRONG_COUNTRY: u32 = 4

/** Russian numbers: "+7" or "8" and ten more digits; spaces, NBSP, '-', '(' and ')' may separate them. */
export function checkPhone(p: usize, end: usize, digits: usize): u32 {
  const s = trim(p, end)
  const e = trimEnd()
  if (s == e) return PHONE_EMPTY
  let q = s
  let plus = false
  if (load<u16>(q) == 43) {
    plus = true
    q += 2
  }
  let count = 0
  for (; q < e; q += 2) {
    const c = <u32>load<u16>(q)
    if (c >= 48 && c <= 57) {
      if (count < 11) store<u16>(digits + ((<usize>count) << 1), <u16>c)
      count++
    } else if (!(c == 32 || c == 0xa0 || c == 45 || c == 40 || c == 41)) {
      return PHONE_INVALID_CHARACTERS
    }
  }
  if (count != 11) return PHONE_WRONG_LENGTH
  if (load<u16>(digits) != (plus ? 55 : 56)) return PHONE_WRONG_COUNTRY
  return PHONE_OK
}

/** Header u32: [code, normalized units*, unit count]. */
export function validatePhone(p: usize, units: usize): usize {
  const header = heapAlloc(12)
  const digits = heapAlloc(32)
  const code = checkPhone(p, p + (units << 1), digits)
  const out = heapAlloc(24)
  if (code == PHONE_OK) {
    store<u16>(out, 43)
    store<u16>(out, 55, 2)
    memory.copy(out + 4, digits + 2, 20)
  }
  store<u32>(header, code)
  store<u32>(header, <u32>out, 4)
  store<u32>(header, code == PHONE_OK ? 12 : 0, 8)
  return header
}

export const EMAIL_OK: u32 = 0
export const EMAIL_EMPTY: u32 = 1
export const EMAIL_INVALID: u32 = 2

function isAtext(c: u32): bool {
  if (isAsciiAlnum(c)) return true
  // ! # $ % & ' * + - / = ? ^ _ ` { | } ~
  return (
    c == 33 ||
    (c >= 35 && c <= 39) ||
    c == 42 ||
    c == 43 ||
    c == 45 ||
    c == 47 ||
    c == 61 ||
    c == 63 ||
    (c >= 94 && c <= 96) ||
    (c >= 123 && c <= 126)
  )
}

let emailStart: usize = 0
let emailEnd: usize = 0

/** ASCII addresses: local part of atext and inner dots, a domain of at least two LDH labels, a letter TLD. */
export function checkEmail(p: usize, end: usize): u32 {
  const s = trim(p, end)
  const e = trimEnd()
  emailStart = s
  emailEnd = e
  if (s == e) return EMAIL_EMPTY
  if (e - s > 254 << 1) return EMAIL_INVALID
  let at: usize = 0
  for (let q = s; q < e; q += 2) {
    const c = <u32>load<u16>(q)
    if (c >= 0x80) return EMAIL_INVALID
    if (c == 64) {
      if (at != 0) return EMAIL_INVALID
      at = q
    }
  }
  if (at == 0 || at == s || at - s > 64 << 1 || at + 2 >= e) return EMAIL_INVALID
  let prev: u32 = 46
  for (let q = s; q < at; q += 2) {
    const c = <u32>load<u16>(q)
    if (c == 46) {
      if (prev == 46) return EMAIL_INVALID
    } else if (!isAtext(c)) {
      return EMAIL_INVALID
    }
    prev = c
  }
  if (prev == 46) return EMAIL_INVALID
  let labels = 0
  let labelStart = at + 2
  for (let q = at + 2; q <= e; q += 2) {
    const c = q < e ? <u32>load<u16>(q) : 46
    if (c == 46) {
      const ll = (q - labelStart) >> 1
      if (ll == 0 || ll > 63) return EMAIL_INVALID
      if (load<u16>(labelStart) == 45 || load<u16>(q - 2) == 45) return EMAIL_INVALID
      labels++
      if (q == e) {
        if (ll < 2) return EMAIL_INVALID
        for (let r = labelStart; r < q; r += 2) {
          const l = (<u32>load<u16>(r)) | 32
          if (l < 97 || l > 122) return EMAIL_INVALID
        }
      }
      labelStart = q + 2
    } else if (!(isAsciiAlnum(c) || c == 45)) {
      return EMAIL_INVALID
    }
  }
  return labels >= 2 ? EMAIL_OK : EMAIL_INVALID
}

/** Header u32: [code, normalized units*, unit count]; the domain is lower-cased, the local part kept. */
export function validateEmail(p: usize, units: usize): usize {
  const header = heapAlloc(12)
  const code = checkEmail(p, p + (units << 1))
  const n = code == EMAIL_OK ? emailEnd - emailStart : 0
  const out = heapAlloc(n)
  let inDomain = false
  for (let i: usize = 0; i < n; i += 2) {
    let c = <u32>load<u16>(emailStart + i)
    if (c == 64) inDomain = true
    else if (inDomain && c >= 65 && c <= 90) c += 32
    store<u16>(out + i, <u16>c)
  }
  store<u32>(header, code)
  store<u32>(header, <u32>out, 4)
  store<u32>(header, <u32>(n >> 1), 8)
  return header
}

// Field codes shared with src/internal/Validate.ts.
const OK: u8 = 0
const REQUIRED: u8 = 1
const TOO_SHORT: u8 = 2
const TOO_LONG: u8 = 3
const INVALID: u8 = 4
const NOT_POSITIVE: u8 = 5
const TOO_LARGE: u8 = 6
const NOT_FUTURE: u8 = 7
const TOO_FAR: u8 = 8

function textCode(s: usize, e: usize, required: bool, min: i32, max: i32): u8 {
  const ts = trim(s, e)
  const te = trimEnd()
  const n = countCodePoints(ts, te)
  if (n == 0) return required ? REQUIRED : OK
  if (n < min) return TOO_SHORT
  if (n > max) return TOO_LONG
  return OK
}

/**
 * Strings (title, description, city, category, phone, email) as a block of 6; returns 8 field codes:
 * title, description, city, category, targetAmount, deadline, contactPhone, contactEmail.
 */
export function validateForm(bytes: usize, offsets: usize, target: f64, deadline: f64, now: f64): usize {
  const codes = heapAlloc(8)
  const digits = heapAlloc(32)
  store<u8>(codes, textCode(strAt(bytes, offsets, 0), strAt(bytes, offsets, 1), true, 3, 120))
  store<u8>(codes, textCode(strAt(bytes, offsets, 1), strAt(bytes, offsets, 2), false, 0, 5000), 1)
  store<u8>(codes, textCode(strAt(bytes, offsets, 2), strAt(bytes, offsets, 3), true, 0, 100), 2)
  store<u8>(codes, textCode(strAt(bytes, offsets, 3), strAt(bytes, offsets, 4), true, 0, 60), 3)
  let amountCode = OK
  if (!(target - target == 0) || Math.trunc(target) != target) amountCode = INVALID
  else if (target <= 0) amountCode = NOT_POSITIVE
  else if (target > MAX_SAFE) amountCode = TOO_LARGE
  store<u8>(codes, amountCode, 4)
  let deadlineCode = OK
  if (!validDate(deadline)) deadlineCode = INVALID
  else if (deadline <= now) deadlineCode = NOT_FUTURE
  else if (deadline > now + 365 * DAY_MS) deadlineCode = TOO_FAR
  store<u8>(codes, deadlineCode, 5)
  const phone = checkPhone(strAt(bytes, offsets, 4), strAt(bytes, offsets, 5), digits)
  store<u8>(codes, phone == PHONE_OK || phone == PHONE_EMPTY ? OK : INVALID, 6)
  const email = checkEmail(strAt(bytes, offsets, 5), strAt(bytes, offsets, 6))
  store<u8>(codes, email == EMAIL_OK || email == EMAIL_EMPTY ? OK : INVALID, 7)
  return codes
}
