/**
 * Bot tokens at rest (issue #15): core's `bots` records keep only what this module seals. The key is the
 * configuration's `BOT_TOKEN_KEY` (any secret of 32+ characters), else a key generated once into
 * `DATA_DIR/secrets/bot-token-key` (mode 0600). Two sub-keys are derived from it with HKDF-SHA-256: one encrypts
 * (AES-256-GCM, a random 96-bit IV per token, the 128-bit tag checked on opening), the other keys the fingerprint
 * (HMAC-SHA-256 of platform and token) by which core refuses a token already in use without decrypting anything.
 *
 * Sealed form: `v1:<iv>:<tag>:<ciphertext>`, each base64url. A token is never logged and never in an error: a failure
 * to open says only which bot and that the key does not match (the key changed, or the row was altered).
 */
import type { SealedToken } from "@groupbuy/core"
import { Context, Data, Effect, Layer, Option, Redacted } from "effect"
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto"
import { loadOrCreateSecret } from "../config/Secrets.js"
import { ServerConfig } from "../config/ServerConfig.js"

/** The sealed token could not be opened with this key (another key, or the stored text was altered). */
export class BotTokenUnreadable extends Data.TaggedError("BotTokenUnreadable")<{ readonly botId: string }> {
  override get message() {
    return `the token of bot ${this.botId} cannot be decrypted with this BOT_TOKEN_KEY`
  }
}

export interface BotTokenSealer {
  readonly seal: (platform: string, token: Redacted.Redacted<string>) => SealedToken
  readonly open: (botId: string, sealed: SealedToken) => Effect.Effect<Redacted.Redacted<string>, BotTokenUnreadable>
  readonly fingerprint: (platform: string, token: Redacted.Redacted<string>) => string
}

const derive = (secret: string, info: string) =>
  Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.from("groupbuy-bot-tokens"), info, 32))

export const makeBotTokenSealer = (key: Redacted.Redacted<string>): BotTokenSealer => {
  const secret = Redacted.value(key)
  if (secret.length < 32) throw new Error("BOT_TOKEN_KEY must be at least 32 characters")
  const encryptionKey = derive(secret, "aes-256-gcm")
  const fingerprintKey = derive(secret, "fingerprint")

  const fingerprint = (platform: string, token: Redacted.Redacted<string>) =>
    createHmac("sha256", fingerprintKey)
      .update(`${platform}\u0000${Redacted.value(token)}`)
      .digest("base64url")

  const seal = (platform: string, token: Redacted.Redacted<string>): SealedToken => {
    const iv = randomBytes(12)
    const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv)
    const body = Buffer.concat([cipher.update(Redacted.value(token), "utf8"), cipher.final()])
    const tag = cipher.getAuthTag()
    return {
      ciphertext: ["v1", iv.toString("base64url"), tag.toString("base64url"), body.toString("base64url")].join(":"),
      fingerprint: fingerprint(platform, token)
    }
  }

  const open = (botId: string, sealed: SealedToken) =>
    Effect.try({
      try: () => {
        const [version, iv, tag, body, ...rest] = sealed.ciphertext.split(":")
        if (version !== "v1" || iv === undefined || tag === undefined || body === undefined || rest.length > 0)
          throw new Error("not a sealed token")
        const decipher = createDecipheriv("aes-256-gcm", encryptionKey, Buffer.from(iv, "base64url"))
        decipher.setAuthTag(Buffer.from(tag, "base64url"))
        const plain = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()])
        return Redacted.make(plain.toString("utf8"))
      },
      // the cause (the cipher's own error) never holds the token, but it is not passed on either
      catch: () => new BotTokenUnreadable({ botId })
    })

  return { seal, open, fingerprint }
}

/** The configured key, else the one generated once into `DATA_DIR` (same rules as the JWT secret). */
export const loadBotTokenKey = (dataDir: string, configured: Option.Option<Redacted.Redacted<string>>) =>
  Option.match(configured, {
    onSome: (key) => Effect.succeed(key),
    onNone: () => loadOrCreateSecret(dataDir, "bot-token-key")
  })

/** The sealer of this server's bot tokens (keyed by `BOT_TOKEN_KEY` or the data directory's generated key). */
export class BotTokens extends Context.Tag("@groupbuy/server/BotTokens")<BotTokens, BotTokenSealer>() {}

export const BotTokensLive = Layer.effect(
  BotTokens,
  Effect.map(ServerConfig, (config) => makeBotTokenSealer(config.botTokenKey))
)
