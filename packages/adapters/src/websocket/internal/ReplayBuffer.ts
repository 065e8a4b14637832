/**
 * One identity's numbered outbound stream: every reply gets the next `seq`, the last `capacity` frames are kept so a
 * reconnecting client can ask for what it missed, and acknowledged frames are dropped early.
 */
export interface Numbered {
  readonly seq: number
}

export interface ReplayBuffer<A extends Numbered> {
  readonly stream: string
  readonly lastSeq: () => number
  readonly next: () => number
  readonly push: (frame: A) => void
  readonly ack: (seq: number) => void
  /** frames after `lastSeq`, or `gap` when some of them were already dropped */
  readonly since: (lastSeq: number) => { readonly frames: ReadonlyArray<A>; readonly gap: boolean }
}

export const makeReplayBuffer = <A extends Numbered>(stream: string, capacity: number): ReplayBuffer<A> => {
  let seq = 0
  /** the highest seq that was trimmed away (by ack or by overflow) */
  let trimmed = 0
  let acked = 0
  const frames: Array<A> = []
  return {
    stream,
    lastSeq: () => seq,
    next: () => ++seq,
    push: (frame) => {
      frames.push(frame)
      while (frames.length > capacity) trimmed = frames.shift()!.seq
    },
    ack: (upTo) => {
      const bounded = Math.min(upTo, seq)
      if (bounded <= acked) return
      acked = bounded
      while (frames.length > 0 && frames[0]!.seq <= bounded) trimmed = frames.shift()!.seq
    },
    since: (lastSeq) => ({
      frames: frames.filter((frame) => frame.seq > lastSeq),
      // frames up to `trimmed` are gone: a client that had not seen them all missed some
      gap: lastSeq < trimmed
    })
  }
}
