// Stable bottom-up merge sort of u32 indices with a comparator (insertion sort for short runs).
const RUN: i32 = 24

export function mergeSort(idx: usize, tmp: usize, n: i32, cmp: (a: u32, b: u32) => i32): void {
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = lo + RUN < n ? lo + RUN : n
    for (let i = lo + 1; i < hi; i++) {
      const v = load<u32>(idx + ((<usize>i) << 2))
      let j = i - 1
      while (j >= lo) {
        const w = load<u32>(idx + ((<usize>j) << 2))
        if (cmp(w, v) <= 0) break
        store<u32>(idx + ((<usize>j + 1) << 2), w)
        j--
      }
      store<u32>(idx + ((<usize>j + 1) << 2), v)
    }
  }
  let src = idx
  let dst = tmp
  for (let width = RUN; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = lo + width < n ? lo + width : n
      const hi = lo + (width << 1) < n ? lo + (width << 1) : n
      let i = lo
      let j = mid
      let k = lo
      if (mid < hi && cmp(load<u32>(src + ((<usize>mid - 1) << 2)), load<u32>(src + ((<usize>mid) << 2))) <= 0) {
        memory.copy(dst + ((<usize>lo) << 2), src + ((<usize>lo) << 2), (<usize>(hi - lo)) << 2)
        continue
      }
      while (i < mid && j < hi) {
        const a = load<u32>(src + ((<usize>i) << 2))
        const b = load<u32>(src + ((<usize>j) << 2))
        if (cmp(a, b) <= 0) {
          store<u32>(dst + ((<usize>k) << 2), a)
          i++
        } else {
          store<u32>(dst + ((<usize>k) << 2), b)
          j++
        }
        k++
      }
      if (i < mid) memory.copy(dst + ((<usize>k) << 2), src + ((<usize>i) << 2), (<usize>(mid - i)) << 2)
      else if (j < hi) memory.copy(dst + ((<usize>k) << 2), src + ((<usize>j) << 2), (<usize>(hi - j)) << 2)
    }
    const t = src
    src = dst
    dst = t
  }
  if (src != idx) memory.copy(idx, src, (<usize>n) << 2)
}

/** An f64 as a u64 whose unsigned order is the number order; NaN (missing) is last, -0 equals 0. */
function sortableBits(x: f64, desc: bool): u64 {
  if (x != x) return 0xffffffffffffffff
  if (x == 0) x = 0
  let b = reinterpret<u64>(x)
  b = b >> 63 != 0 ? ~b : b | 0x8000000000000000
  return desc ? ~b : b
}

/**
 * Stable LSD radix sort of the u32 indices at idx (initially 0..n-1) by numeric columns (f64, NaN = missing),
 * the first column most significant; equal keys keep index order, exactly like the comparator sort.
 * cols and descs hold keyCount u32 (column pointer, descending flag).
 */
export function radixSortColumns(
  idx: usize,
  tmp: usize,
  n: i32,
  keyCount: i32,
  cols: usize,
  descs: usize,
  bits: usize,
  counts: usize
): void {
  let src = idx
  let dst = tmp
  for (let k = keyCount - 1; k >= 0; k--) {
    const col = <usize>load<u32>(cols + ((<usize>k) << 2))
    const desc = load<u32>(descs + ((<usize>k) << 2)) != 0
    memory.fill(counts, 0, 8 * 256 * 4)
    for (let i = 0; i < n; i++) {
      const v = sortableBits(load<f64>(col + ((<usize>i) << 3)), desc)
      store<u64>(bits + ((<usize>i) << 3), v)
      for (let d = 0; d < 8; d++) {
        const c = counts + ((((<usize>d) << 8) + <usize>((v >> ((<u64>d) << 3)) & 0xff)) << 2)
        store<u32>(c, load<u32>(c) + 1)
      }
    }
    for (let d = 0; d < 8; d++) {
      const h = counts + ((<usize>d) << 10)
      const first = <usize>((load<u64>(bits) >> ((<u64>d) << 3)) & 0xff)
      if (n == 0 || load<u32>(h + (first << 2)) == <u32>n) continue
      let sum: u32 = 0
      for (let b = 0; b < 256; b++) {
        const c = load<u32>(h + ((<usize>b) << 2))
        store<u32>(h + ((<usize>b) << 2), sum)
        sum += c
      }
      const shift = (<u64>d) << 3
      for (let j = 0; j < n; j++) {
        const i = load<u32>(src + ((<usize>j) << 2))
        const slot = h + ((<usize>((load<u64>(bits + ((<usize>i) << 3)) >> shift) & 0xff)) << 2)
        const at = load<u32>(slot)
        store<u32>(slot, at + 1)
        store<u32>(dst + ((<usize>at) << 2), i)
      }
      const t = src
      src = dst
      dst = t
    }
  }
  if (src != idx) memory.copy(idx, src, (<usize>n) << 2)
}
