/**
 * Logs never carry the secrets of URLs (`sig`, `code`, `token` query values): the server's request log on the whole
 * platform, and anything logged through the redacting logger — messages, annotations, SDK errors with their
 * payloads, causes.
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { coreProfiles } from "@groupbuy/core/testing"
import { assert, describe, it, layer as layerOf } from "@effect/vitest"
import { Cause, Console, Effect, Layer, Logger } from "effect"
import { ServerConfig } from "../src/config/ServerConfig.js"
import { redactingLogger, redactSecrets } from "../src/internal/LogRedaction.js"
import { AppLive, LoggingLive } from "../src/Server.js"
import { baseUrlOf } from "./utils/AppHarness.js"
import { testSettings } from "./utils/TestServer.js"

/** Every line the JSON logger would print, behind the redaction. */
const captured: Array<string> = []
const CapturingLogger = Logger.replace(
  Logger.defaultLogger,
  redactingLogger(Logger.jsonLogger).pipe(Logger.map((line) => void captured.push(line)))
)

/** An SDK error the way grammY builds one: the request payload (with the reply text) is a field of the error. */
class SdkError extends Error {
  constructor(
    message: string,
    readonly payload: { readonly chat_id: number; readonly text: string }
  ) {
    super(message)
  }
}

describe("redactSecrets", () => {
  it("replaces the values of sig, code and token, and nothing else", () => {
    assert.strictEqual(
      redactSecrets("GET /pay/sandbox/42?sig=abc123&x=1 and https://h.example/login?code=K7PQ2M9X"),
      "GET /pay/sandbox/42?sig=[redacted]&x=1 and https://h.example/login?code=[redacted]"
    )
    assert.strictEqual(redactSecrets("/ws/procurement/1?x=2&token=eyJ.a.b"), "/ws/procurement/1?x=2&token=[redacted]")
    assert.strictEqual(redactSecrets("the code is 42, zipcode=1"), "the code is 42, zipcode=1")
    assert.strictEqual(
      redactSecrets("POST https://api.telegram.org/bot123456:AAE-x_Yz/sendMessage failed"),
      "POST https://api.telegram.org/bot123456:[redacted]/sendMessage failed"
    )
    assert.strictEqual(
      redactSecrets("https://api.vk.com/method/messages.send?v=5.199&access_token=vk1.a.SECRET"),
      "https://api.vk.com/method/messages.send?v=5.199&access_token=[redacted]"
    )
  })
})

describe("the redacting logger", () => {
  it.effect("redacts messages, annotations, error fields and causes", () =>
    Effect.gen(function* () {
      captured.length = 0
      const error = new SdkError("Call to 'sendMessage' failed (https://h.example/login?code=SECRETCODE)", {
        chat_id: 1,
        text: "Войти: https://h.example/login?code=SECRETCODE"
      })
      yield* Effect.logError("telegram send failed", error).pipe(
        Effect.annotateLogs({ "http.url": "/pay/sandbox/1?sig=SECRETSIG", nested: { url: "/x?token=SECRETTOKEN" } })
      )
      yield* Effect.logError("defect").pipe(
        Effect.annotateLogs({ at: "here" }),
        (log) => Effect.zipRight(Effect.failCause(Cause.die(new Error("GET /login?code=SECRETDEFECT"))), log),
        Effect.catchAllCause((cause) => Effect.logError("failed", cause))
      )
      const all = captured.join("\n")
      for (const secret of ["SECRETCODE", "SECRETSIG", "SECRETTOKEN", "SECRETDEFECT"]) assert.notInclude(all, secret)
      assert.include(all, "sig=[redacted]")
      assert.include(all, "code=[redacted]")
      assert.include(all, "token=[redacted]")
      assert.include(all, "telegram send failed")
      // the error itself is untouched: only what the logger sees is a redacted copy
      assert.include(error.payload.text, "SECRETCODE")
    }).pipe(Effect.provide(CapturingLogger))
  )
})

describe("LoggingLive", () => {
  it.effect("the server's own logger (as main uses it) redacts too", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const capture = (...args: ReadonlyArray<unknown>) => void lines.push(args.map(String).join(" "))
      const base = yield* Effect.console
      const console: Console.Console = {
        ...base,
        unsafe: { ...base.unsafe, log: capture, error: capture, info: capture, warn: capture }
      }
      yield* Effect.logWarning("opened https://h.example/login?code=SECRETCODE").pipe(
        Effect.provide(LoggingLive),
        Effect.withConsole(console)
      )
      assert.include(lines.join("\n"), "login?code=[redacted]")
      assert.notInclude(lines.join("\n"), "SECRETCODE")
    })
  )
})

// the whole platform with its request log on (as `main` runs it), the JSON logger behind the redaction
const profile = coreProfiles()[0]!
const platform = Layer.fresh(
  AppLive.pipe(
    Layer.provideMerge(profile.layer),
    Layer.provideMerge(Layer.succeed(ServerConfig, testSettings({ host: "127.0.0.1" }))),
    Layer.provideMerge(FetchHttpClient.layer),
    Layer.provide(CapturingLogger)
  )
)

describe("the request log", () => {
  layerOf(platform, { timeout: "120 seconds", excludeTestServices: true })((it) => {
    it.effect("has the URL of every request, without the sandbox sig or the login code", () =>
      Effect.gen(function* () {
        const baseUrl = yield* baseUrlOf
        const http = yield* HttpClient.HttpClient
        captured.length = 0
        yield* http.get(`${baseUrl}/pay/sandbox/00000000-0000-4000-8000-000000000000?sig=SECRETSIG`)
        yield* http.get(`${baseUrl}/login?code=SECRETCODE&lang=ru`)
        const all = captured.join("\n")
        assert.include(all, "/pay/sandbox/00000000-0000-4000-8000-000000000000?sig=[redacted]")
        assert.include(all, "/login?code=[redacted]&lang=ru")
        assert.notInclude(all, "SECRETSIG")
        assert.notInclude(all, "SECRETCODE")
      })
    )
  })
})
