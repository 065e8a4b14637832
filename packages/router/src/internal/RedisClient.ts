/** An ioredis client for the lifetime of a scope: connects to `url` (redis://...), quits when the scope closes. */
import { Effect } from "effect"
import { Redis } from "ioredis"

export const scopedRedis = (url: string) =>
  Effect.acquireRelease(
    Effect.sync(() => new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3, enableAutoPipelining: true })),
    (client) => Effect.promise(() => client.quit().catch(() => "closed"))
  )
