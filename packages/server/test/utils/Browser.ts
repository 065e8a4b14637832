/** Browser tests' shared pieces: Debian's Chromium through playwright-core (never a downloaded browser), a free port. */
import { Effect } from "effect"
import { createServer } from "node:net"
import { type Browser, type BrowserContext, chromium } from "playwright-core"

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

/**
 * Opens `url` in a fresh context (optionally with a `locale`, and `prepare` run on the context first, e.g. to route
 * requests or add init scripts), collecting CSP violations, page errors and the WebSocket URLs the page opens; the
 * context is closed with the scope.
 */
export const openPage = (
  browser: Browser,
  url: string,
  options: { readonly locale?: string; readonly prepare?: (context: BrowserContext) => Promise<void> } = {}
) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const context = await browser.newContext(options.locale === undefined ? {} : { locale: options.locale })
      await options.prepare?.(context)
      const page = await context.newPage()
      const problems: Array<string> = []
      await page.exposeFunction("__reportViolation", (text: string) => void problems.push(text))
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) =>
          (window as unknown as { __reportViolation: (s: string) => void }).__reportViolation(
            `CSP: ${e.violatedDirective} ${e.blockedURI}`
          )
        )
      })
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
      page.on("console", (message) => {
        if (message.text().includes("Content Security Policy")) problems.push(`console: ${message.text()}`)
      })
      const sockets: Array<string> = []
      page.on("websocket", (socket) => sockets.push(socket.url()))
      await page.goto(url)
      return { page, context, problems, sockets }
    }),
    ({ context }) => Effect.promise(() => context.close())
  )
