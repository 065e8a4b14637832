import { assert, describe, it } from "@effect/vitest"
import { DisconnectReason } from "@whiskeysockets/baileys"
import { Effect, Layer, Queue, Stream } from "effect"
import type { Capabilities, Reply, Update } from "@groupbuy/router"
import { type AdapterEvent, AdapterEvents } from "../../src/shared/AdapterEvents.js"
import * as SafeFetch from "../../src/shared/SafeFetch.js"
import { TurnHandler } from "../../src/shared/TurnHandler.js"
import * as WhatsAppAdapter from "../../src/whatsapp/WhatsAppAdapter.js"
import { memoryStore } from "../../src/whatsapp/WhatsAppAuthState.js"
import { whatsappCapabilities as capabilities } from "../../src/whatsapp/WhatsAppCapabilities.js"
import { FakeWhatsApp, imageFrom, textFrom } from "../fakes/whatsapp/FakeWhatsApp.js"
import { allowLoopbackFake, imageServer, PNG } from "../shared/ImageServer.js"

/** Polls `probe` until it returns something other than undefined/false. */
const eventually = <A>(probe: () => A | undefined | false, what: string, timeoutMs = 3000) =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const value = probe()
      if (value !== undefined && value !== false) return value
      if (Date.now() > deadline) return yield* Effect.dieMessage(`timed out waiting for ${what}`)
      yield* Effect.sleep("5 millis")
    }
  })

const menu = (question: string, options: ReadonlyArray<string>): Reply => ({
  _tag: "Text",
  text: [{ text: `${question}\n${options.map((option, i) => `${i + 1}. ${option}`).join("\n")}` }]
})

/** A stand-in for the router: numbered menus as `fit` would make them for WhatsApp. */
const scripted = (seen: Array<{ update: Update; capabilities: Capabilities }>, registered: Array<string> = []) =>
  Layer.succeed(TurnHandler, {
    register: (bot, caps) => Effect.sync(() => void registered.push(`${bot} ${caps.buttons}`)),
    handle: (update, caps) =>
      Effect.sync((): ReadonlyArray<Reply> => {
        seen.push({ update, capabilities: caps })
        switch (update._tag) {
          case "Command":
            return [menu("Кто вы?", ["Покупатель", "Организатор"])]
          case "Text":
            return [{ _tag: "Text", text: [{ text: "Вы выбрали: " }, { text: update.text, bold: true }] }]
          case "Media":
            return [{ _tag: "Image", url: "https://cdn.example/ok.jpg", caption: [{ text: update.caption ?? "" }] }]
          default:
            return []
        }
      })
  })

const start = (options: Partial<WhatsAppAdapter.Options> = {}) =>
  Effect.gen(function* () {
    const fake = new FakeWhatsApp()
    const store = memoryStore()
    const seen: Array<{ update: Update; capabilities: Capabilities }> = []
    const registered: Array<string> = []
    const events = yield* AdapterEvents
    const subscription = yield* events.subscribe
    const bot = yield* WhatsAppAdapter.make({
      id: "wa-test",
      store,
      terminal: false,
      makeSocket: fake.makeSocket,
      backoff: { initial: "20 millis", max: "80 millis" },
      limits: { global: { limit: 1000, windowMs: 1000 } },
      ...options
    }).pipe(Effect.provide(scripted(seen, registered)))
    yield* eventually(() => fake.sockets.length === 1, "the first socket")
    return { fake, store, seen, bot, subscription, registered }
  })

const withEvents = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.scoped(effect).pipe(Effect.provide(AdapterEvents.layer))

describe("WhatsAppAdapter", () => {
  it.live("QR login, then a conversation: text in, numbered menu out to the phone-number JID", () =>
    withEvents(
      Effect.gen(function* () {
        const { bot, fake, registered, seen } = yield* start()
        assert.deepStrictEqual(registered, ["wa-test false"])
        fake.current.showQr("2@qr-payload")
        const qr = yield* eventually(() => {
          const status = Effect.runSync(bot.status)
          return status._tag === "AwaitingQr" ? status : undefined
        }, "the QR status")
        assert.strictEqual(qr.qr, "2@qr-payload")
        fake.current.open()
        yield* eventually(() => Effect.runSync(bot.status)._tag === "Open", "open")
        fake.current.receive(textFrom("79991234567", "/start", { lid: "555000111" }))
        yield* eventually(() => fake.sent.length === 1, "the menu")
        assert.deepStrictEqual(fake.sent[0], {
          jid: "79991234567@s.whatsapp.net",
          content: { text: "Кто вы?\n1. Покупатель\n2. Организатор" }
        })
        assert.strictEqual(seen[0]!.capabilities, capabilities)
        fake.current.receive(textFrom("79991234567", "2"))
        yield* eventually(() => fake.sent.length === 2, "the answer")
        assert.deepStrictEqual(fake.sent[1]!.content, { text: "Вы выбрали: *2*" })
        assert.isTrue(seen[1]!.update._tag === "Text" && seen[1]!.update.ref.userId === "79991234567")
        // history sync ("append") and repeats of one message id are not answered again
        const repeated = textFrom("79991234567", "again")
        fake.current.receive(repeated)
        fake.current.receive(repeated)
        fake.current.receive(textFrom("79991234567", "old"), "append")
        yield* eventually(() => fake.sent.length === 3, "one answer")
        yield* Effect.sleep("50 millis")
        assert.strictEqual(fake.sent.length, 3)
      })
    )
  )

  it.live("pairing-code login: the code is requested for the configured phone and published", () =>
    withEvents(
      Effect.gen(function* () {
        const { bot, fake } = yield* start({ pairingPhone: "+7 999 123-45-67" })
        fake.current.showQr("qr-ignored")
        yield* eventually(() => fake.current.pairingRequests.length === 1, "the pairing request")
        assert.deepStrictEqual(fake.current.pairingRequests, ["79991234567"])
        const status = yield* eventually(() => {
          const current = Effect.runSync(bot.status)
          return current._tag === "AwaitingPairingCode" ? current : undefined
        }, "the code status")
        assert.deepStrictEqual([status.code, status.phone], ["ABCD-1234", "+7 999 123-45-67"])
        // a second QR refresh does not ask again
        fake.current.showQr("qr-2")
        yield* Effect.sleep("30 millis")
        assert.strictEqual(fake.current.pairingRequests.length, 1)
        // the admin API can ask for a code for another phone on the live socket
        assert.strictEqual(yield* bot.requestPairingCode("79990000000"), "ABCD-1234")
        assert.deepStrictEqual(fake.current.pairingRequests, ["79991234567", "79990000000"])
      })
    )
  )

  it.live("creds.update is saved to the store; the next socket starts from the saved creds", () =>
    withEvents(
      Effect.gen(function* () {
        const { fake, store } = yield* start()
        fake.current.updateCreds({ registered: true, pairingCode: "XYZ" })
        yield* eventually(() => store.entries.has("creds"), "saved creds")
        assert.isTrue((JSON.parse(store.entries.get("creds")!) as { registered: boolean }).registered)
        fake.current.drop(DisconnectReason.restartRequired)
        yield* eventually(() => fake.sockets.length === 2, "the restart")
        assert.isTrue(fake.current.auth.state.creds.registered)
      })
    )
  )

  it.live("reconnects with backoff after every close except logged out, never two sockets at once", () =>
    withEvents(
      Effect.gen(function* () {
        const { bot, fake, store, subscription } = yield* start()
        fake.current.open()
        for (const [i, code] of [
          DisconnectReason.connectionLost,
          DisconnectReason.connectionClosed,
          DisconnectReason.timedOut,
          DisconnectReason.badSession
        ].entries()) {
          fake.current.drop(code)
          const status = yield* eventually(() => {
            const current = Effect.runSync(bot.status)
            return current._tag === "Reconnecting" ? current : undefined
          }, "reconnecting")
          assert.strictEqual(status.attempt, i + 1)
          assert.strictEqual(status.delayMs, Math.min(80, 20 * 2 ** i))
          yield* eventually(() => fake.sockets.length === i + 2, `socket ${i + 2}`)
        }
        assert.strictEqual(fake.maxAlive, 1)
        // a stale socket's late events are ignored
        fake.sockets[0]!.receive(textFrom("7999", "from a dead socket"))
        fake.sockets[0]!.emit("connection.update", { connection: "close" })
        yield* Effect.sleep("100 millis")
        assert.strictEqual(fake.sockets.length, 5)
        assert.strictEqual(fake.sent.length, 0)
        // opening resets the backoff
        fake.current.open()
        fake.current.drop(DisconnectReason.connectionLost)
        const status = yield* eventually(() => {
          const current = Effect.runSync(bot.status)
          return current._tag === "Reconnecting" ? current : undefined
        }, "reconnecting")
        assert.strictEqual(status.attempt, 1)
        yield* eventually(() => fake.sockets.length === 6, "socket 6")
        // logged out from the phone: no reconnect, state cleared, bot reported unhealthy
        yield* Effect.promise(() => fake.current.auth.saveCreds())
        assert.isTrue(store.entries.has("creds"))
        yield* bot.logout
        yield* eventually(() => Effect.runSync(bot.status)._tag === "LoggedOut", "logged out")
        assert.strictEqual(store.entries.size, 0)
        yield* Effect.sleep("150 millis")
        assert.strictEqual(fake.sockets.length, 6)
        const events: Array<AdapterEvent> = []
        while (true) {
          const event = yield* Queue.poll(subscription)
          if (event._tag === "None") break
          events.push(event.value)
        }
        assert.isTrue(events.some((event) => event._tag === "BotUnhealthy" && event.reason === "unauthorized"))
        // the admin logs in again: a fresh socket with fresh creds
        yield* bot.login
        yield* eventually(() => fake.sockets.length === 7, "a new login socket")
        assert.isFalse(fake.current.auth.state.creds.registered)
        assert.strictEqual(fake.maxAlive, 1)
      })
    )
  )

  it.live("a socket that cannot be created is retried with backoff", () =>
    withEvents(
      Effect.gen(function* () {
        const fake = new FakeWhatsApp()
        fake.failCreates = 2
        const bot = yield* WhatsAppAdapter.make({
          id: "wa-fail",
          store: memoryStore(),
          terminal: false,
          makeSocket: fake.makeSocket,
          backoff: { initial: "40 millis", max: "80 millis" }
        }).pipe(Effect.provide(scripted([])))
        const seen: Array<string> = []
        yield* Effect.forkScoped(
          Stream.runForEach(bot.statusChanges, (status) =>
            Effect.sync(() =>
              seen.push(status._tag === "Reconnecting" ? `Reconnecting ${status.attempt}` : status._tag)
            )
          )
        )
        yield* eventually(() => fake.sockets.length === 1, "a socket after two failures")
        yield* eventually(() => seen.at(-1) === "Connecting", "connecting")
        assert.includeMembers(seen, ["Reconnecting 2", "Connecting"])
        assert.strictEqual((yield* bot.status)._tag, "Connecting")
      })
    )
  )

  it.live("one runner per account: a second one for the same account is refused until the first stops", () =>
    withEvents(
      Effect.gen(function* () {
        const options = { id: "wa-single", store: memoryStore(), terminal: false } as const
        const first = new FakeWhatsApp()
        yield* Effect.scoped(
          Effect.gen(function* () {
            yield* WhatsAppAdapter.make({ ...options, makeSocket: first.makeSocket }).pipe(Effect.provide(scripted([])))
            yield* eventually(() => first.sockets.length === 1, "the first socket")
            const second = new FakeWhatsApp()
            const refused = yield* Effect.flip(
              WhatsAppAdapter.make({ ...options, makeSocket: second.makeSocket }).pipe(Effect.provide(scripted([])))
            )
            assert.deepStrictEqual(refused, new WhatsAppAdapter.AccountAlreadyRunning({ bot: "wa-single" }))
            assert.strictEqual(second.sockets.length, 0)
          })
        )
        assert.isTrue(first.sockets[0]!.ended, "closing the scope ends the socket")
        yield* Effect.sleep("60 millis")
        assert.strictEqual(first.sockets.length, 1, "and does not reconnect")
        const again = new FakeWhatsApp()
        yield* WhatsAppAdapter.make({ ...options, makeSocket: again.makeSocket }).pipe(Effect.provide(scripted([])))
        yield* eventually(() => again.sockets.length === 1, "the account runs again")
      })
    )
  )

  it.live("images with captions in and out; the received image can be downloaded", () =>
    withEvents(
      Effect.gen(function* () {
        const downloads: Array<string> = []
        const fetched: Array<string> = []
        const { bot, fake, seen } = yield* start({
          download: async (message) => {
            downloads.push(message.key.id!)
            return Buffer.from("jpeg-bytes")
          },
          fetchImage: (url) =>
            Effect.sync(() => {
              fetched.push(url)
              return { bytes: PNG, contentType: "image/png", url }
            })
        })
        fake.current.open()
        const image = imageFrom("79991234567", "Вот товар")
        fake.current.receive(image)
        yield* eventually(() => fake.sent.length === 1, "the image reply")
        // baileys gets the bytes, never the URL to download itself
        assert.deepStrictEqual(fake.sent[0]!.content, { image: PNG, caption: "Вот товар" })
        assert.deepStrictEqual(fetched, ["https://cdn.example/ok.jpg"])
        const update = seen[0]!.update
        assert.isTrue(update._tag === "Media" && update.caption === "Вот товар")
        if (update._tag !== "Media") return
        assert.strictEqual((yield* bot.fetchMedia(update.url)).toString(), "jpeg-bytes")
        assert.deepStrictEqual(downloads, [image.key.id])
        const missing = yield* Effect.flip(bot.fetchMedia("wa-media:unknown"))
        assert.strictEqual(missing.reason, "media_not_found")
      })
    )
  )

  it.live("pictures come through the guarded fetcher: private addresses are refused and the text goes out", () =>
    withEvents(
      Effect.gen(function* () {
        const server = yield* imageServer
        const jid = "79991234567@s.whatsapp.net"
        const picture = (url: string): Reply => ({ _tag: "Image", url, caption: [{ text: "Фото" }] })
        const { bot, fake } = yield* start()
        fake.current.open()
        const refused = [
          `${server.url}/ok.png`,
          "http://169.254.169.254/latest/meta-data/",
          `http://[::1]:${server.port}/ok.png`,
          "http://10.0.0.1/a.png",
          `http://localhost:${server.port}/ok.png`
        ]
        yield* bot.send(jid, refused.map(picture))
        assert.deepStrictEqual(
          fake.sent.map((sent) => sent.content),
          refused.map((url) => ({ text: `Фото\n${url}` }))
        )
        assert.strictEqual(server.connections(), 0, "the loopback image host was never connected to")

        const allowed = yield* start({
          id: "wa-images",
          fetchImage: SafeFetch.make({ allowAddress: allowLoopbackFake, accept: SafeFetch.isImage })
        })
        allowed.fake.current.open()
        yield* allowed.bot.send(jid, [picture(`${server.url}/ok.png`), picture(`${server.url}/page.html`)])
        assert.deepStrictEqual(
          allowed.fake.sent.map((sent) => sent.content),
          [{ image: PNG, caption: "Фото" }, { text: `Фото\n${server.url}/page.html` }]
        )
      })
    )
  )

  it.live("proactive send goes to the chat; while disconnected it waits for the reconnect", () =>
    withEvents(
      Effect.gen(function* () {
        const { bot, fake } = yield* start({ backoff: { initial: "100 millis", max: "100 millis" } })
        fake.current.open()
        yield* bot.send("79991234567@s.whatsapp.net", [{ _tag: "Text", text: [{ text: "Оплата получена" }] }])
        assert.deepStrictEqual(fake.sent[0], {
          jid: "79991234567@s.whatsapp.net",
          content: { text: "Оплата получена" }
        })
        fake.current.drop(DisconnectReason.connectionLost)
        const pending = yield* Effect.fork(
          bot.send("79991234567@s.whatsapp.net", [{ _tag: "Text", text: [{ text: "после" }] }])
        )
        yield* eventually(() => fake.sockets.length === 2, "the reconnect")
        fake.current.open()
        yield* pending.await
        assert.deepStrictEqual(fake.sockets[1]!.sent, [
          { jid: "79991234567@s.whatsapp.net", content: { text: "после" } }
        ])
      })
    )
  )
})
