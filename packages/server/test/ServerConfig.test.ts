import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Option, Redacted } from "effect"
import { generateKeyPairSync } from "node:crypto"
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describeConfigError, loadServerSettings } from "../src/config/ServerConfig.js"

const load = (env: Record<string, string>) =>
  loadServerSettings.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))

const problems = (env: Record<string, string>) =>
  Effect.map(Effect.flip(load(env)), (e) => ("_op" in e ? describeConfigError(e) : [String(e)]))

describe("server configuration", () => {
  it.effect("starts with nothing configured and keeps one generated JWT secret in the data directory", () =>
    Effect.gen(function* () {
      const dataDir = mkdtempSync(join(tmpdir(), "gb-config-"))
      const first = yield* load({ DATA_DIR: dataDir })
      assert.strictEqual(first.port, 3000)
      assert.strictEqual(first.paymentProvider, "sandbox")
      assert.isTrue(Option.isNone(first.telegram))
      assert.strictEqual(first.publicUrl, "http://localhost:3000")
      const file = join(dataDir, "secrets", "jwt-secret")
      assert.isTrue(existsSync(file))
      assert.strictEqual(statSync(file).mode & 0o777, 0o600)
      const second = yield* load({ DATA_DIR: dataDir })
      assert.strictEqual(Redacted.value(second.jwtSecret), Redacted.value(first.jwtSecret))
      assert.strictEqual(readFileSync(file, "utf8").trim(), Redacted.value(first.jwtSecret))
    })
  )

  it.effect("names the variable and what is wrong", () =>
    Effect.gen(function* () {
      const dataDir = mkdtempSync(join(tmpdir(), "gb-config-"))
      const port = yield* problems({ DATA_DIR: dataDir, PORT: "seventy" })
      assert.isTrue(
        port.some((l) => l.startsWith("PORT:")),
        port.join("\n")
      )
      const short = yield* problems({ DATA_DIR: dataDir, JWT_SECRET: "short" })
      assert.include(short.join("\n"), "JWT_SECRET: must be at least 32 characters long")
      const vk = yield* problems({ DATA_DIR: dataDir, VK_TOKEN: "vk1.a.token" })
      assert.include(vk.join("\n"), "VK_GROUP_ID")
      const url = yield* problems({ DATA_DIR: dataDir, TELEGRAM_TOKEN: "1:x", TELEGRAM_API_ROOT: "ftp://x" })
      assert.include(url.join("\n"), "TELEGRAM_API_ROOT: must be an http(s) URL")
      const provider = yield* problems({ DATA_DIR: dataDir, PAYMENT_PROVIDER: "paypal" })
      assert.isTrue(
        provider.some((l) => l.startsWith("PAYMENT_PROVIDER")),
        provider.join("\n")
      )
      const tochka = yield* problems({ DATA_DIR: dataDir, PAYMENT_PROVIDER: "tochka" })
      assert.include(tochka.join("\n"), "TOCHKA_SIGN_SYSTEM")
      const badKey = yield* problems({
        DATA_DIR: dataDir,
        PAYMENT_PROVIDER: "tochka",
        TOCHKA_SIGN_SYSTEM: "gb",
        TOCHKA_SIGN_THUMBPRINT: "AB",
        TOCHKA_PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\\nnope\\n-----END RSA PRIVATE KEY-----",
        TOCHKA_BENEFICIARY_ID: "b",
        TOCHKA_PAYMENT_DETAILS: "details"
      })
      assert.include(badKey.join("\n"), "TOCHKA_PRIVATE_KEY: is not a valid PEM private key")
    })
  )

  it.effect("accepts a complete Tochka configuration with an inline PEM", () =>
    Effect.gen(function* () {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
      const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString().replace(/\n/g, "\\n")
      const settings = yield* load({
        DATA_DIR: mkdtempSync(join(tmpdir(), "gb-config-")),
        PAYMENT_PROVIDER: "tochka",
        TOCHKA_SIGN_SYSTEM: "gb",
        TOCHKA_SIGN_THUMBPRINT: "AB",
        TOCHKA_PRIVATE_KEY: pem,
        TOCHKA_BENEFICIARY_ID: "b",
        TOCHKA_PAYMENT_DETAILS: "details",
        TOCHKA_POLL_INTERVAL: "10 minutes"
      })
      const tochka = Option.getOrThrow(settings.tochka)
      assert.strictEqual(tochka.apiUrl, "https://pre.tochka.com/api/v1/cyclops/v2/jsonrpc")
      assert.include(Redacted.value(tochka.privateKey), "BEGIN RSA PRIVATE KEY")
    })
  )

  it.effect(
    "takes the specification's names: TOCHKA_PLATFORM_ID, TOCHKA_PRIVATE_KEY_PATH, TOCHKA_NOMINAL_ACCOUNT",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "gb-config-"))
        const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
        const keyPath = join(dir, "tochka.pem")
        writeFileSync(keyPath, privateKey.export({ type: "pkcs1", format: "pem" }).toString())
        const spec = {
          DATA_DIR: dir,
          PAYMENT_PROVIDER: "tochka",
          TOCHKA_API_URL: "https://api.tochka.com/api/v1/cyclops/v2/jsonrpc",
          TOCHKA_SIGN_SYSTEM: "gb",
          TOCHKA_SIGN_THUMBPRINT: "AB",
          TOCHKA_PLATFORM_ID: "platform-7",
          TOCHKA_PRIVATE_KEY_PATH: keyPath,
          TOCHKA_NOMINAL_ACCOUNT: "4070 2810 0000 0000 0001",
          TOCHKA_PAYMENT_DETAILS: "ООО «ГрупБай», БИК 044525104"
        }
        const tochka = Option.getOrThrow((yield* load(spec)).tochka)
        assert.strictEqual(tochka.beneficiaryId, "platform-7")
        assert.include(Redacted.value(tochka.privateKey), "BEGIN RSA PRIVATE KEY")
        assert.deepStrictEqual(tochka.nominalAccount, Option.some("40702810000000000001"))
        assert.strictEqual(tochka.apiUrl, "https://api.tochka.com/api/v1/cyclops/v2/jsonrpc")
        // the project's own name wins when both are set
        const both = Option.getOrThrow((yield* load({ ...spec, TOCHKA_BENEFICIARY_ID: "own" })).tochka)
        assert.strictEqual(both.beneficiaryId, "own")
        const badAccount = yield* problems({ ...spec, TOCHKA_NOMINAL_ACCOUNT: "12345" })
        assert.include(badAccount.join("\n"), "TOCHKA_NOMINAL_ACCOUNT")
      })
  )
})
