import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Http from "node:http"
import type * as Https from "node:https"
import { VK } from "vk-io"
import { groupBuyMiddleware } from "../../src/vk/VkEmbed.js"
import { FakeVk } from "../fakes/vk/FakeVk.js"
import { scopedFake, scriptedTurns, waitFor } from "../shared/TestTurns.js"

const TOKEN = "vk-host"

describe("GroupBuy embedded in an existing vk-io bot", () => {
  it.scopedLive("handles GroupBuy's commands and buttons and passes everything else to the host", () => {
    const turns = scriptedTurns()
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeVk.start())
      fake.addGroup(TOKEN)
      const vk = new VK({
        token: TOKEN,
        apiBaseUrl: fake.apiBaseUrl,
        agent: new Http.Agent({ keepAlive: true }) as Https.Agent,
        apiLimit: 1000
      })
      vk.updates.use(yield* groupBuyMiddleware(vk, { id: "host-vk" }))
      vk.updates.on("message_new", (context) => context.send(`host echo: ${context.text ?? ""}`).then(() => undefined))
      yield* Effect.acquireRelease(
        Effect.promise(() => vk.updates.start()),
        () => Effect.promise(() => vk.updates.stop())
      )
      const messages = () =>
        fake.calls({ token: TOKEN, method: "messages.send", ok: true }).map((c) => c.params.message)

      yield* Effect.promise(() => fake.text(TOKEN, 1, "hello"))
      yield* waitFor(() => (messages().includes("host echo: hello") ? true : undefined), "the host's echo")
      assert.strictEqual(turns.updates.length, 0)

      yield* Effect.promise(() => fake.text(TOKEN, 2, "/start"))
      yield* waitFor(() => (messages().includes("/start ") ? true : undefined), "GroupBuy's reply")
      const menu = fake.lastSent(TOKEN, 2)
      yield* Effect.promise(() => fake.press(TOKEN, 2, menu.conversationMessageId, { d: "t1" }))
      yield* waitFor(() => fake.calls({ token: TOKEN, method: "messages.edit", ok: true })[0], "GroupBuy's edit")
      yield* Effect.promise(() => fake.text(TOKEN, 2, "Анна"))
      yield* waitFor(() => (messages().includes("echo: Анна") ? true : undefined), "GroupBuy's echo")
      assert.notInclude(messages(), "host echo: Анна")
      assert.strictEqual(turns.updates.length, 3)
    }).pipe(Effect.provide(turns.layer))
  })
})
