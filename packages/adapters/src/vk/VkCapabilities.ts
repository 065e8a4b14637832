/** What VK can show, for the router's `fit` (the limits are written in the router). */
export { vkCapabilities } from "@groupbuy/router"
