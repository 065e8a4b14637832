import { assert, describe, it } from "@effect/vitest"
import { Effect, Queue, Redacted } from "effect"
import type * as Http from "node:http"
import { AdapterEvents } from "../../src/shared/AdapterEvents.js"
import * as SafeFetch from "../../src/shared/SafeFetch.js"
import * as VkBot from "../../src/vk/VkBot.js"
import { FakeVk } from "../fakes/vk/FakeVk.js"
import { close, listen } from "../shared/FakeServerSupport.js"
import { allowLoopbackFake, imageServer, PNG } from "../shared/ImageServer.js"
import { scopedFake, scriptedTurns, waitFor } from "../shared/TestTurns.js"

const TOKEN = "vk1.a.community"

const callbackServer = Effect.acquireRelease(
  Effect.promise(async () => {
    let handler: (req: Http.IncomingMessage, res: Http.ServerResponse) => void = (_req, res) => res.writeHead(503).end()
    const { server, url } = await listen((req, res) => handler(req, res))
    return { url, server, route: (h: typeof handler) => void (handler = h) }
  }),
  ({ server }) => Effect.promise(() => close(server))
)

const ok = (fake: FakeVk, method: string) => fake.calls({ token: TOKEN, method, ok: true })

describe("VkBot against the fake VK API", () => {
  it.scopedLive("long poll: replies with callback keyboards, edits in place, answers presses, uploads photos", () => {
    const turns = scriptedTurns()
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeVk.start())
      const group = fake.addGroup(TOKEN, "groupbuy")
      const bot = yield* VkBot.make({
        id: "vk-1",
        token: Redacted.make(TOKEN),
        apiBaseUrl: fake.apiBaseUrl,
        mode: { _tag: "LongPoll" },
        fetchImage: SafeFetch.make({ allowAddress: allowLoopbackFake, accept: SafeFetch.isImage })
      })
      assert.strictEqual(bot.groupId, group.id)
      assert.strictEqual(bot.screenName, "groupbuy")

      yield* Effect.promise(() => fake.text(TOKEN, 501, "/start proc_7"))
      const first = yield* waitFor(() => ok(fake, "messages.send")[0], "the reply to /start")
      const { random_id, ...params } = first.params
      assert.match(String(random_id), /^\d+$/)
      assert.deepStrictEqual(params, {
        v: "5.199",
        peer_id: "501",
        message: "/start proc_7",
        keyboard: JSON.stringify({
          inline: true,
          buttons: [
            [
              { action: { type: "callback", label: "Дальше", payload: '{"d":"t1"}' }, color: "secondary" },
              { action: { type: "callback", label: "Тост", payload: '{"d":"t2"}' }, color: "secondary" }
            ]
          ]
        }),
        disable_mentions: "1"
      })
      assert.strictEqual(turns.updates[0]!.ref.bot, "vk-1")

      const menu = fake.lastSent(TOKEN, 501)
      yield* Effect.promise(() => fake.press(TOKEN, 501, menu.conversationMessageId, { d: "t1" }))
      const edit = yield* waitFor(() => ok(fake, "messages.edit")[0], "the edit")
      assert.strictEqual(edit.params.conversation_message_id, String(menu.conversationMessageId))
      assert.strictEqual(fake.message(TOKEN, 501, menu.conversationMessageId)?.text, "Страница 2")
      yield* waitFor(() => ok(fake, "messages.sendMessageEventAnswer")[0], "the bare answer")

      yield* Effect.promise(() => fake.press(TOKEN, 501, menu.conversationMessageId, { d: "t2" }))
      const snackbar = yield* waitFor(() => ok(fake, "messages.sendMessageEventAnswer")[1], "the snackbar")
      assert.strictEqual(snackbar.params.event_data, JSON.stringify({ type: "show_snackbar", text: "Готово" }))

      yield* Effect.promise(() => fake.photo(TOKEN, 501, fake.imageUrl("in.jpg")))
      const photo = yield* waitFor(
        () => ok(fake, "messages.send").find((c) => c.params.attachment !== undefined),
        "the photo message"
      )
      assert.match(String(photo.params.attachment), /^photo-\d+_\d+_ak\d+$/)
      assert.strictEqual(photo.params.message, "got photo (4096)")
      assert.strictEqual(ok(fake, "photos.getMessagesUploadServer").length, 1)
      assert.strictEqual(ok(fake, "photos.saveMessagesPhoto").length, 1)
    }).pipe(Effect.provide(turns.layer))
  })

  it.scopedLive("pictures at private addresses or local paths are not fetched: the text goes out with the link", () => {
    const images = (server: string) => ({
      loopback: `${server}/ok.png`,
      metadata: "http://169.254.169.254/latest/meta-data/iam",
      ipv6: "http://[::1]/a.png",
      private: "http://10.0.0.1/a.png",
      localhost: `http://localhost:${new URL(server).port}/ok.png`,
      path: "/etc/passwd",
      file: "file:///etc/passwd"
    })
    let urls: Record<string, string> = {}
    const turns = scriptedTurns((update) =>
      update._tag === "Text" ? [{ _tag: "Image", url: urls[update.text]!, caption: [{ text: update.text }] }] : []
    )
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeVk.start())
      const server = yield* imageServer
      urls = images(server.url)
      fake.addGroup(TOKEN)
      yield* VkBot.make({
        id: "vk-ssrf",
        token: Redacted.make(TOKEN),
        apiBaseUrl: fake.apiBaseUrl,
        mode: { _tag: "LongPoll" }
      })
      const names = Object.keys(urls)
      for (const [i, name] of names.entries()) yield* Effect.promise(() => fake.text(TOKEN, 600 + i, name))
      for (const [i, name] of names.entries()) {
        const sent = yield* waitFor(
          () => ok(fake, "messages.send").find((c) => c.params.peer_id === String(600 + i)),
          `the text for ${name}`
        )
        assert.strictEqual(sent.params.message, `${name}\n${urls[name]}`)
        assert.isUndefined(sent.params.attachment)
      }
      assert.strictEqual(ok(fake, "photos.getMessagesUploadServer").length, 0, "nothing was uploaded")
      assert.strictEqual(server.connections(), 0, "the loopback image host was never connected to")
    }).pipe(Effect.provide(turns.layer))
  })

  it.scopedLive("a picture is fetched by the guarded fetcher and uploaded as bytes", () => {
    const turns = scriptedTurns((update) =>
      update._tag === "Text" ? [{ _tag: "Image", url: update.text, caption: [{ text: "фото" }] }] : []
    )
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeVk.start())
      const server = yield* imageServer
      fake.addGroup(TOKEN)
      yield* VkBot.make({
        id: "vk-img",
        token: Redacted.make(TOKEN),
        apiBaseUrl: fake.apiBaseUrl,
        mode: { _tag: "LongPoll" },
        fetchImage: SafeFetch.make({ allowAddress: allowLoopbackFake, accept: SafeFetch.isImage })
      })
      yield* Effect.promise(() => fake.text(TOKEN, 700, `${server.url}/redirect?to=${encodeURIComponent("/ok.png")}`))
      const photo = yield* waitFor(() => ok(fake, "messages.send")[0], "the photo message")
      assert.match(String(photo.params.attachment), /^photo-\d+_\d+_ak\d+$/)
      assert.strictEqual(photo.params.message, "фото")
      assert.deepStrictEqual(server.requests, [`/redirect?to=${encodeURIComponent("/ok.png")}`, "/ok.png"])
      const saved = ok(fake, "photos.saveMessagesPhoto")
      assert.strictEqual(saved.length, 1)
      assert.include(String(saved[0]!.params.photo), `${PNG.length}:picture.png`, "the fetched bytes were uploaded")

      // a page that is not an image is not uploaded: the text goes out with its link
      yield* Effect.promise(() => fake.text(TOKEN, 701, `${server.url}/page.html`))
      const text = yield* waitFor(() => ok(fake, "messages.send")[1], "the text fallback")
      assert.strictEqual(text.params.message, `фото\n${server.url}/page.html`)
      assert.strictEqual(ok(fake, "photos.getMessagesUploadServer").length, 1)
    }).pipe(Effect.provide(turns.layer))
  })

  it.scopedLive("group chats: peer ids from 2e9 are decoded and answered in the chat", () => {
    const turns = scriptedTurns()
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeVk.start())
      const group = fake.addGroup(TOKEN)
      yield* VkBot.make({
        id: "vk-1",
        token: Redacted.make(TOKEN),
        apiBaseUrl: fake.apiBaseUrl,
        mode: { _tag: "LongPoll" }
      })
      yield* Effect.promise(() => fake.text(TOKEN, 8, `[club${group.id}|@gb] привет`, { peerId: 2000000003 }))
      const reply = yield* waitFor(() => ok(fake, "messages.send")[0], "the reply in the chat")
      assert.strictEqual(reply.params.peer_id, "2000000003")
      assert.strictEqual(reply.params.message, "echo: привет")
      assert.strictEqual(turns.updates[0]!.ref.isGroup, true)
    }).pipe(Effect.provide(turns.layer))
  })

  it.scopedLive(
    "Callback API: confirmation, wrong secret refused and not processed, `ok`, a re-delivered event once",
    () => {
      const turns = scriptedTurns()
      return Effect.gen(function* () {
        const fake = yield* scopedFake(() => FakeVk.start())
        fake.addGroup(TOKEN)
        const server = yield* callbackServer
        const bot = yield* VkBot.make({
          id: "vk-cb",
          token: Redacted.make(TOKEN),
          apiBaseUrl: fake.apiBaseUrl,
          mode: { _tag: "Callback", confirmation: "a1b2c3", secret: Redacted.make("cb-secret") }
        })
        server.route((req, res) => void bot.callback(req, res))

        fake.setCallback(TOKEN, `${server.url}/vk`, "cb-secret")
        assert.deepStrictEqual(yield* Effect.promise(() => fake.confirm(TOKEN, "cb-secret")), {
          status: 200,
          body: "a1b2c3"
        })

        fake.setCallback(TOKEN, `${server.url}/vk`, "forged")
        const forged = yield* Effect.promise(() => fake.text(TOKEN, 5, "hi"))
        assert.strictEqual(forged.status, 401)
        assert.strictEqual(turns.updates.length, 0, "nothing reached the engine")

        fake.setCallback(TOKEN, `${server.url}/vk`, "cb-secret")
        const first = yield* Effect.promise(() => fake.text(TOKEN, 5, "hi"))
        assert.deepStrictEqual([first.status, first.body], [200, "ok"])
        const again = yield* Effect.promise(() =>
          fake.push(TOKEN, first.event.type, first.event.object, first.event.event_id)
        )
        assert.deepStrictEqual([again.status, again.body], [200, "ok"])
        yield* waitFor(() => ok(fake, "messages.send")[0], "the reply")
        yield* Effect.sleep("200 millis")
        assert.strictEqual(ok(fake, "messages.send").length, 1, "one set of API calls")
        assert.strictEqual(turns.updates.length, 1)

        const web = yield* Effect.promise(() =>
          bot.fetchCallback(
            new Request("http://x/vk", { method: "POST", body: JSON.stringify({ type: "confirmation" }) })
          )
        )
        assert.strictEqual(web.status, 401)
      }).pipe(Effect.provide(turns.layer))
    }
  )

  it.scopedLive("maps errors: 901 marks the user unreachable, error 5 reports the bot unhealthy", () => {
    const turns = scriptedTurns()
    return Effect.gen(function* () {
      const fake = yield* scopedFake(() => FakeVk.start())
      fake.addGroup(TOKEN)
      const subscription = yield* (yield* AdapterEvents).subscribe
      yield* VkBot.make({
        id: "vk-err",
        token: Redacted.make(TOKEN),
        apiBaseUrl: fake.apiBaseUrl,
        mode: { _tag: "LongPoll" }
      })
      fake.block(TOKEN, 3)
      yield* Effect.promise(() => fake.text(TOKEN, 3, "hi"))
      const unreachable = yield* Queue.take(subscription)
      assert.deepInclude(unreachable, { _tag: "IdentityUnreachable", bot: "vk-err", platform: "vk", chatId: "3" })
      fake.revoke(TOKEN)
      yield* Effect.promise(() => fake.text(TOKEN, 4, "hi"))
      const unhealthy = yield* Queue.take(subscription)
      assert.deepInclude(unhealthy, { _tag: "BotUnhealthy", bot: "vk-err", reason: "unauthorized" })
    }).pipe(Effect.provide(turns.layer))
  })
})
