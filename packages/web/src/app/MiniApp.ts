/**
 * Signing in inside a Mini App, with no code: Telegram opens the cabinet with its signed `initData` (in the URL
 * fragment as `tgWebAppData`, or from its script's `Telegram.WebApp.initData`), VK with its signed launch parameters
 * (`vk_*` and `sign` in the query string). The server checks the signature (`POST /api/auth/telegram`,
 * `POST /api/auth/vk`) and answers the same `UserSession` as the code sign-in.
 */
import { TelegramLoginBody, type UserSession, VkLoginBody } from "@groupbuy/core/api"
import { makeApi } from "./Api.js"

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

/**
 * Exchanges the launch's signed data for a session through the typed client; a refusal rejects with an `ApiError`.
 * The client has no token and ignores 401s (a refused launch is not an expired session).
 */
export const miniAppSignIn = (launch: MiniAppLaunch): Promise<typeof UserSession.Type> => {
  const api = makeApi(globalThis.location.origin, undefined, () => undefined)
  return launch.platform === "telegram"
    ? api.run((client) => client.auth.telegram({ payload: new TelegramLoginBody({ initData: launch.initData }) }))
    : api.run((client) => client.auth.vk({ payload: new VkLoginBody({ launchParams: launch.launchParams }) }))
}
