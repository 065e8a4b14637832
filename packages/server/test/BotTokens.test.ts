/**
 * Bot tokens at rest: sealed with AES-256-GCM (never the token in the stored text), opened only with the same key,
 * an altered row or another key refused without the token in the error; the fingerprint is stable per key and platform;
 * a key is generated once into DATA_DIR when none is configured.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { mkdtempSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { loadBotTokenKey, makeBotTokenSealer } from "../src/bots/BotTokens.js"

const token = Redacted.make("123456789:AAE-very-secret-token_value")
const keyA = Redacted.make("a".repeat(16) + "-first-key-for-the-bot-tokens")
const keyB = Redacted.make("b".repeat(16) + "-other-key-for-the-bot-tokens")

describe("BotTokens", () => {
  it.effect("a sealed token opens with its key only; the stored text never holds it", () =>
    Effect.gen(function* () {
      const sealer = makeBotTokenSealer(keyA)
      const sealed = sealer.seal("telegram", token)
      assert.notInclude(sealed.ciphertext, "secret")
      assert.notInclude(sealed.ciphertext, "123456789")
      assert.match(sealed.ciphertext, /^v1:[\w-]+:[\w-]+:[\w-]+$/u)
      assert.strictEqual(Redacted.value(yield* sealer.open("tg-main", sealed)), Redacted.value(token))
      // a fresh IV each time: two seals differ, the fingerprint does not
      const twice = sealer.seal("telegram", token)
      assert.notStrictEqual(twice.ciphertext, sealed.ciphertext)
      assert.strictEqual(twice.fingerprint, sealed.fingerprint)
      assert.notStrictEqual(sealer.seal("vk", token).fingerprint, sealed.fingerprint)
      assert.notInclude(sealed.fingerprint, "secret")

      const other = makeBotTokenSealer(keyB)
      assert.notStrictEqual(other.fingerprint("telegram", token), sealed.fingerprint)
      const wrongKey = yield* other.open("tg-main", sealed).pipe(Effect.flip)
      assert.strictEqual(wrongKey._tag, "BotTokenUnreadable")
      assert.notInclude(wrongKey.message, "secret")
      assert.include(wrongKey.message, "tg-main")

      const [v, iv, tag, body] = sealed.ciphertext.split(":")
      const bytes = Buffer.from(body!, "base64url")
      bytes[0] = bytes[0]! ^ 0x01
      const flipped = bytes.toString("base64url")
      const altered = yield* sealer
        .open("tg-main", { ...sealed, ciphertext: [v, iv, tag, flipped].join(":") })
        .pipe(Effect.flip)
      assert.strictEqual(altered._tag, "BotTokenUnreadable")
      const garbage = yield* sealer.open("tg-main", { ...sealed, ciphertext: "plain-token" }).pipe(Effect.flip)
      assert.strictEqual(garbage._tag, "BotTokenUnreadable")
      assert.throws(() => makeBotTokenSealer(Redacted.make("short")))
    })
  )

  it.effect("without BOT_TOKEN_KEY a key is generated once into DATA_DIR (0600) and kept", () =>
    Effect.gen(function* () {
      const dataDir = mkdtempSync(join(tmpdir(), "bot-token-key-"))
      const first = yield* loadBotTokenKey(dataDir, Option.none())
      const second = yield* loadBotTokenKey(dataDir, Option.none())
      assert.strictEqual(Redacted.value(first), Redacted.value(second))
      const file = join(dataDir, "secrets", "bot-token-key")
      assert.strictEqual(readFileSync(file, "utf8").trim(), Redacted.value(first))
      assert.strictEqual(statSync(file).mode & 0o777, 0o600)
      const sealed = makeBotTokenSealer(first).seal("telegram", token)
      assert.strictEqual(Redacted.value(yield* makeBotTokenSealer(second).open("b", sealed)), Redacted.value(token))
      const configured = yield* loadBotTokenKey(dataDir, Option.some(keyA))
      assert.strictEqual(Redacted.value(configured), Redacted.value(keyA))
    })
  )
})
