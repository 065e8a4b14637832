/**
 * Relayed chat copies edited in place on VK, on the whole platform with a community bot on the fake VK API through the
 * real vk-io client: the organizer reads the chat in chat mode on VK; the buyer writes from the web, edits and deletes.
 * The copy the organizer got is edited by its message id (the same VK message, no short update sent), then replaced
 * with "message deleted".
 */
import { FetchHttpClient } from "@effect/platform"
import { FakeVk } from "@groupbuy/adapters/testing"
import { Chat, PostMessage, userActor } from "@groupbuy/core"
import { coreProfiles, insertParticipant, insertProcurement } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { AppLive } from "../src/Server.js"
import { eventually, expectNow } from "./utils/AppHarness.js"
import { linkedAccount } from "./utils/MiniAppLaunch.js"
import { testSettings } from "./utils/TestServer.js"

const TOKEN = "vk1.a.chat-copies-on-vk"
const ORGANIZER = 7121

interface VkButton {
  readonly action: { readonly label?: string; readonly payload?: string }
}
const buttonsOf = (keyboard: unknown): ReadonlyArray<VkButton> =>
  ((keyboard as { buttons?: ReadonlyArray<ReadonlyArray<VkButton>> } | undefined)?.buttons ?? []).flat()

const profile = coreProfiles().at(-1)!
const vk = await FakeVk.start({ limit: false })
afterAll(() => vk.close())
const group = vk.addGroup(TOKEN)

const layer = Layer.fresh(
  AppLive.pipe(
    Layer.provideMerge(profile.layer),
    Layer.provideMerge(
      Layer.succeed(
        ServerConfig,
        testSettings({
          host: "127.0.0.1",
          vk: Option.some({ token: Redacted.make(TOKEN), groupId: group.id, apiBaseUrl: Option.some(vk.apiBaseUrl) })
        })
      )
    )
  )
)

const sent = () => vk.sentMessages(TOKEN, ORGANIZER)
const texts = () => sent().map((m) => m.text)
const until = (check: () => boolean, what: () => string) => eventually(expectNow(check, what))

describe(`relayed chat copies edited in place on VK (${profile.name})`, () => {
  layerOf(layer, { timeout: "180 seconds", excludeTestServices: true })((it) => {
    it.effect("an edit from the web edits the VK copy; a deletion replaces it with 'message deleted'", () =>
      Effect.gen(function* () {
        const organizer = yield* linkedAccount("vk", ORGANIZER, "Ольга", "organizer")
        const buyer = yield* linkedAccount("vk", 7_999_101, "Иван")
        const procurement = yield* insertProcurement(organizer.id, { title: "Мёд с пасеки" })
        yield* insertParticipant(procurement, buyer.id)

        vk.text(TOKEN, ORGANIZER, "/chat")
        yield* until(
          () => texts().some((t) => t.includes("Выберите чат")),
          () => JSON.stringify(texts())
        )
        const pick = sent().at(-1)!
        const choose = buttonsOf(pick.keyboard).find((b) => b.action.label === "Мёд с пасеки")!
        vk.press(TOKEN, ORGANIZER, pick.conversationMessageId, JSON.parse(choose.action.payload!))
        yield* until(
          () => texts().some((t) => t.includes("Вы в чате закупки «Мёд с пасеки»")),
          () => JSON.stringify(texts())
        )

        const chat = yield* Chat
        const message = yield* chat.post(
          PostMessage.make({
            procurementId: procurement,
            userId: buyer.id,
            text: "Привезу в пятницу",
            originPlatform: "web"
          })
        )
        yield* until(
          () => texts().some((t) => t.includes("Иван: Привезу в пятницу")),
          () => JSON.stringify(texts())
        )
        const copy = sent().find((m) => m.text.includes("Иван: Привезу в пятницу"))!
        const count = sent().length

        yield* chat.edit(userActor(buyer.id), message.id, "Привезу в субботу")
        yield* until(
          () =>
            (vk.message(TOKEN, ORGANIZER, copy.conversationMessageId)?.text ?? "").includes("Иван: Привезу в субботу"),
          () => JSON.stringify(texts())
        )
        assert.lengthOf(sent(), count)
        assert.isFalse(texts().some((t) => t.includes("исправил(а) сообщение")))

        yield* chat.remove(userActor(buyer.id), message.id)
        yield* until(
          () =>
            (vk.message(TOKEN, ORGANIZER, copy.conversationMessageId)?.text ?? "") ===
            "🗑 «Мёд с пасеки» — сообщение удалено.",
          () => JSON.stringify(texts())
        )
        assert.lengthOf(sent(), count)
      }).pipe(Effect.provide(FetchHttpClient.layer))
    )
  })
})
