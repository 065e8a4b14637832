/** What Telegram can show, for the router's `fit` (the limits are written in the router). */
export { telegramCapabilities } from "@groupbuy/router"
