/**
 * Mini App launch data signed the way the platforms document it, written out independently of the server's check:
 * Telegram's `initData` (HMAC-SHA256 of the sorted `key=value` lines, keyed with HMAC-SHA256("WebAppData", token),
 * hex) and VK's launch parameters (HMAC-SHA256 of the `vk_*` parameters sorted by name as a query string, keyed with
 * the app secret, base64url without padding) — and the account such a launch signs in.
 */
import { IdentityRef, RegisterUser, Users } from "@groupbuy/core"
import { Effect } from "effect"
import { createHmac } from "node:crypto"

/** An account (a buyer's unless said) linked to a Telegram or VK identity, as the bot's registration leaves it. */
export const linkedAccount = (
  platform: "telegram" | "vk",
  externalId: number,
  firstName: string,
  role: "buyer" | "organizer" = "buyer"
) =>
  Effect.flatMap(Users, (users) =>
    users.register(
      new RegisterUser({
        identity: new IdentityRef({ platform, externalId: String(externalId) }),
        firstName,
        role
      })
    )
  )

/** `initData` of `fields` (`user` as JSON, `auth_date` in seconds, ...) with the `hash` of `botToken`. */
export const signTelegramInitData = (fields: Readonly<Record<string, string>>, botToken: string) => {
  const checkString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join("\n")
  const secretKey = createHmac("sha256", "WebAppData").update(botToken).digest()
  const hash = createHmac("sha256", secretKey).update(checkString).digest("hex")
  return new URLSearchParams({ ...fields, hash }).toString()
}

/** The `vk_*` parameters as a query string with their `sign`, then VK's unsigned extras (`odr_enabled`). */
export const signVkLaunchParams = (params: Readonly<Record<string, string>>, secret: string) => {
  const query = Object.keys(params)
    .sort()
    .map((key) => `${key}=${encodeURIComponent(params[key]!)}`)
    .join("&")
  const sign = createHmac("sha256", secret)
    .update(query)
    .digest("base64")
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "")
  return `${query}&odr_enabled=1&sign=${sign}`
}
