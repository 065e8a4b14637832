/** Browser tests' shared pieces: Debian's Chromium through playwright-core (never a downloaded browser), a free port. */
import { Effect } from "effect"
import { createServer } from "node:net"
import { chromium } from "playwright-core"

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"

/** A free loopback port: PUBLIC_URL must name the port before the server starts. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/** Headless Chromium for the scope. */
export const launchChromium = Effect.acquireRelease(
  Effect.promise(() =>
    chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    })
  ),
  (browser) => Effect.promise(() => browser.close())
)
