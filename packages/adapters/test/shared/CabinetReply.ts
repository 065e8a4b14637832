/** The shape of the router's `/web` answer, for the encoders' tests: a Mini App button with its login-code fallback. */
import type { Button, Reply } from "@groupbuy/router"

export const CABINET_URL = "https://gb.test/"
export const LOGIN_URL = "https://gb.test/login?code=K7"

/** A Mini App button opening `url`, falling back to `LOGIN_URL`. */
export const cabinetButton = (url = CABINET_URL) =>
  ({ _tag: "WebApp", label: "Кабинет", url, fallbackUrl: LOGIN_URL }) as const

/** "Вход" with the Mini App button, and `more` buttons after it on its row. */
export const cabinetReply = (url = CABINET_URL, more: ReadonlyArray<Button> = []): Reply => ({
  _tag: "Text",
  text: [{ text: "Вход" }],
  keyboard: { rows: [[cabinetButton(url), ...more]] }
})
