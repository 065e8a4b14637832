// Money and date rules shared by both backends; assembly/format.ts implements the same rules.

export const MAX_SAFE = Number.MAX_SAFE_INTEGER
export const DAY_MS = 86_400_000
export const MAX_DATE_MS = 8.64e15
const NBSP = "\u00a0"

/** Procurement amounts and counts: NaN and negatives become 0, the rest is truncated and capped at 2^53 - 1. */
export const amount = (x: number): number => (!(x > 0) ? 0 : x > MAX_SAFE ? MAX_SAFE : Math.trunc(x))

/** Signed kopecks: NaN becomes 0, the rest is truncated and clamped to ±(2^53 - 1). */
export const signedAmount = (x: number): number => {
  if (x !== x) return 0
  if (x > MAX_SAFE) return MAX_SAFE
  if (x < -MAX_SAFE) return -MAX_SAFE
  const t = Math.trunc(x)
  return t === 0 ? 0 : t
}

export const validDate = (ms: number): boolean => ms >= -MAX_DATE_MS && ms <= MAX_DATE_MS

const group = (digits: string): string => {
  const n = digits.length
  if (n <= 3) return digits
  let head = n % 3
  if (head === 0) head = 3
  let out = digits.slice(0, head)
  for (let i = head; i < n; i += 3) out += NBSP + digits.slice(i, i + 3)
  return out
}

/** "1 234 567,89 ₽" (U+00A0 between groups and before ₽) of an integer number of kopecks within the safe range. */
export const formatMoney = (v: number): string => {
  const neg = v < 0
  const a = neg ? -v : v
  const kop = a % 100
  return (neg ? "-" : "") + group(String((a - kop) / 100)) + "," + (kop < 10 ? "0" : "") + kop + NBSP + "₽"
}

/** The same format for any bigint. */
export const formatBigMoney = (v: bigint): string => {
  const neg = v < 0n
  const a = neg ? -v : v
  const kop = Number(a % 100n)
  return (neg ? "-" : "") + group((a / 100n).toString()) + "," + (kop < 10 ? "0" : "") + kop + NBSP + "₽"
}

const TWO_32 = 4294967296

/** Exact sum of safe non-negative integers, kept as 32-bit high and low halves (as the wasm kernel does in u64). */
export class Sum {
  hi = 0
  lo = 0
  add(v: number): void {
    const h = Math.floor(v / TWO_32)
    this.hi += h
    this.lo += v - h * TWO_32
    if (this.lo >= 2 ** 52) {
      const carry = Math.floor(this.lo / TWO_32)
      this.hi += carry
      this.lo -= carry * TWO_32
    }
  }
  value(): bigint {
    return toBig(this.hi, this.lo)
  }
}

export const toBig = (hi: number | bigint, lo: number | bigint): bigint => (BigInt(hi) << 32n) + BigInt(lo)

export interface LocalTime {
  readonly day: number
  readonly msOfDay: number
}

export const splitDay = (localMs: number): LocalTime => {
  let day = Math.floor(localMs / DAY_MS)
  let rest = localMs - day * DAY_MS
  if (rest < 0) {
    day -= 1
    rest += DAY_MS
  } else if (rest >= DAY_MS) {
    day += 1
    rest -= DAY_MS
  }
  return { day, msOfDay: rest }
}

const pad = (v: number, width: number): string => {
  const s = String(v)
  return s.length >= width ? s : "0".repeat(width - s.length) + s
}

/** "DD.MM.YYYY" of a day number (proleptic Gregorian, H. Hinnant's civil_from_days). */
export const formatDay = (days: number): string => {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.trunc((doe - Math.trunc(doe / 1460) + Math.trunc(doe / 36524) - Math.trunc(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.trunc(yoe / 4) - Math.trunc(yoe / 100))
  const mp = Math.trunc((5 * doy + 2) / 153)
  const d = doy - Math.trunc((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return pad(d, 2) + "." + pad(m, 2) + "." + (y < 0 ? "-" + pad(-y, 4) : pad(y, 4))
}

/** "HH:MM" of milliseconds into a day. */
export const formatTimeOfDay = (msOfDay: number): string =>
  pad(Math.trunc(msOfDay / 3600000), 2) + ":" + pad(Math.trunc(msOfDay / 60000) % 60, 2)
