/** A token bucket: `burst` tokens, refilled at `perSecond`; `take` says whether one more message may pass. */
export interface TokenBucket {
  readonly take: (nowMs: number) => boolean
}

export const makeTokenBucket = (perSecond: number, burst: number, startMs: number): TokenBucket => {
  let tokens = burst
  let last = startMs
  return {
    take: (nowMs) => {
      tokens = Math.min(burst, tokens + (Math.max(0, nowMs - last) / 1000) * perSecond)
      last = Math.max(last, nowMs)
      if (tokens < 1) return false
      tokens -= 1
      return true
    }
  }
}
