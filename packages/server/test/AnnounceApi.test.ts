/**
 * `POST /api/procurements/{id}/announce` on the whole platform (`AppLive`) with a Telegram bot against the fake Bot API:
 * the organizer (or an administrator) posts the procurement's card to the broadcast channels; a buyer is refused, an
 * unknown procurement is 404, and a procurement that is not ACTIVE, no channel, or a repeat within the window are 409
 * with the rule's code — and in every refused case nothing is posted.
 */
import { FetchHttpClient } from "@effect/platform"
import { FakeTelegram } from "@groupbuy/adapters/testing"
import { AnnounceRefusal, ProcurementId } from "@groupbuy/core"
import { coreProfiles, insertProcurement, insertUser } from "@groupbuy/core/testing"
import { afterAll, assert, describe, layer as layerOf } from "@effect/vitest"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { adminLogin, baseUrlOf, telegramApp } from "./utils/AppHarness.js"
import { userClient } from "./utils/TestServer.js"

const TOKEN = "123456:announce-api-test-token"
const CHANNEL = -1005550001111

const telegram = await FakeTelegram.start()
afterAll(() => telegram.close())
telegram.addBot(TOKEN)

const layer = telegramApp(coreProfiles().at(-1)!.layer, TOKEN, telegram.apiRoot)

const posts = () => telegram.sentMessages(TOKEN, CHANNEL)

describe("POST /api/procurements/{id}/announce", () => {
  layerOf(layer, { timeout: "180 seconds", excludeTestServices: true })((it) => {
    it.effect(
      "the organizer and an admin announce once; buyers, unknown ids, inactive ones, no channels and repeats are refused",
      () =>
        Effect.gen(function* () {
          const baseUrl = yield* baseUrlOf
          const organizer = yield* insertUser({ role: "organizer", firstName: "Ольга" })
          const buyer = yield* insertUser({ firstName: "Борис" })
          const adminUser = yield* insertUser({ isAdmin: true, firstName: "Анна" })
          const honey = yield* insertProcurement(organizer, { title: "Мёд с пасеки" })
          const nuts = yield* insertProcurement(organizer, { title: "Орехи кедровые" })
          const tea = yield* insertProcurement(organizer, { title: "Чай листовой" })
          const stopped = yield* insertProcurement(organizer, { title: "Сыр", status: "STOPPED" })
          const asOrganizer = (yield* userClient(organizer, baseUrl)).procurements
          const asBuyer = (yield* userClient(buyer, baseUrl)).procurements
          const asAdmin = (yield* userClient(adminUser, baseUrl)).procurements
          const announce = (client: typeof asOrganizer, id: ProcurementId) =>
            client.announce({ path: { id }, payload: {} })
          const refusal = (client: typeof asOrganizer, id: ProcurementId) =>
            Effect.flip(announce(client, id)).pipe(
              Effect.map((error) => (error._tag === "RuleViolation" ? error.code : error._tag))
            )

          // no channel is connected yet
          assert.strictEqual(yield* refusal(asOrganizer, honey), AnnounceRefusal.noChannels)

          const { admin } = yield* adminLogin(baseUrl, "announce@example.com")
          yield* admin.addChannel({
            payload: { botId: "telegram", platform: "telegram", chatId: String(CHANNEL), title: "Новости закупок" }
          })

          assert.strictEqual(yield* refusal(asBuyer, honey), "Forbidden")
          assert.strictEqual(yield* refusal(asOrganizer, ProcurementId.make(randomUUID())), "NotFound")
          assert.strictEqual(yield* refusal(asOrganizer, stopped), AnnounceRefusal.notActive)
          assert.lengthOf(posts(), 0)

          assert.deepStrictEqual(yield* announce(asOrganizer, honey), { sent: 1, channels: 1 })
          assert.lengthOf(posts(), 1)
          assert.include(posts()[0]?.text ?? "", "Мёд с пасеки")

          // a double click, a retried request: refused within the window, posted once
          assert.strictEqual(yield* refusal(asOrganizer, honey), AnnounceRefusal.tooSoon)
          assert.strictEqual(yield* refusal(asAdmin, honey), AnnounceRefusal.tooSoon)
          assert.lengthOf(posts(), 1)

          // an administrator announces somebody else's procurement
          assert.deepStrictEqual(yield* announce(asAdmin, nuts), { sent: 1, channels: 1 })
          assert.lengthOf(posts(), 2)
          assert.include(posts()[1]?.text ?? "", "Орехи кедровые")

          // two requests at the same moment: one announces, the other is refused
          const both = yield* Effect.all([announce(asOrganizer, tea), announce(asOrganizer, tea)].map(Effect.either), {
            concurrency: 2
          })
          assert.strictEqual(both.filter((r) => r._tag === "Right").length, 1)
          const lost = both.find((r) => r._tag === "Left")
          assert.strictEqual(
            lost?._tag === "Left" && lost.left._tag === "RuleViolation" && lost.left.code,
            "announce.too-soon"
          )
          assert.lengthOf(posts(), 3)
        }).pipe(Effect.provide(FetchHttpClient.layer)),
      { timeout: 150_000 }
    )
  })
})
