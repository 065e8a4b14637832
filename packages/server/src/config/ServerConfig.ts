/**
 * The server's configuration, read once at start-up through Effect `Config` (environment variables; see
 * `.env.example`). Everything has a default that starts a working platform on one machine; a bad value stops
 * start-up with a message that names the variable.
 */
import { Config, ConfigError, Context, Duration, Effect, Either, Layer, Option, Redacted } from "effect"
import { createPrivateKey, createPublicKey } from "node:crypto"
import { readFileSync } from "node:fs"
import { parseIpRange } from "../internal/IpRange.js"
import { loadOrCreateSecret } from "./Secrets.js"

export type ServerRole = "all" | "api" | "chat"

export interface TelegramSettings {
  readonly token: Redacted.Redacted
  readonly apiRoot: Option.Option<string>
}

export interface VkSettings {
  readonly token: Redacted.Redacted
  readonly groupId: number
  readonly apiBaseUrl: Option.Option<string>
}

export interface TochkaSettings {
  /** the JSON-RPC endpoint (sandbox `https://pre.tochka.com/api/v1/cyclops/v2/jsonrpc` or production) */
  readonly apiUrl: string
  readonly signSystem: string
  readonly signThumbprint: string
  /** PEM of the platform's RSA private key */
  readonly privateKey: Redacted.Redacted
  /** the platform's beneficiary in Cyclops (`TOCHKA_BENEFICIARY_ID`, or the specification's `TOCHKA_PLATFORM_ID`) */
  readonly beneficiaryId: string
  /** the nominal account's number (`TOCHKA_NOMINAL_ACCOUNT`, 20 digits), shown to payers on its own line */
  readonly nominalAccount: Option.Option<string>
  readonly pollInterval: Duration.Duration
  /** the bank's public key (PEM) that signs webhook notifications; webhooks are refused without it */
  readonly webhookPublicKey: Option.Option<string>
  /** the nominal account's bank details shown to payers (account, BIK, recipient) */
  readonly paymentDetails: string
}

export interface ServerSettings {
  readonly port: number
  readonly host: string
  /** how people reach this server (payment pages, login links) */
  readonly publicUrl: string
  readonly dataDir: string
  readonly redisUrl: Option.Option<Redacted.Redacted>
  /** the Redis pub/sub channel of the chat hub (instances that should talk share it) */
  readonly hubChannel: string
  /** the prefix of the router's keys in Redis (sessions, chat locks): deployments sharing one Redis differ in it */
  readonly redisPrefix: string
  readonly jwtSecret: Redacted.Redacted
  readonly serviceToken: Option.Option<Redacted.Redacted>
  readonly role: ServerRole
  /** `Secure` on the admin cookie (off only for plain-http deployments such as localhost) */
  readonly cookieSecure: boolean
  readonly telegram: Option.Option<TelegramSettings>
  readonly vk: Option.Option<VkSettings>
  /** Telegram's Bot API root for every Telegram bot of the fleet (`TELEGRAM_API_ROOT`; a fake server in tests) */
  readonly telegramApiRoot: Option.Option<string>
  /** VK's API base URL for every VK bot of the fleet (`VK_API_BASE_URL`) */
  readonly vkApiBaseUrl: Option.Option<string>
  /** the key that seals bot tokens at rest (`BOT_TOKEN_KEY`, else generated once into the data directory) */
  readonly botTokenKey: Redacted.Redacted
  /** spare bot tokens, one per line (`BOT_TOKENS_FILE`): the token pool that refills the fallback role */
  readonly botTokensFile: Option.Option<string>
  /** the VK Mini App's secret key (its settings page): signs the launch parameters `POST /api/auth/vk` checks */
  readonly vkAppSecret: Option.Option<Redacted.Redacted>
  /** how old a Mini App's signed launch data (Telegram `auth_date`, VK `vk_ts`) may be */
  readonly miniAppMaxAge: Duration.Duration
  readonly whatsapp: boolean
  /** log WhatsApp in with a pairing code for this phone (digits, country code first) instead of a QR code */
  readonly whatsappPairingPhone: Option.Option<string>
  /** more origins allowed to open the web chat (sites that embed the widget); `*` allows any */
  readonly widgetOrigins: ReadonlyArray<string>
  /** proxies (IPs / CIDR ranges) whose `X-Forwarded-For` is believed; empty: the socket address is the client */
  readonly trustedProxies: ReadonlyArray<string>
  readonly paymentProvider: "sandbox" | "tochka"
  readonly sandboxWebhookSecret: Redacted.Redacted
  readonly tochka: Option.Option<TochkaSettings>
  /** graceful shutdown budget for draining queues and closing sockets */
  readonly shutdownTimeout: Duration.Duration
}

export class ServerConfig extends Context.Tag("@groupbuy/server/ServerConfig")<ServerConfig, ServerSettings>() {}

const invalid = (name: string, message: string) => ConfigError.InvalidData([name], message)

const url = (name: string) =>
  Config.string(name).pipe(
    Config.mapOrFail((value) => {
      try {
        const u = new URL(value)
        return u.protocol === "http:" || u.protocol === "https:"
          ? Either.right(value.replace(/\/+$/, ""))
          : Either.left(invalid(name, `must be an http(s) URL, got "${value}"`))
      } catch {
        return Either.left(invalid(name, `must be an http(s) URL, got "${value}"`))
      }
    })
  )

const secret = (name: string, minLength: number) =>
  Config.redacted(name).pipe(
    Config.mapOrFail((value) =>
      Redacted.value(value).length >= minLength
        ? Either.right(value)
        : Either.left(invalid(name, `must be at least ${minLength} characters long`))
    )
  )

const bool = (name: string, fallback: boolean) => Config.boolean(name).pipe(Config.withDefault(fallback))

/** `name`, or when it is not set, `alias` (a name the specification uses for the same setting). */
const either = <A>(make: (name: string) => Config.Config<A>, name: string, alias: string) =>
  make(name).pipe(Config.orElse(() => make(alias)))

/** A PEM given inline (with literal `\n` allowed) or through `<NAME>_FILE` (or `<NAME>_PATH`, as the specification names it). */
const pem = (name: string, kind: "private" | "public") =>
  Config.all({
    inline: Config.option(Config.string(name)),
    file: Config.option(either(Config.string, `${name}_FILE`, `${name}_PATH`))
  }).pipe(
    Config.mapOrFail(({ file, inline }) => {
      let text: string
      if (Option.isSome(inline)) text = inline.value.replace(/\\n/g, "\n")
      else if (Option.isSome(file)) {
        try {
          text = readFileSync(file.value, "utf8")
        } catch (e) {
          return Either.left(invalid(`${name}_FILE`, `cannot read ${file.value}: ${(e as Error).message}`))
        }
      } else return Either.left(ConfigError.MissingData([name], `${name} (or ${name}_FILE) is required`))
      try {
        if (kind === "private") createPrivateKey(text)
        else createPublicKey(text)
        return Either.right(text)
      } catch {
        return Either.left(invalid(name, `is not a valid PEM ${kind} key`))
      }
    })
  )

const telegram = Config.all({
  token: Config.option(Config.redacted("TELEGRAM_TOKEN")),
  apiRoot: Config.option(url("TELEGRAM_API_ROOT"))
}).pipe(Config.map(({ apiRoot, token }) => Option.map(token, (t): TelegramSettings => ({ token: t, apiRoot }))))

const vk: Config.Config<Option.Option<VkSettings>> = Config.option(Config.redacted("VK_TOKEN")).pipe(
  (c) => Config.all({ token: c, groupId: Config.option(Config.integer("VK_GROUP_ID")) }),
  Config.mapOrFail(({ groupId, token }) =>
    Option.isSome(token) && Option.isNone(groupId)
      ? Either.left(ConfigError.MissingData(["VK_GROUP_ID"], "VK_GROUP_ID is required when VK_TOKEN is set"))
      : Either.right({ token, groupId })
  ),
  (c) => Config.all({ v: c, apiBaseUrl: Config.option(url("VK_API_BASE_URL")) }),
  Config.map(({ apiBaseUrl, v }) =>
    Option.isSome(v.token) && Option.isSome(v.groupId)
      ? Option.some({ token: v.token.value, groupId: v.groupId.value, apiBaseUrl })
      : Option.none()
  )
)

const tochka: Config.Config<TochkaSettings> = Config.all({
  apiUrl: url("TOCHKA_API_URL").pipe(Config.withDefault("https://pre.tochka.com/api/v1/cyclops/v2/jsonrpc")),
  signSystem: Config.nonEmptyString("TOCHKA_SIGN_SYSTEM"),
  signThumbprint: Config.nonEmptyString("TOCHKA_SIGN_THUMBPRINT"),
  privateKey: pem("TOCHKA_PRIVATE_KEY", "private").pipe(Config.map(Redacted.make)),
  beneficiaryId: either(Config.nonEmptyString, "TOCHKA_BENEFICIARY_ID", "TOCHKA_PLATFORM_ID"),
  nominalAccount: Config.option(
    Config.string("TOCHKA_NOMINAL_ACCOUNT").pipe(
      Config.map((s) => s.replace(/\s/g, "")),
      Config.mapOrFail((s) =>
        /^\d{20}$/.test(s)
          ? Either.right(s)
          : Either.left(invalid("TOCHKA_NOMINAL_ACCOUNT", "must be the account's 20 digits"))
      )
    )
  ),
  pollInterval: Config.duration("TOCHKA_POLL_INTERVAL").pipe(Config.withDefault(Duration.minutes(5))),
  webhookPublicKey: Config.option(pem("TOCHKA_WEBHOOK_PUBLIC_KEY", "public")),
  paymentDetails: Config.nonEmptyString("TOCHKA_PAYMENT_DETAILS")
})

/** Everything except the secrets that may be generated. */
export const settingsConfig = Config.all({
  // 0 asks the system for a free port (tests)
  port: Config.integer("PORT").pipe(
    Config.validate({ message: "must be a port number between 0 and 65535", validation: (p) => p >= 0 && p <= 65535 }),
    Config.withDefault(3000)
  ),
  host: Config.string("HOST").pipe(Config.withDefault("0.0.0.0")),
  publicUrl: Config.option(url("PUBLIC_URL")),
  dataDir: Config.string("DATA_DIR").pipe(Config.withDefault("./data")),
  redisUrl: Config.option(Config.redacted("REDIS_URL")),
  hubChannel: Config.nonEmptyString("REDIS_HUB_CHANNEL").pipe(Config.withDefault("groupbuy:hub:v1")),
  redisPrefix: Config.nonEmptyString("REDIS_PREFIX").pipe(Config.withDefault("groupbuy:")),
  jwtSecret: Config.option(secret("JWT_SECRET", 32)),
  serviceToken: Config.option(secret("SERVICE_TOKEN", 24)),
  role: Config.literal("all", "api", "chat")("SERVER_ROLE").pipe(Config.withDefault("all" as const)),
  cookieSecure: Config.option(Config.boolean("ADMIN_COOKIE_SECURE")),
  telegram,
  vk,
  telegramApiRoot: Config.option(url("TELEGRAM_API_ROOT")),
  vkApiBaseUrl: Config.option(url("VK_API_BASE_URL")),
  botTokenKey: Config.option(secret("BOT_TOKEN_KEY", 32)),
  botTokensFile: Config.option(Config.nonEmptyString("BOT_TOKENS_FILE")),
  vkAppSecret: Config.option(Config.redacted("VK_APP_SECRET")),
  miniAppMaxAge: Config.duration("MINI_APP_MAX_AGE").pipe(Config.withDefault(Duration.days(1))),
  whatsapp: bool("WHATSAPP_ENABLED", false),
  whatsappPairingPhone: Config.option(
    Config.string("WHATSAPP_PAIRING_PHONE").pipe(
      Config.map((s) => s.replace(/[\s()+-]/g, "")),
      Config.validate({
        message: "must be a phone number with country code, 10–15 digits (e.g. 79123456789)",
        validation: (s) => /^\d{10,15}$/.test(s)
      })
    )
  ),
  widgetOrigins: Config.string("WIDGET_ORIGINS").pipe(
    Config.withDefault(""),
    Config.map((s) =>
      s
        .split(",")
        .map((o) => o.trim().replace(/\/+$/, ""))
        .filter((o) => o !== "")
    )
  ),
  trustedProxies: Config.string("TRUSTED_PROXIES").pipe(
    Config.withDefault(""),
    Config.map((s) =>
      s
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== "")
    ),
    Config.mapOrFail((entries) => {
      const bad = entries.flatMap((entry) =>
        Either.match(parseIpRange(entry), { onLeft: (m) => [m], onRight: () => [] })
      )
      return bad.length === 0 ? Either.right(entries) : Either.left(invalid("TRUSTED_PROXIES", bad.join("; ")))
    })
  ),
  // no default here: it depends on NODE_ENV (see `choosePaymentProvider`)
  paymentProvider: Config.option(Config.literal("sandbox", "tochka")("PAYMENT_PROVIDER")),
  nodeEnv: Config.string("NODE_ENV").pipe(Config.withDefault("development")),
  sandboxWebhookSecret: Config.option(secret("SANDBOX_WEBHOOK_SECRET", 16)),
  shutdownTimeout: Config.duration("SHUTDOWN_TIMEOUT").pipe(Config.withDefault(Duration.seconds(10)))
})

/**
 * The sandbox credits test money to anyone who asks, so it is the default only outside production (a new user sees the
 * platform work at once). With `NODE_ENV=production` the provider must be chosen: start-up refuses rather than run a
 * production server where deposits fail for every user or, worse, where anyone can mint a balance.
 */
export const choosePaymentProvider = (chosen: Option.Option<"sandbox" | "tochka">, nodeEnv: string) =>
  Option.match(chosen, {
    onSome: (provider) => Either.right(provider),
    onNone: () =>
      nodeEnv === "production"
        ? Either.left(
            ConfigError.MissingData(
              ["PAYMENT_PROVIDER"],
              "PAYMENT_PROVIDER is required with NODE_ENV=production: tochka for real payments, or sandbox to run on " +
                "test money knowingly (anyone can top up their balance with it)"
            )
          )
        : Either.right("sandbox" as const)
  })

/** Reads the configuration; generates (once) and keeps the JWT secret in the data directory when none is given. */
export const loadServerSettings = Effect.gen(function* () {
  const raw = yield* settingsConfig
  const paymentProvider = yield* choosePaymentProvider(raw.paymentProvider, raw.nodeEnv)
  const tochkaSettings = paymentProvider === "tochka" ? Option.some(yield* tochka) : Option.none()
  const jwtSecret = Option.isSome(raw.jwtSecret)
    ? raw.jwtSecret.value
    : yield* loadOrCreateSecret(raw.dataDir, "jwt-secret")
  const sandboxWebhookSecret = Option.isSome(raw.sandboxWebhookSecret)
    ? raw.sandboxWebhookSecret.value
    : yield* loadOrCreateSecret(raw.dataDir, "sandbox-webhook-secret")
  const botTokenKey = Option.isSome(raw.botTokenKey)
    ? raw.botTokenKey.value
    : yield* loadOrCreateSecret(raw.dataDir, "bot-token-key")
  const publicUrl = Option.getOrElse(raw.publicUrl, () => `http://localhost:${raw.port}`)
  const settings: ServerSettings = {
    port: raw.port,
    host: raw.host,
    publicUrl,
    dataDir: raw.dataDir,
    redisUrl: raw.redisUrl,
    hubChannel: raw.hubChannel,
    redisPrefix: raw.redisPrefix,
    jwtSecret,
    serviceToken: raw.serviceToken,
    role: raw.role,
    cookieSecure: Option.getOrElse(raw.cookieSecure, () => publicUrl.startsWith("https:")),
    telegram: raw.telegram,
    vk: raw.vk,
    telegramApiRoot: raw.telegramApiRoot,
    vkApiBaseUrl: raw.vkApiBaseUrl,
    botTokenKey,
    botTokensFile: raw.botTokensFile,
    vkAppSecret: raw.vkAppSecret,
    miniAppMaxAge: raw.miniAppMaxAge,
    whatsapp: raw.whatsapp,
    whatsappPairingPhone: raw.whatsappPairingPhone,
    widgetOrigins: raw.widgetOrigins,
    trustedProxies: raw.trustedProxies,
    paymentProvider,
    sandboxWebhookSecret,
    tochka: tochkaSettings,
    shutdownTimeout: raw.shutdownTimeout
  }
  return settings
})

export const ServerConfigLive = Layer.effect(ServerConfig, loadServerSettings)

/** Explains a configuration failure in one line per variable: `PORT: Expected a valid port ...`. */
export const describeConfigError = (error: ConfigError.ConfigError): ReadonlyArray<string> => {
  const lines: Array<string> = []
  const walk = (e: ConfigError.ConfigError): void => {
    switch (e._op) {
      case "And":
      case "Or":
        walk(e.left)
        walk(e.right)
        return
      case "InvalidData":
      case "MissingData":
      case "SourceUnavailable":
      case "Unsupported": {
        const name = e.path.join("_") || "configuration"
        const message = e.message.startsWith(name) ? e.message.slice(name.length).replace(/^[\s:]+/, "") : e.message
        lines.push(`${name}: ${e._op === "MissingData" && !e.message.includes("required") ? "is missing" : message}`)
        return
      }
    }
  }
  walk(error)
  return Array.from(new Set(lines))
}
