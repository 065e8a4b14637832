/**
 * `adminBotPool` group: the spare bot tokens (`TokenPool`). Adding and removing are audited (`bot.pool.add`,
 * `bot.pool.remove`, the entry's fingerprint as the target; never the token).
 */
import { HttpApiBuilder } from "@effect/platform"
import { BotPoolEntry, GroupBuyApi, NotFound } from "@groupbuy/core"
import { Effect } from "effect"
import { auditAdminAction } from "../../admin/AdminAudit.js"
import { TokenPool } from "../../bots/TokenPool.js"

export const AdminBotPoolHandlers = HttpApiBuilder.group(GroupBuyApi, "adminBotPool", (handlers) =>
  Effect.gen(function* () {
    const pool = yield* TokenPool
    return handlers
      .handle("botPool", () => Effect.map(pool.list(), (entries) => entries.map((e) => new BotPoolEntry(e))))
      .handle("addBotPoolToken", ({ payload }) =>
        Effect.gen(function* () {
          const { entry, created } = yield* pool.add(payload.platform, payload.token, "admin")
          if (created)
            yield* auditAdminAction("bot.pool.add", "bot_pool", entry.id, {
              platform: entry.platform,
              hint: entry.hint
            })
          return new BotPoolEntry(entry)
        })
      )
      .handle("removeBotPoolToken", ({ path }) =>
        Effect.gen(function* () {
          const removed = yield* pool.remove(path.id)
          if (!removed) return yield* new NotFound({ entity: "bot", id: path.id })
          yield* auditAdminAction("bot.pool.remove", "bot_pool", path.id)
        })
      )
  })
)
