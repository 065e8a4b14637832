// Output writer: UTF-16 code units appended at the heap top. Callers reserve() an upper bound (in units).
import { ensure, heapSetTop } from "./heap"

let pos: usize = 0
let start: usize = 0

export function writerBegin(at: usize): void {
  start = at
  pos = at
}

export function writerPos(): usize {
  return pos
}

/** Units written since writerBegin(): the UTF-16 offset JavaScript will see. */
export function writerUnits(): u32 {
  return <u32>((pos - start) >> 1)
}

/** Finishes writing: the heap top moves past the written units. */
export function writerEnd(): void {
  heapSetTop(pos)
}

export function reserve(units: usize): void {
  ensure(pos + (units << 1))
}

export function putUnit(u: u32): void {
  store<u16>(pos, <u16>u)
  pos += 2
}

export function putUnits(src: usize, byteLen: usize): void {
  memory.copy(pos, src, byteLen)
  pos += byteLen
}

export function putCodePoint(cp: u32): void {
  if (cp < 0x10000) {
    store<u16>(pos, <u16>cp)
    pos += 2
  } else {
    const c = cp - 0x10000
    store<u16>(pos, <u16>(0xd800 + (c >> 10)))
    store<u16>(pos, <u16>(0xdc00 + (c & 0x3ff)), 2)
    pos += 4
  }
}

/** Writes a non-negative integer in decimal, zero-padded to `minDigits`. */
export function putUint(v: u64, minDigits: i32): void {
  let digits = 1
  let t = v
  while (t >= 10) {
    t /= 10
    digits++
  }
  while (minDigits > digits) {
    putUnit(48)
    minDigits--
  }
  let p = pos + ((<usize>digits) << 1)
  pos = p
  do {
    p -= 2
    store<u16>(p, <u16>(48 + <u32>(v % 10)))
    v /= 10
  } while (v != 0)
}

/** Writes a non-negative integer with U+00A0 (no-break space) between groups of three digits. */
export function putGroupedUint(v: u64): void {
  let digits = 1
  let t = v
  while (t >= 10) {
    t /= 10
    digits++
  }
  const total = <usize>(digits + (digits - 1) / 3)
  let p = pos + (total << 1)
  pos = p
  let i = 0
  do {
    if (i > 0 && i % 3 == 0) {
      p -= 2
      store<u16>(p, 0xa0)
    }
    p -= 2
    store<u16>(p, <u16>(48 + <u32>(v % 10)))
    v /= 10
    i++
  } while (v != 0)
}
