// Entry of kernels.wasm. Every export takes and returns raw pointers into linear memory (strings are UTF-16
// code units, as in JavaScript): the JS bridge
// (src/WasmBackend.ts) packs a whole batch once, calls one export, and unpacks the result once.
import { heapAlloc } from "./heap"
import { putMoney, signedAmount } from "./format"
import { colorIndex, putInitials } from "./messages"
import { sanitize } from "./text"
import { writerBegin, writerEnd, writerUnits } from "./writer"

export { heapAlloc, heapReset, heapSetTop, heapTop } from "./heap"
export { aggregateProcurements, processProcurements, searchProcurements, sortProcurements } from "./procurements"
export { formatTexts, processMessages, searchMessages } from "./messages"
export { validateEmail, validateForm, validatePhone } from "./validate"

/** Bumped whenever an export changes shape, so a stale build is refused by the loader. */
export function abiVersion(): i32 {
  return 4
}

/** Replaces lone surrogates with U+FFFD in each of `count` strings of a block (pairs never span two strings). */
export function sanitizeStrings(units: usize, offsets: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    sanitize(
      units + ((<usize>load<u32>(offsets + ((<usize>i) << 2))) << 1),
      units + ((<usize>load<u32>(offsets + ((<usize>i + 1) << 2))) << 1)
    )
  }
}

/** Header u32: [units*, unit count] of the formatted amount. */
export function formatCurrency(kopecks: f64): usize {
  const header = heapAlloc(8)
  const out = heapAlloc(0)
  writerBegin(out)
  putMoney(signedAmount(kopecks))
  const length = writerUnits()
  writerEnd()
  store<u32>(header, <u32>out)
  store<u32>(header, <u32>length, 4)
  return header
}

export function avatarColor(p: usize, units: usize): u32 {
  return colorIndex(p, p + (units << 1))
}

/** Header u32: [units*, unit count]. */
export function initials(p: usize, units: usize): usize {
  const header = heapAlloc(8)
  const out = heapAlloc(0)
  writerBegin(out)
  putInitials(p, p + (units << 1))
  const length = writerUnits()
  writerEnd()
  store<u32>(header, <u32>out)
  store<u32>(header, <u32>length, 4)
  return header
}
