/** What WhatsApp can show, for the router's `fit` (the limits are written in the router). */
export { whatsappCapabilities } from "@groupbuy/router"
