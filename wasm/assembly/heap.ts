// A bump allocator over linear memory. The JS bridge calls heapReset() at the start of every batch, so memory
// grows to the largest batch seen and never past it, however many calls are made.
let top: usize = 0

function base(): usize {
  return (__heap_base + 15) & ~(<usize>15)
}

export function heapReset(): void {
  top = base()
}

export function heapTop(): usize {
  if (top == 0) top = base()
  return top
}

/** Moves the top to `end` (used by the bridge to extend the last allocation in place). */
export function heapSetTop(end: usize): void {
  ensure(end)
  top = end
}

export function heapAlloc(size: usize): usize {
  if (top == 0) top = base()
  const ptr = (top + 7) & ~(<usize>7)
  const end = ptr + size
  ensure(end)
  top = end
  return ptr
}

/** Makes sure linear memory reaches `end`; traps when the engine refuses to grow. */
export function ensure(end: usize): void {
  const have = (<usize>memory.size()) << 16
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16)
    if (memory.grow(pages) < 0) unreachable()
  }
}
