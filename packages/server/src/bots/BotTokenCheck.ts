/**
 * Asks a platform who a bot token belongs to before the fleet keeps it (issue #15): a referral shop's owner, an admin
 * adding a bot, or the token pool hands us a token, and we store it only when the platform says it is a live bot.
 *
 * - Telegram: `getMe` on the Bot API (`TELEGRAM_API_ROOT`, else api.telegram.org) → the bot's id and username; a 401 /
 *   404 answer (`Unauthorized`, `Not Found`) means the token is wrong or revoked.
 * - VK: `groups.getById` with the community token (`VK_API_BASE_URL`, else api.vk.com) → the community's id and
 *   screen name; error 5 (authorization failed) or 27 / 15 (not a community token, access denied) refuse it.
 *
 * Other platforms have no token (WhatsApp pairs a phone; the web widget is ours): `BotTokenRejected` with reason
 * "unsupported". A network failure or a 5xx is `PlatformUnreachable` — the token may be fine, try again later. The
 * token is never part of an error or a log line.
 */
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Context, Data, Duration, Effect, Layer, Option, Redacted, Schema } from "effect"
import { ServerConfig } from "../config/ServerConfig.js"

/** Who the token belongs to on its platform. */
/** The platforms whose bots have tokens the check can ask about (a shop's bot or a fleet bot lives on one of them). */
export const TOKEN_PLATFORMS: ReadonlyArray<string> = ["telegram", "vk"]

export interface BotIdentity {
  readonly platform: string
  /** Telegram's bot user id, VK's community id */
  readonly platformBotId: string
  /** Telegram's username, VK's screen name (null when the community has none) */
  readonly username: string | null
  /** the bot's or community's display name */
  readonly name: string
}

/** The platform refused the token (wrong, revoked, not a bot's), or the platform takes no token. */
export class BotTokenRejected extends Data.TaggedError("BotTokenRejected")<{
  readonly platform: string
  readonly reason: "invalid" | "unsupported"
  readonly detail: string
}> {
  override get message() {
    return this.reason === "unsupported"
      ? `${this.platform} bots are not added by token`
      : `${this.platform} refused the token: ${this.detail}`
  }
}

/** The platform could not be asked (network, timeout, 5xx): the token may be fine. */
export class PlatformUnreachable extends Data.TaggedError("PlatformUnreachable")<{
  readonly platform: string
  readonly detail: string
}> {
  override get message() {
    return `${this.platform} could not be reached: ${this.detail}`
  }
}

export interface BotTokenCheckService {
  readonly check: (
    platform: string,
    token: Redacted.Redacted<string>
  ) => Effect.Effect<BotIdentity, BotTokenRejected | PlatformUnreachable>
}

export class BotTokenCheck extends Context.Tag("@groupbuy/server/BotTokenCheck")<
  BotTokenCheck,
  BotTokenCheckService
>() {}

const TelegramAnswer = Schema.Struct({
  ok: Schema.Boolean,
  description: Schema.optional(Schema.String),
  result: Schema.optional(
    Schema.Struct({
      id: Schema.Number,
      is_bot: Schema.Boolean,
      first_name: Schema.String,
      username: Schema.optional(Schema.String)
    })
  )
})

const VkAnswer = Schema.Struct({
  error: Schema.optional(Schema.Struct({ error_code: Schema.Number, error_msg: Schema.String })),
  response: Schema.optional(
    Schema.Union(
      Schema.Array(
        Schema.Struct({ id: Schema.Number, name: Schema.String, screen_name: Schema.optional(Schema.String) })
      ),
      Schema.Struct({
        groups: Schema.Array(
          Schema.Struct({ id: Schema.Number, name: Schema.String, screen_name: Schema.optional(Schema.String) })
        )
      })
    )
  )
})

/** VK errors that say the token itself is not usable for a community bot. */
const VK_TOKEN_ERRORS = new Set([5, 15, 27, 28])

/**
 * The shape of a Telegram bot token (`<bot id>:<secret>`, real secrets are 35 characters), checked before anything
 * goes on the wire so that a pasted sentence is not sent to the Bot API as a URL path.
 */
const TELEGRAM_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{1,100}$/
/** A VK community token: one word of URL-safe characters. */
const VK_TOKEN = /^[A-Za-z0-9._-]{8,400}$/

const TIMEOUT = Duration.seconds(10)

export const makeBotTokenCheck = (options: {
  readonly telegramApiRoot: string
  readonly vkApiBaseUrl: string
  readonly client: HttpClient.HttpClient
}): BotTokenCheckService => {
  const unreachable = (platform: string) => (cause: { readonly message: string }) =>
    new PlatformUnreachable({ platform, detail: cause.message.split("\n")[0] ?? "request failed" })

  const telegram = (token: Redacted.Redacted<string>) =>
    Effect.gen(function* () {
      const value = Redacted.value(token).trim()
      if (!TELEGRAM_TOKEN.test(value))
        return yield* new BotTokenRejected({
          platform: "telegram",
          reason: "invalid",
          detail: "not a bot token (expected 123456789:ABC…)"
        })
      const response = yield* options.client
        .execute(HttpClientRequest.get(`${options.telegramApiRoot}/bot${value}/getMe`))
        .pipe(Effect.timeout(TIMEOUT), Effect.mapError(unreachable("telegram")))
      if (response.status >= 500)
        return yield* new PlatformUnreachable({ platform: "telegram", detail: `HTTP ${response.status}` })
      const answer = yield* HttpClientResponse.schemaBodyJson(TelegramAnswer)(response).pipe(
        Effect.mapError(unreachable("telegram"))
      )
      if (!answer.ok || answer.result === undefined || !answer.result.is_bot)
        return yield* new BotTokenRejected({
          platform: "telegram",
          reason: "invalid",
          detail: answer.description ?? `HTTP ${response.status}`
        })
      return {
        platform: "telegram",
        platformBotId: String(answer.result.id),
        username: answer.result.username ?? null,
        name: answer.result.first_name
      } satisfies BotIdentity
    })

  const vk = (token: Redacted.Redacted<string>) =>
    Effect.gen(function* () {
      const value = Redacted.value(token).trim()
      if (!VK_TOKEN.test(value))
        return yield* new BotTokenRejected({ platform: "vk", reason: "invalid", detail: "not a community token" })
      const response = yield* options.client
        .execute(
          HttpClientRequest.post(`${options.vkApiBaseUrl}/groups.getById`).pipe(
            HttpClientRequest.bodyUrlParams({ access_token: value, v: "5.199" })
          )
        )
        .pipe(Effect.timeout(TIMEOUT), Effect.mapError(unreachable("vk")))
      if (response.status >= 500)
        return yield* new PlatformUnreachable({ platform: "vk", detail: `HTTP ${response.status}` })
      const answer = yield* HttpClientResponse.schemaBodyJson(VkAnswer)(response).pipe(
        Effect.mapError(unreachable("vk"))
      )
      if (answer.error !== undefined)
        return yield* VK_TOKEN_ERRORS.has(answer.error.error_code)
          ? new BotTokenRejected({ platform: "vk", reason: "invalid", detail: answer.error.error_msg })
          : new PlatformUnreachable({ platform: "vk", detail: answer.error.error_msg })
      const groups =
        answer.response === undefined ? [] : "groups" in answer.response ? answer.response.groups : answer.response
      const group = groups[0]
      if (group === undefined)
        return yield* new BotTokenRejected({ platform: "vk", reason: "invalid", detail: "no community for this token" })
      return {
        platform: "vk",
        platformBotId: String(group.id),
        username: group.screen_name ?? null,
        name: group.name
      } satisfies BotIdentity
    })

  const check: BotTokenCheckService["check"] = (platform, token) =>
    platform === "telegram"
      ? telegram(token)
      : platform === "vk"
        ? vk(token)
        : Effect.fail(new BotTokenRejected({ platform, reason: "unsupported", detail: "no token to check" }))

  return { check }
}

export const BotTokenCheckLive = Layer.effect(
  BotTokenCheck,
  Effect.gen(function* () {
    const config = yield* ServerConfig
    const client = yield* HttpClient.HttpClient
    return makeBotTokenCheck({
      telegramApiRoot: Option.getOrElse(config.telegramApiRoot, () => "https://api.telegram.org"),
      vkApiBaseUrl: Option.getOrElse(config.vkApiBaseUrl, () => "https://api.vk.com/method"),
      client
    })
  })
)
