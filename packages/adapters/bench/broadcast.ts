/**
 * `npm run bench -w @groupbuy/adapters`: a broadcast of 1,000 messages to distinct chats through the real grammY
 * and vk-io clients against the fake servers enforcing the real limits (Telegram 30 messages/s per bot, VK 20
 * requests/s per token). Prints the time taken against the ceiling those limits allow, and the refusals (0 expected).
 */
import { Effect } from "effect"
import { telegramLimits, vkLimits } from "../src/shared/OutboundQueue.js"
import { broadcastTelegram, broadcastVk, type BroadcastResult } from "../test/shared/Broadcast.js"

const messages = Number(process.env.BROADCAST_MESSAGES ?? 1000)

const report = (r: BroadcastResult) => {
  const rate = (r.messages / r.elapsedMs) * 1000
  console.log(
    `${r.platform.padEnd(8)} ${r.messages} messages in ${(r.elapsedMs / 1000).toFixed(1)} s ` +
      `(ceiling ${(r.ceilingMs / 1000).toFixed(1)} s, ${((r.ceilingMs / r.elapsedMs) * 100).toFixed(0)}% of it), ` +
      `${rate.toFixed(1)} msg/s, delivered ${r.delivered}, refused ${r.refused}, ` +
      `sent ${r.stats.sent} retried ${r.stats.retried} failed ${r.stats.failed}`
  )
}

const program = Effect.gen(function* () {
  console.log(`broadcast of ${messages} messages to distinct chats, real limits, fake servers on loopback`)
  report(
    yield* broadcastTelegram(messages, {
      global: telegramLimits.global!,
      perChat: telegramLimits.perChat!,
      perGroup: telegramLimits.perGroup!
    })
  )
  report(yield* broadcastVk(messages, vkLimits.global!))
})

Effect.runPromise(program).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
