/**
 * A fitted `Reply` → the reply a web chat client receives. The wire carries the router's `Reply` (docs/ws-protocol.md),
 * with one change: a page in a browser opens no Mini App, so a Mini App button arrives as a link button to its
 * fallback (the login-code link) — clients only ever see the `Action`, `Url` and `RequestContact` buttons.
 */
import { type Button, type Reply, webAppFallback } from "@groupbuy/router"

const wireButton = (button: Button): Button => (button._tag === "WebApp" ? webAppFallback(button) : button)

/** The reply as it goes on the wire. */
export const encodeReply = (reply: Reply): Reply =>
  reply._tag === "Toast" || reply.keyboard === undefined
    ? reply
    : { ...reply, keyboard: { rows: reply.keyboard.rows.map((row) => row.map(wireButton)) } }
