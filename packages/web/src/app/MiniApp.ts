/**
 * Signing in inside a Mini App, with no code: Telegram opens the cabinet with its signed `initData` (in the URL
 * fragment as `tgWebAppData`, or from its script's `Telegram.WebApp.initData`), VK with its signed launch parameters
 * (`vk_*` and `sign` in the query string). The server checks the signature (`POST /api/auth/telegram`,
 * `POST /api/auth/vk`) and answers the same `UserSession` as the code sign-in, decoded here with core's schema.
 */
import { UserSession } from "@groupbuy/core/api"
import { Schema } from "effect"
import { ApiError } from "./Api.js"

export type MiniAppLaunch =
  | { readonly platform: "telegram"; readonly initData: string }
  | { readonly platform: "vk"; readonly launchParams: string }

/** What the page was opened with, read once at start (the SPA's navigation drops the fragment). */
export const detectLaunch = (
  location: Pick<Location, "hash" | "search">,
  telegramInitData?: string
): MiniAppLaunch | undefined => {
  const fromScript = telegramInitData ?? ""
  const fromFragment = new URLSearchParams(location.hash.replace(/^#/, "")).get("tgWebAppData") ?? ""
  const initData = fromScript !== "" ? fromScript : fromFragment
  if (initData !== "") return { platform: "telegram", initData }
  const query = new URLSearchParams(location.search)
  if (query.has("sign") && [...query.keys()].some((k) => k.startsWith("vk_"))) {
    return { platform: "vk", launchParams: location.search.replace(/^\?/, "") }
  }
  return undefined
}

const page = globalThis as {
  readonly location?: { readonly hash: string; readonly search: string }
  readonly Telegram?: { readonly WebApp?: { readonly initData?: string } }
}
const launchAtStart: MiniAppLaunch | undefined =
  page.location === undefined ? undefined : detectLaunch(page.location, page.Telegram?.WebApp?.initData)

/** The Mini App launch this page was opened with, if any. */
export const miniAppLaunch = () => launchAtStart

const decodeSession = Schema.decodeUnknownSync(UserSession)

/** Exchanges the launch's signed data for a session; a refusal rejects with an `ApiError` (its server error). */
export const miniAppSignIn = async (launch: MiniAppLaunch): Promise<typeof UserSession.Type> => {
  const [path, body] =
    launch.platform === "telegram"
      ? ["/api/auth/telegram", { initData: launch.initData }]
      : ["/api/auth/vk", { launchParams: launch.launchParams }]
  let response: Response
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    })
  } catch (error) {
    throw new ApiError("RequestError", error)
  }
  const json: unknown = await response.json().catch(() => undefined)
  if (!response.ok) {
    const tag =
      typeof json === "object" && json !== null && "_tag" in json ? String((json as { _tag: unknown })._tag) : "Unknown"
    throw new ApiError(tag, json)
  }
  try {
    return decodeSession(json)
  } catch (error) {
    throw new ApiError("ParseError", error)
  }
}
