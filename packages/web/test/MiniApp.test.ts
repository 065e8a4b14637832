/** What a Mini App launch looks like to the cabinet: Telegram's initData (fragment or script), VK's signed query. */
import { describe, expect, it } from "vitest"
import { detectLaunch } from "../src/app/MiniApp.js"

const initData = "query_id=AAH&user=%7B%22id%22%3A42%7D&auth_date=1700000000&hash=abc"

describe("detectLaunch", () => {
  it("reads Telegram's initData from the fragment Telegram opens the page with", () => {
    const hash = `#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppVersion=7.0&tgWebAppPlatform=web`
    expect(detectLaunch({ hash, search: "" })).toEqual({ platform: "telegram", initData })
  })

  it("prefers the initData of Telegram's script when the page has it", () => {
    expect(detectLaunch({ hash: "#tgWebAppData=other", search: "" }, initData)).toEqual({
      platform: "telegram",
      initData
    })
  })

  it("passes VK's launch parameters as they came (the signature covers them)", () => {
    const search = "?vk_app_id=1&vk_user_id=7&vk_ts=1700000000&sign=xyz"
    expect(detectLaunch({ hash: "", search })).toEqual({ platform: "vk", launchParams: search.slice(1) })
  })

  it("is no Mini App without signed data", () => {
    expect(detectLaunch({ hash: "", search: "?code=ABC" })).toBeUndefined()
    expect(detectLaunch({ hash: "#tgWebAppThemeParams=%7B%7D", search: "?vk_user_id=7" })).toBeUndefined()
    expect(detectLaunch({ hash: "", search: "" }, "")).toBeUndefined()
  })
})
