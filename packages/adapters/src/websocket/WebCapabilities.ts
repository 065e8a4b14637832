/** What the web chat widget can show, for the router's `fit` (the limits are written in the router). */
export { webCapabilities } from "@groupbuy/router"
