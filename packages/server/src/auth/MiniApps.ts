/**
 * Mini App launch data: who opened the cabinet inside Telegram or VK, proven by the platform's signature.
 *
 * - Telegram signs `initData` with a key derived from the bot token (HMAC-SHA256 of the sorted `key=value` lines,
 *   checked by `@telegram-apps/init-data-node`); `auth_date` says when, and older than `maxAge` is refused.
 * - VK signs the `vk_*` launch parameters with the app's secret key: HMAC-SHA256 of the parameters sorted by name and
 *   joined as a query string, base64url without padding (VK's documented check); `vk_ts` says when.
 *
 * Both answer the platform user's id as the adapters write it (`String(id)`), to be resolved through `Users.resolve`.
 */
import { Unauthorized } from "@groupbuy/core"
import { validate } from "@telegram-apps/init-data-node"
import { Duration, Either, Schema } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"

export interface MiniAppIdentity {
  readonly platform: "telegram" | "vk"
  readonly externalId: string
}

/**
 * The two fields of signed `initData` we use, read leniently: the library's own parser also demands fields that
 * depend on the client version (`signature`, added in Bot API 8.0), while the HMAC already proved the data is
 * Telegram's.
 */
const TelegramLaunch = Schema.Struct({
  auth_date: Schema.NumberFromString.pipe(Schema.int()),
  user: Schema.optional(Schema.parseJson(Schema.Struct({ id: Schema.Number.pipe(Schema.int()) })))
})
const decodeTelegramLaunch = Schema.decodeUnknownEither(TelegramLaunch)

const refuse = (reason: string) => Either.left(new Unauthorized({ reason }))

const tooOld = (signedAtMs: number, nowMs: number, maxAge: Duration.Duration) =>
  nowMs - signedAtMs > Duration.toMillis(maxAge) || signedAtMs - nowMs > 5 * 60_000

/**
 * The Telegram user of `initData`, if one of the bot tokens signed it no longer than `maxAge` ago (a signature made
 * more than 5 minutes in the future is refused too).
 */
export const verifyTelegramInitData = (
  initData: string,
  botTokens: ReadonlyArray<string>,
  maxAge: Duration.Duration,
  nowMs: number
): Either.Either<MiniAppIdentity, Unauthorized> => {
  if (botTokens.length === 0) return refuse("Telegram sign-in is not configured on this server")
  // expiry is checked below against our clock, not the library's
  const signed = botTokens.some((token) => {
    try {
      validate(initData, token, { expiresIn: 0 })
      return true
    } catch {
      return false
    }
  })
  if (!signed) return refuse("the Telegram launch data is not signed by this bot")
  const parsed = decodeTelegramLaunch(Object.fromEntries(new URLSearchParams(initData)))
  if (Either.isLeft(parsed)) return refuse("the Telegram launch data is malformed")
  const data = parsed.right
  if (tooOld(data.auth_date * 1000, nowMs, maxAge)) return refuse("the Telegram launch data is too old: reopen the app")
  if (data.user === undefined) return refuse("the Telegram launch data names no user")
  return Either.right({ platform: "telegram", externalId: String(data.user.id) })
}

/** VK's signature of launch parameters: the `vk_*` ones sorted by name, as a query string, HMAC-SHA256, base64url. */
export const vkSignature = (params: URLSearchParams, secret: string) => {
  const signed = [...params.entries()]
    .filter(([key]) => key.startsWith("vk_"))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join("&")
  return createHmac("sha256", secret).update(signed).digest("base64url")
}

/** The VK user of the launch parameters, if the app's secret signed them no longer than `maxAge` ago (`vk_ts`). */
export const verifyVkLaunchParams = (
  launchParams: string,
  secret: string | undefined,
  maxAge: Duration.Duration,
  nowMs: number
): Either.Either<MiniAppIdentity, Unauthorized> => {
  if (secret === undefined || secret === "") return refuse("VK sign-in is not configured on this server")
  const params = new URLSearchParams(launchParams.replace(/^\?/, ""))
  const sign = params.get("sign") ?? ""
  const expected = Buffer.from(vkSignature(params, secret))
  const given = Buffer.from(sign)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse("the VK launch parameters are not signed by this app")
  }
  const ts = Number(params.get("vk_ts"))
  if (!Number.isSafeInteger(ts) || tooOld(ts * 1000, nowMs, maxAge)) {
    return refuse("the VK launch parameters are too old: reopen the app")
  }
  const userId = params.get("vk_user_id") ?? ""
  if (!/^[1-9]\d{0,18}$/.test(userId)) return refuse("the VK launch parameters name no user")
  return Either.right({ platform: "vk", externalId: userId })
}
