/**
 * The procurement chat in Chromium loses its socket and catches up: the buyer's page goes offline and the server
 * drops his chat connection (Chromium's offline mode alone keeps an open socket open), the organizer writes
 * meanwhile from her own browser context, and when the buyer's page is back online the chat reconnects, reloads the
 * newest page and shows what it missed, each message once (on both sides).
 */
import { insertParticipant, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import type { Duplex } from "node:stream"
import type { Page } from "playwright-core"
import { ChatHub, HUB_PATH } from "../../server/src/hub/ChatHub.js"
import { UpgradeRouter } from "../../server/src/http/UpgradeRouter.js"
import { eventually } from "../../server/test/utils/AppHarness.js"
import { freePort, launchChromium } from "../../server/test/utils/Browser.js"
import { ensureWebBuild } from "../../server/test/utils/WebBuild.js"
import { cabinetServer, signedIn } from "./utils/CabinetServer.js"

ensureWebBuild()

const port = await freePort()
const origin = `http://127.0.0.1:${port}`

const messageWith = (page: Page, text: string) => page.getByTestId("chat-message").filter({ hasText: text })
const status = (page: Page, value: string) =>
  page.locator(`[data-testid="chat-status"][data-status="${value}"]`).waitFor({ timeout: 20_000 })
/** Each message text shown, in order. */
const texts = (page: Page) => page.getByTestId("chat-message").locator(".chat-text").allTextContents()

const send = async (page: Page, text: string) => {
  await page.getByLabel("Сообщение").fill(text)
  await page.getByRole("button", { name: "Отправить" }).click()
  await messageWith(page, text).waitFor({ timeout: 20_000 })
}

/** The connections upgraded to the chat hub so far, oldest first (the Node server's `upgrade` events, observed). */
const hubUpgrades = Effect.gen(function* () {
  const { server } = yield* UpgradeRouter
  const sockets: Array<Duplex> = []
  const original = server.emit
  const emit = original.bind(server) as (event: string | symbol, ...args: Array<unknown>) => boolean
  yield* Effect.acquireRelease(
    Effect.sync(() => {
      server.emit = ((event: string | symbol, ...args: Array<unknown>) => {
        const request = args[0] as { url?: string } | undefined
        if (event === "upgrade" && request?.url?.startsWith(HUB_PATH) === true) sockets.push(args[1] as Duplex)
        return emit(event, ...args)
      }) as typeof server.emit
    }),
    () => Effect.sync(() => void (server.emit = original))
  )
  return sockets
})

describe("the chat socket in Chromium", () => {
  layerOf(cabinetServer(port), { timeout: "180 seconds", excludeTestServices: true })((it) => {
    it.scoped("reconnects after the connection drops and shows what was written meanwhile, once", () =>
      Effect.gen(function* () {
        const browser = yield* launchChromium
        const hub = yield* ChatHub
        const upgrades = yield* hubUpgrades
        const organizer = yield* insertUser({ firstName: "Ольга", role: "organizer" })
        const buyer = yield* insertUser({ firstName: "Борис" })
        const procurement = yield* insertProcurement(organizer, { title: "Мёд с пасеки" })
        yield* insertParticipant(procurement, buyer)
        const chat = `${origin}/procurements/${procurement}/chat`
        /** the hub's open sockets are `count`, soon */
        const connections = (count: number) =>
          eventually(
            Effect.filterOrFail(
              hub.connections,
              (open) => open === count,
              (open) => new Error(`${open} open chat sockets, expected ${count}`)
            )
          )

        const olga = yield* signedIn(browser, origin, organizer)
        const boris = yield* signedIn(browser, origin, buyer)
        yield* Effect.promise(async () => {
          for (const p of [olga.page, boris.page]) {
            await p.goto(chat)
            await status(p, "live")
          }
          await send(olga.page, "До обрыва")
          await messageWith(boris.page, "До обрыва").waitFor({ timeout: 20_000 })
        })
        yield* connections(2)

        // the buyer's page goes offline and the server drops his connection (his page went live last)
        const borisSocket = upgrades.at(-1)!
        yield* Effect.promise(async () => {
          await boris.context.setOffline(true)
          borisSocket.destroy()
          await status(boris.page, "reconnecting")
        })
        yield* connections(1)

        // written while he is away
        yield* Effect.promise(async () => {
          await send(olga.page, "Пока вас не было")
          await send(olga.page, "И ещё одно")
        })
        const away = yield* Effect.promise(() => texts(boris.page))
        assert.deepStrictEqual(away, ["До обрыва"])

        // back online: reconnected, caught up, nothing twice
        const after = yield* Effect.promise(async () => {
          await boris.context.setOffline(false)
          await status(boris.page, "live")
          await messageWith(boris.page, "И ещё одно").waitFor({ timeout: 20_000 })
          // a message after the reconnect arrives live, also once
          await send(olga.page, "Снова на связи")
          await messageWith(boris.page, "Снова на связи").waitFor({ timeout: 20_000 })
          return { boris: await texts(boris.page), olga: await texts(olga.page) }
        })
        const expected = ["До обрыва", "Пока вас не было", "И ещё одно", "Снова на связи"]
        assert.deepStrictEqual(after.boris, expected)
        assert.deepStrictEqual(after.olga, expected)
        yield* connections(2)
        assert.deepStrictEqual([...olga.problems, ...boris.problems], [])
      })
    )
  })
})
