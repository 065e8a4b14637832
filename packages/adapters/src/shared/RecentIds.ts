/**
 * A bounded set of recently seen update ids, per bot: a platform that delivers an update twice (webhook retries,
 * a long poll replayed after a restart) gets it processed once in this process. The router's own de-duplication
 * (keyed by bot and update id in the session store) covers several processes.
 */
export class RecentIds {
  private readonly seen = new Set<string>()
  constructor(private readonly capacity = 10_000) {}

  /** true the first time an id is seen, false for a repeat */
  firstTime(id: string): boolean {
    if (this.seen.has(id)) return false
    this.seen.add(id)
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value
      if (oldest !== undefined) this.seen.delete(oldest)
    }
    return true
  }
}
