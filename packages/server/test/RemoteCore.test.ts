import { BotFleet } from "@groupbuy/adapters"
import {
  Chat,
  IdentityRef,
  PostMessage,
  Procurements,
  RegisterUser,
  RoleRequests,
  Users,
  userActor,
  UserId
} from "@groupbuy/core"
import { coreProfiles, insertProcurement, insertUser } from "@groupbuy/core/testing"
import {
  BroadcastChannelsStatic,
  ChatRef,
  PaymentGateway,
  Router,
  RouterLive,
  SessionStoreMemory
} from "@groupbuy/router"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer, Redacted } from "effect"
import { randomUUID } from "node:crypto"
import { RemoteCoreLive } from "../src/remote/RemoteCore.js"
import { SERVICE_TOKEN, TestServer } from "./utils/TestServer.js"

const [profile] = coreProfiles()
const remote = RemoteCoreLive({ baseUrl: "", serviceToken: Redacted.make(SERVICE_TOKEN) })

describe("the router's core services over the HTTP API", () => {
  it.layer(TestServer(profile!.layer), { timeout: "120 seconds" })((it) => {
    it.effect("register, resolve, join, chat and deposit through the service token with typed errors", () =>
      Effect.gen(function* () {
        const context = yield* Layer.build(remote)
        const users = Context.get(context, Users)
        const procurements = Context.get(context, Procurements)
        const chat = Context.get(context, Chat)
        const gateway = Context.get(context, PaymentGateway)

        const identity = new IdentityRef({ platform: "vk", externalId: `vk-${randomUUID()}` })
        const user = yield* users.register(new RegisterUser({ identity, firstName: "Пётр", role: "buyer" }))
        const again = yield* users
          .register(new RegisterUser({ identity, firstName: "Пётр", role: "buyer" }))
          .pipe(Effect.flip)
        assert.strictEqual(again._tag, "RuleViolation")
        const resolved = yield* users.resolve(identity)
        assert.strictEqual(resolved._tag === "Some" ? resolved.value.user.id : undefined, user.id)
        const missing = yield* users.get(UserId.make(randomUUID())).pipe(Effect.flip)
        assert.strictEqual(missing._tag, "NotFound")

        const organizer = yield* insertUser({ role: "organizer" })
        const id = yield* insertProcurement(organizer)
        const participant = yield* procurements.join(user.id, id, 1)
        assert.strictEqual(participant.userId, user.id)
        const twice = yield* procurements.join(user.id, id, 1).pipe(Effect.flip)
        assert.strictEqual(twice._tag, "RuleViolation")

        const message = yield* chat.post(
          new PostMessage({ procurementId: id, userId: user.id, text: "Из VK", originPlatform: "vk" })
        )
        assert.strictEqual(message.originPlatform, "vk")
        const history = yield* chat.history(userActor(user.id), id, { limit: 10 })
        assert.strictEqual(history.at(-1)?.text, "Из VK")
        assert.isTrue(yield* chat.canAccess(userActor(user.id), id))

        // a role request from a remote bot: asked once, the pending one read back, a refusal typed
        const roleRequests = Context.get(context, RoleRequests)
        const asked = yield* roleRequests.request(user.id, "organizer")
        assert.isTrue(asked.created)
        assert.isFalse((yield* roleRequests.request(user.id, "organizer")).created)
        assert.strictEqual((yield* roleRequests.pending(user.id))?.id, asked.request.id)
        const other = yield* roleRequests.request(user.id, "supplier").pipe(Effect.flip)
        assert.strictEqual(other._tag === "RuleViolation" ? other.code : other._tag, "role-request.pending")

        const deposit = yield* gateway.createDeposit(user.id, 100_000n)
        assert.include(deposit.url ?? "", `/pay/sandbox/${deposit.paymentId}`)
        const tooSmall = yield* gateway.createDeposit(user.id, 1n).pipe(Effect.flip)
        assert.strictEqual(tooSmall._tag, "InvalidInput")
      }).pipe(Effect.scoped)
    )

    it.effect("the router engine runs against the remote services", () =>
      Effect.gen(function* () {
        const context = yield* Layer.build(
          RouterLive().pipe(
            Layer.provide(SessionStoreMemory),
            Layer.provide(BroadcastChannelsStatic([])),
            Layer.provide(BotFleet.layer),
            Layer.provideMerge(remote)
          )
        )
        const router = Context.get(context, Router)
        const ref = new ChatRef({ bot: "remote-test", platform: "telegram", chatId: "42", userId: "42", locale: "ru" })
        const replies = yield* router.handle({ _tag: "Command", ref, updateId: "u1", command: "start", args: "" })
        assert.isAbove(replies.length, 0)
        // the engine answers its own failures with an apology: a remote call that broke would show here
        const text = JSON.stringify(replies)
        assert.notInclude(text, "сломалось")
        // the account lookup went through the server: the identity is unknown there, so /start offers registration
        const users = Context.get(context, Users)
        const resolved = yield* users.resolve(new IdentityRef({ platform: "telegram", externalId: "42" }))
        assert.strictEqual(resolved._tag, "None")
      }).pipe(Effect.scoped)
    )
  })
})
