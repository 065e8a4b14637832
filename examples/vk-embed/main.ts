/**
 * GroupBuy inside an existing vk-io community bot. The host keeps its own handlers; GroupBuy answers its commands
 * (/start or the "Начать" button, /procurements, …), its callback buttons, and the free text of chats that are
 * talking to it. Enable Bots Long Poll (message_new, message_event) for the community.
 *
 *   VK_TOKEN=vk1.a.… npx tsx examples/vk-embed/main.ts
 *
 * VK_API_BASE_URL points vk-io at another API server (a fake in tests). Data: see ../console.
 */
import { VkEmbed } from "@groupbuy/adapters"
import { Config, Effect, Fiber, Option, Redacted } from "effect"
import { VK } from "vk-io"
import { GroupBuyEngine } from "../console/GroupBuyEngine.js"

const program = Effect.gen(function* () {
  const token = yield* Config.redacted("VK_TOKEN")
  const apiBaseUrl = yield* Config.option(Config.string("VK_API_BASE_URL"))
  const vk = new VK({
    token: Redacted.value(token),
    ...Option.match(apiBaseUrl, { onNone: () => ({}), onSome: (url) => ({ apiBaseUrl: url }) }),
    // GroupBuy's limiter paces every call (20/s per community token); vk-io need not add its own.
    apiLimit: 1000
  })

  // 1. GroupBuy first: it takes what is its own and calls `next` for everything else.
  vk.updates.use(yield* VkEmbed.groupBuyMiddleware(vk, { id: "host-vk" }))

  // 2. The host's own handlers, unchanged.
  vk.updates.on("message_new", async (context) => {
    if (context.text?.toLowerCase() === "погода") await context.send("☀️ +21 °C, ясно")
    else await context.send(`host bot heard: ${context.text ?? "(no text)"}`)
  })

  yield* Effect.acquireRelease(
    Effect.promise(() => vk.updates.start()).pipe(Effect.tap(() => Effect.log("VK bot is running (Ctrl-C to stop)"))),
    () => Effect.promise(() => vk.updates.stop())
  )
  return yield* Effect.never
})

const fiber = Effect.runFork(
  Effect.scoped(program).pipe(Effect.provide(GroupBuyEngine), Effect.tapErrorCause(Effect.logError))
)
process.once("SIGINT", () => void Effect.runPromise(Fiber.interrupt(fiber)))
