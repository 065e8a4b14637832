import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { TurnHandler } from "../../src/shared/TurnHandler.js"
import { SignJWT } from "jose"
import type { Capabilities, Reply, Update } from "@groupbuy/router"
import * as ChatToken from "../../src/websocket/ChatToken.js"
import * as WebSocketAdapter from "../../src/websocket/WebSocketAdapter.js"
import { webCapabilities } from "../../src/websocket/WebCapabilities.js"
import { ChatClient } from "./ChatClient.js"
import { CABINET_URL, cabinetReply, LOGIN_URL } from "../shared/CabinetReply.js"

const tokens: ChatToken.TokenConfig = {
  secret: "a-test-secret-that-is-long-enough-for-hs256",
  issuer: "groupbuy-test",
  audience: "groupbuy-chat"
}
const ORIGIN = "http://shop.example"

const text = (value: string, keyboard?: ReadonlyArray<ReadonlyArray<string>>): Reply =>
  keyboard === undefined
    ? { _tag: "Text", text: [{ text: value }] }
    : {
        _tag: "Text",
        text: [{ text: value }],
        keyboard: { rows: keyboard.map((row) => row.map((label) => ({ _tag: "Action", label, data: `a:${label}` }))) }
      }

/** The `/web` reply: a Mini App button beside an action. */
const cabinet = cabinetReply(CABINET_URL, [{ _tag: "Action", label: "Назад", data: "a:back" }])

/** A stand-in router: enough behaviour to observe what the adapter sends it and what it does with replies. */
const fakeRouter = (seen: Array<Update>) => (update: Update, capabilities: Capabilities) =>
  Effect.suspend(() => {
    assert.strictEqual(capabilities, webCapabilities)
    seen.push(update)
    switch (update._tag) {
      case "Text":
        if (update.text === "boom") return Effect.die(new Error("router exploded"))
        return Effect.succeed([text(`you said ${update.text}`, [["One", "Two"], ["Three"]])])
      case "Button":
        return Effect.succeed<ReadonlyArray<Reply>>([
          { _tag: "Toast", text: "ok" },
          { _tag: "Edit", text: [{ text: `pressed ${update.data}` }] }
        ])
      case "Command":
        if (update.command === "web") return Effect.succeed([cabinet])
        return Effect.succeed([text(`command ${update.command} ${update.args}`)])
      default:
        return Effect.succeed([])
    }
  })

const serve = (overrides: Partial<WebSocketAdapter.Options> = {}) =>
  Effect.gen(function* () {
    const seen: Array<Update> = []
    const registered: Array<[string, Capabilities]> = []
    let chat: WebSocketAdapter.WebSocketChat | undefined
    // the HTTP server is acquired first so that it is released last, after the adapter closed its connections
    const server = yield* Effect.acquireRelease(
      Effect.async<ReturnType<typeof createServer>>((resume) => {
        const http = createServer((_request, response) => response.writeHead(404).end())
        http.on("upgrade", (request, socket, head) => chat?.handleUpgrade(request, socket, head))
        http.listen(0, "127.0.0.1", () => resume(Effect.succeed(http)))
      }),
      (http) =>
        Effect.async<void>((resume) => {
          http.closeAllConnections()
          http.close(() => resume(Effect.void))
        })
    )
    chat = yield* WebSocketAdapter.make({ id: "web", tokens, allowedOrigins: [ORIGIN], ...overrides }).pipe(
      Effect.provideService(TurnHandler, {
        handle: fakeRouter(seen),
        register: (bot, capabilities) => Effect.sync(() => registered.push([bot, capabilities]))
      })
    )
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/chat`
    const connect = (options?: Parameters<typeof ChatClient.open>[1]) =>
      Effect.promise(() => ChatClient.open(url, { origin: ORIGIN, ...options }))
    return { chat, seen, url, connect, registered }
  })

const guest = ChatToken.issueGuestToken(tokens)

const hello = (client: ChatClient, token: string, extra: Record<string, unknown> = {}) =>
  Effect.promise(async () => {
    client.send({ type: "hello", v: "groupbuy.chat.v1", token, ...extra })
    return client.next((frame) => frame.type === "welcome" || frame.type === "error")
  })

const promise = <A>(f: () => Promise<A>) => Effect.promise(f)

/** Sends an `update` frame with a text message. */
const sendText = (client: ChatClient, id: string, text: string) =>
  client.send({ type: "update", id, update: { kind: "text", text } })

/** A served adapter and one client connected to it that said hello with a guest token. */
const guestSession = Effect.gen(function* () {
  const served = yield* serve()
  const client = yield* served.connect()
  yield* hello(client, (yield* guest).token)
  return { ...served, client }
})

describe("WebSocketAdapter", () => {
  it.live("hello, then an update is answered with the full keyboard and acknowledged", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { connect, registered, seen } = yield* serve()
        assert.deepStrictEqual(registered, [["web", webCapabilities]])
        const { subject, token } = yield* guest
        const client = yield* connect({ protocols: ["groupbuy.chat.v1"] })
        assert.strictEqual(client.ws.protocol, "groupbuy.chat.v1")
        const welcome = yield* hello(client, token, { locale: "en" })
        assert.strictEqual(welcome.type, "welcome")
        assert.deepStrictEqual(welcome.identity, {
          userId: subject,
          guest: true,
          expiresAt: (yield* ChatToken.verifyToken(tokens, token)).expiresAt
        })
        sendText(client, "u1", "hello")
        const reply = yield* promise(() => client.nextOf("reply"))
        assert.strictEqual(reply.seq, 1)
        assert.strictEqual(reply.inReplyTo, "u1")
        assert.deepStrictEqual(reply.reply, text("you said hello", [["One", "Two"], ["Three"]]))
        assert.deepStrictEqual(yield* promise(() => client.nextOf("ack")), { type: "ack", id: "u1" })
        const update = seen[0]!
        assert.strictEqual(update._tag, "Text")
        assert.strictEqual(update.ref.platform, "web")
        assert.strictEqual(update.ref.bot, "web")
        assert.strictEqual(update.ref.userId, subject)
        assert.strictEqual(update.ref.chatId, subject)
        assert.strictEqual(update.ref.locale, "en")
        assert.strictEqual(update.updateId, `${subject}/u1`)
        client.close()
      })
    )
  )

  it.live("commands (including /link) become Command updates; button presses edit the pressed message", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { client, seen } = yield* guestSession
        sendText(client, "c1", "/link 123456")
        const reply = yield* promise(() => client.nextOf("reply"))
        assert.deepStrictEqual(reply.reply, text("command link 123456"))
        const command = seen[0]!
        assert.isTrue(command._tag === "Command" && command.command === "link" && command.args === "123456")
        client.send({ type: "update", id: "b1", update: { kind: "button", data: "a:One", messageId: "1" } })
        const toast = yield* promise(() => client.nextOf("reply"))
        assert.deepStrictEqual(toast.reply, { _tag: "Toast", text: "ok" })
        assert.isUndefined(toast.edits)
        const edit = yield* promise(() => client.nextOf("reply"))
        assert.strictEqual(edit.edits, "1")
        assert.strictEqual(edit.seq, 3)
        const button = seen[1]!
        assert.isTrue(button._tag === "Button" && button.data === "a:One" && button.messageId === "1")
      })
    )
  )

  it.live("a Mini App button reaches the browser as a link button to its fallback (the login-code link)", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { client } = yield* guestSession
        sendText(client, "w1", "/web")
        const reply = yield* promise(() => client.nextOf("reply"))
        assert.deepStrictEqual(reply.reply, {
          _tag: "Text",
          text: [{ text: "Вход" }],
          keyboard: {
            rows: [
              [
                { _tag: "Url", label: "Кабинет", url: LOGIN_URL },
                { _tag: "Action", label: "Назад", data: "a:back" }
              ]
            ]
          }
        })
        client.close()
      })
    )
  )

  it.live("the first frame must be hello: a token in the URL query is ignored", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { connect, seen, url } = yield* serve()
        const { token } = yield* guest
        const client = yield* promise(() => ChatClient.open(`${url}?token=${token}`, { origin: ORIGIN }))
        sendText(client, "u1", "hello")
        const error = yield* promise(() => client.nextOf("error"))
        assert.strictEqual(error.code, "unauthenticated")
        assert.strictEqual((yield* promise(() => client.waitClosed())).code, 4400)
        assert.strictEqual(seen.length, 0)
        const other = yield* connect()
        other.send("not json")
        assert.strictEqual((yield* promise(() => other.nextOf("error"))).code, "bad_frame")
        assert.strictEqual((yield* promise(() => other.waitClosed())).code, 4400)
      })
    )
  )

  it.live("refuses bad tokens: wrong secret, another algorithm, wrong issuer or audience, expired", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { connect } = yield* serve()
        const key = new TextEncoder().encode(tokens.secret as string)
        const sign = (alg: string, claims: { iss?: string; aud?: string; exp?: number }, secret = key) =>
          new SignJWT({ kind: "guest" })
            .setProtectedHeader({ alg })
            .setSubject("guest-x")
            .setIssuer(claims.iss ?? tokens.issuer)
            .setAudience(claims.aud ?? tokens.audience)
            .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
            .sign(secret)
        const bad = yield* promise(() =>
          Promise.all([
            sign("HS256", {}, new TextEncoder().encode("another-secret-that-is-also-long-enough")),
            sign("HS512", {}),
            sign("HS256", { iss: "someone-else" }),
            sign("HS256", { aud: "another-app" }),
            "not.a.jwt"
          ])
        )
        for (const token of bad) {
          const client = yield* connect()
          const error = yield* hello(client, token)
          assert.strictEqual(error.code, "unauthenticated", token)
          assert.strictEqual((yield* promise(() => client.waitClosed())).code, 4401)
        }
        const expired = yield* promise(() => sign("HS256", { exp: Math.floor(Date.now() / 1000) - 5 }))
        const client = yield* connect()
        assert.strictEqual((yield* hello(client, expired)).code, "token_expired")
        assert.strictEqual((yield* promise(() => client.waitClosed())).code, 4401)
        const good = yield* connect()
        const valid = yield* promise(() => sign("HS256", {}))
        assert.strictEqual((yield* hello(good, valid)).type, "welcome")
        const wrongVersion = yield* connect()
        wrongVersion.send({ type: "hello", v: "groupbuy.chat.v0", token: valid })
        assert.strictEqual((yield* promise(() => wrongVersion.nextOf("error"))).code, "unsupported_version")
      })
    )
  )

  it.live("every update re-checks expiry; `auth` replaces the token for the same identity only", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { connect, seen } = yield* serve()
        const short = yield* ChatToken.issueToken(tokens, { subject: "user-7", kind: "account", ttl: "1200 millis" })
        const client = yield* connect()
        assert.strictEqual((yield* hello(client, short.token)).type, "welcome")
        yield* Effect.sleep(Duration.millis(Math.max(0, short.expiresAt - Date.now()) + 50))
        sendText(client, "late", "hi")
        const error = yield* promise(() => client.nextOf("error"))
        assert.deepStrictEqual([error.code, error.id], ["token_expired", "late"])
        assert.strictEqual(seen.length, 0)
        const other = yield* ChatToken.issueToken(tokens, { subject: "user-8", kind: "account" })
        client.send({ type: "auth", token: other.token })
        assert.strictEqual((yield* promise(() => client.nextOf("error"))).code, "identity_mismatch")
        const fresh = yield* ChatToken.issueToken(tokens, { subject: "user-7", kind: "account" })
        client.send({ type: "auth", token: fresh.token })
        const welcome = yield* promise(() => client.nextOf("welcome"))
        assert.strictEqual((welcome.identity as { expiresAt: number }).expiresAt, fresh.expiresAt)
        sendText(client, "again", "hi")
        assert.strictEqual((yield* promise(() => client.nextOf("reply"))).inReplyTo, "again")
        assert.strictEqual(seen.length, 1)
      })
    )
  )

  it.live("Origin allow-list: other origins and (by default) a missing Origin are refused with 403", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { url } = yield* serve()
        const evil = yield* Effect.promise(() =>
          ChatClient.open(url, { origin: "http://evil.example" }).then(
            () => "connected",
            (error: Error) => error.message
          )
        )
        assert.strictEqual(evil, "HTTP 403")
        const none = yield* Effect.promise(() =>
          ChatClient.open(url).then(
            () => "connected",
            (error: Error) => error.message
          )
        )
        assert.strictEqual(none, "HTTP 403")
      })
    )
  )

  it.live("frames over 64 KiB close the connection (1009)", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { client } = yield* guestSession
        sendText(client, "big", "x".repeat(64 * 1024))
        assert.strictEqual((yield* promise(() => client.waitClosed())).code, 1009)
      })
    )
  )

  it.live("a client over its rate limit gets rate_limited and its frames are dropped", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { connect, seen } = yield* serve({ rate: { perSecond: 1, burst: 3 } })
        const client = yield* connect()
        yield* hello(client, (yield* guest).token)
        for (const id of ["a", "b", "c", "d"]) {
          sendText(client, id, id)
        }
        assert.strictEqual((yield* promise(() => client.nextOf("error"))).code, "rate_limited")
        yield* promise(() => client.next((frame) => frame.type === "ack" && frame.id === "b"))
        assert.deepStrictEqual(
          seen.map((update) => (update._tag === "Text" ? update.text : "")),
          ["a", "b"]
        )
        for (let i = 0; i < 10; i++) client.send({ type: "ack", seq: 0 })
        assert.strictEqual((yield* promise(() => client.waitClosed())).code, 4429)
      })
    )
  )

  it.live("heartbeat: a client that stops answering pings is dropped", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { chat, connect } = yield* serve({ heartbeat: "100 millis" })
        const healthy = yield* connect()
        yield* hello(healthy, (yield* guest).token)
        const dead = yield* connect({ autoPong: false })
        yield* hello(dead, (yield* guest).token)
        assert.strictEqual(yield* chat.connections, 2)
        const closed = yield* promise(() => dead.waitClosed())
        assert.strictEqual(closed.code, 1006)
        yield* Effect.sleep("300 millis")
        assert.isUndefined(healthy.closed)
        assert.strictEqual(yield* chat.connections, 1)
      })
    )
  )

  it.live("a connection without hello is closed after the hello timeout", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { connect } = yield* serve({ helloTimeout: "150 millis" })
        const client = yield* connect()
        assert.strictEqual((yield* promise(() => client.waitClosed())).code, 4408)
      })
    )
  )

  it.live("resume: a reconnecting client with its last acked seq receives exactly what it missed", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { chat, connect } = yield* serve()
        const { subject, token } = yield* guest
        const first = yield* connect()
        const welcome = yield* hello(first, token)
        assert.strictEqual(welcome.resumed, false)
        sendText(first, "u1", "one")
        const r1 = yield* promise(() => first.nextOf("reply"))
        first.send({ type: "ack", seq: r1.seq })
        sendText(first, "u2", "two")
        yield* promise(() => first.nextOf("ack"))
        yield* promise(() => first.nextOf("ack"))
        first.close()
        yield* promise(() => first.waitClosed())
        yield* chat.push(subject, [text("while you were away")])
        const second = yield* connect()
        const resumed = yield* hello(second, token, { resume: { stream: welcome.stream, lastSeq: r1.seq } })
        assert.strictEqual(resumed.resumed, true)
        assert.strictEqual(resumed.lastSeq, 3)
        const missed = [yield* promise(() => second.nextOf("reply")), yield* promise(() => second.nextOf("reply"))]
        assert.deepStrictEqual(
          missed.map((frame) => frame.seq),
          [2, 3]
        )
        assert.deepStrictEqual(missed[1]!.reply, text("while you were away"))
        assert.isUndefined(missed[1]!.inReplyTo)
        // a stale stream id (server restarted) is not replayed
        const third = yield* connect()
        const fresh = yield* hello(third, token, { resume: { stream: "old-stream", lastSeq: 1 } })
        assert.strictEqual(fresh.resumed, false)
        yield* Effect.sleep("100 millis")
        assert.deepStrictEqual(
          third.frames.filter((frame) => frame.type === "reply"),
          []
        )
      })
    )
  )

  it.live("resume after the replay buffer overflowed reports the gap", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { chat, connect } = yield* serve({ replayCapacity: 2 })
        const { subject, token } = yield* guest
        const first = yield* connect()
        const welcome = yield* hello(first, token)
        first.close()
        yield* chat.push(subject, [text("1"), text("2"), text("3")])
        const second = yield* connect()
        yield* hello(second, token, { resume: { stream: welcome.stream, lastSeq: 0 } })
        assert.strictEqual((yield* promise(() => second.nextOf("error"))).code, "replay_gap")
        assert.deepStrictEqual(
          [(yield* promise(() => second.nextOf("reply"))).seq, (yield* promise(() => second.nextOf("reply"))).seq],
          [2, 3]
        )
      })
    )
  )

  it.live("a failing router answers with an internal error for that update and the connection stays usable", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { client } = yield* guestSession
        sendText(client, "x", "boom")
        const error = yield* promise(() => client.nextOf("error"))
        assert.deepStrictEqual([error.code, error.id], ["internal", "x"])
        sendText(client, "y", "fine")
        assert.strictEqual((yield* promise(() => client.nextOf("reply"))).inReplyTo, "y")
        client.send({ type: "update", id: "z", update: { kind: "photo", url: "x" } })
        assert.strictEqual((yield* promise(() => client.nextOf("error"))).code, "bad_frame")
      })
    )
  )

  it.live("closing the scope closes every connection with 1001", () =>
    Effect.gen(function* () {
      const client = yield* Effect.scoped(Effect.map(guestSession, ({ client }) => client))
      assert.strictEqual((yield* promise(() => client.waitClosed())).code, 1001)
    })
  )
})

describe("ChatToken", () => {
  it.effect("refuses a weak secret", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(ChatToken.issueGuestToken({ ...tokens, secret: "short" }))
      assert.strictEqual(error._tag, "InvalidTokenConfig")
    })
  )

  it.live("renews an expired guest token for the same subject, but not an account token", () =>
    Effect.gen(function* () {
      const old = yield* ChatToken.issueGuestToken(tokens, { ttl: "1 millis" })
      yield* Effect.sleep("1100 millis")
      const expired = yield* Effect.flip(ChatToken.verifyToken(tokens, old.token))
      assert.strictEqual(expired.reason, "expired")
      const renewed = yield* ChatToken.renewGuestToken(tokens, old.token)
      assert.strictEqual(renewed.subject, old.subject)
      assert.strictEqual((yield* ChatToken.verifyToken(tokens, renewed.token)).subject, old.subject)
      const account = yield* ChatToken.issueToken(tokens, { subject: "user-1", kind: "account" })
      const refused = yield* Effect.flip(ChatToken.renewGuestToken(tokens, account.token))
      assert.deepStrictEqual([refused._tag, "reason" in refused && refused.reason], ["InvalidToken", "invalid"])
      const tooOld = yield* Effect.flip(ChatToken.renewGuestToken(tokens, old.token, { grace: "0 millis" }))
      assert.deepStrictEqual([tooOld._tag, "reason" in tooOld && tooOld.reason], ["InvalidToken", "expired"])
    })
  )
})
