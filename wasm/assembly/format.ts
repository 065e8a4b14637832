// Money and dates. Mirrored by src/internal/Format.ts.
import { putGroupedUint, putUint, putUnit, reserve } from "./writer"

export const MAX_SAFE: f64 = 9007199254740991.0
export const DAY_MS: f64 = 86400000.0
export const MAX_DATE_MS: f64 = 8.64e15

/** Procurement amounts and counts: NaN and negatives become 0, the rest is truncated and capped at 2^53 - 1. */
export function amount(x: f64): f64 {
  // Branch-free: NaN and x <= 0 select 0 (x > 0 is false for NaN), then f64.min caps and trunc truncates.
  return Math.trunc(Math.min(x > 0 ? x : 0, MAX_SAFE))
}

/** Signed kopecks for formatCurrency: NaN becomes 0, the rest is truncated and clamped to ±(2^53 - 1). */
export function signedAmount(x: f64): f64 {
  if (x != x) return 0
  if (x > MAX_SAFE) return MAX_SAFE
  if (x < -MAX_SAFE) return -MAX_SAFE
  const t = Math.trunc(x)
  return t == 0 ? 0 : t
}

/** Dates are epoch milliseconds within the range of a JavaScript Date; NaN and infinities are invalid. */
export function validDate(ms: f64): bool {
  return ms >= -MAX_DATE_MS && ms <= MAX_DATE_MS
}

/** "1 234 567,89 ₽" with U+00A0 as the group separator and before the sign. */
export function putMoney(v: f64): void {
  reserve(48)
  let a: u64
  if (v < 0) {
    putUnit(45)
    a = <u64>-v
  } else {
    a = <u64>v
  }
  putGroupedUint(a / 100)
  const kop = <u32>(a % 100)
  putUnit(44)
  putUnit(48 + kop / 10)
  putUnit(48 + (kop % 10))
  putUnit(0xa0)
  putUnit(0x20bd)
}

let civilYear: i32 = 0
let civilMonth: i32 = 0
let civilDay: i32 = 0
let dayOfEpoch: i32 = 0
let msOfDay: i32 = 0

/** Splits a valid local timestamp into a day number (days since 1970-01-01) and milliseconds of that day. */
export function splitDay(localMs: f64): void {
  let days = Math.floor(localMs / DAY_MS)
  let rest = localMs - days * DAY_MS
  if (rest < 0) {
    days -= 1
    rest += DAY_MS
  } else if (rest >= DAY_MS) {
    days += 1
    rest -= DAY_MS
  }
  dayOfEpoch = <i32>days
  msOfDay = <i32>rest
}

export function dayNumber(): i32 {
  return dayOfEpoch
}

/** Proleptic Gregorian calendar date of a day number (H. Hinnant's civil_from_days). */
function civil(days: i32): void {
  const z = days + 719468
  const era = (z >= 0 ? z : z - 146096) / 146097
  const doe = z - era * 146097
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  const mp = (5 * doy + 2) / 153
  civilDay = doy - (153 * mp + 2) / 5 + 1
  civilMonth = mp < 10 ? mp + 3 : mp - 9
  civilYear = yoe + era * 400 + (civilMonth <= 2 ? 1 : 0)
}

/** "DD.MM.YYYY" of the day set by splitDay(); years beyond four digits or before year 0 print in full. */
export function putDate(): void {
  reserve(16)
  civil(dayOfEpoch)
  putUint(<u64>civilDay, 2)
  putUnit(46)
  putUint(<u64>civilMonth, 2)
  putUnit(46)
  if (civilYear < 0) {
    putUnit(45)
    putUint(<u64>-civilYear, 4)
  } else {
    putUint(<u64>civilYear, 4)
  }
}

/** "HH:MM" of the time set by splitDay(). */
export function putTime(): void {
  reserve(8)
  putUint(<u64>(msOfDay / 3600000), 2)
  putUnit(58)
  putUint(<u64>((msOfDay / 60000) % 60), 2)
}
