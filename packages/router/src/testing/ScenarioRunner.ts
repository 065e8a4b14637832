/** Replays a scripted scenario (`scenarios.ts`) through the in-memory conversation, `system` steps over core. */
import {
  Attachments,
  Chat,
  CreateProcurement,
  IdentityRef,
  kopecks,
  MessageFilter,
  PaymentFilter,
  Payments,
  PostMessage,
  Procurements,
  UpdateProfile,
  userActor,
  Users
} from "@groupbuy/core"
import { Clock, DateTime, Effect, Option } from "effect"
import { type Conversation, ConversationError, plainOf } from "./Conversation.js"
import type { Scenario, ScenarioStep } from "./ScenarioSteps.js"

const userIdOf = (conversation: Conversation, name: string) =>
  Effect.gen(function* () {
    const users = yield* Users
    const ref = conversation.refOf(name)
    const resolved = yield* users.resolve(new IdentityRef({ platform: ref.platform, externalId: ref.userId }))
    if (Option.isNone(resolved)) return yield* new ConversationError({ message: `${name} is not registered` })
    return resolved.value.user.id
  })

/** The user and the procurement titled `title` they organize or take part in. */
const chatOf = (conversation: Conversation, user: string, title: string) =>
  Effect.gen(function* () {
    const userId = yield* userIdOf(conversation, user)
    const mine = yield* (yield* Procurements).forUser(userId)
    const view = [...mine.organized, ...mine.joined.map((j) => j.view)].find((v) => v.procurement.title === title)
    if (view === undefined) return yield* new ConversationError({ message: `${user} has no procurement ${title}` })
    return { userId, procurementId: view.procurement.id }
  })

const system = (conversation: Conversation, step: Extract<ScenarioStep, { readonly system: string }>) =>
  Effect.gen(function* () {
    switch (step.system) {
      case "settleDeposit": {
        const payments = yield* Payments
        const userId = yield* userIdOf(conversation, step.user)
        const pending = yield* payments.list(new PaymentFilter({ userId, status: "PENDING", limit: 1 }))
        const payment = pending.items[0]
        if (payment === undefined)
          return yield* new ConversationError({ message: `${step.user} has no pending payment` })
        conversation.note(`system: payment of ${step.user} settled`)
        yield* Effect.orDie(payments.succeed(payment.id))
        yield* conversation.dispatch
        return
      }
      case "later":
        return yield* conversation.later(step.seconds)
      case "setLanguage": {
        const users = yield* Users
        const userId = yield* userIdOf(conversation, step.user)
        yield* Effect.orDie(users.update(userId, new UpdateProfile({ language: step.language })))
        conversation.note(`system: ${step.user}'s account language is now ${step.language}`)
        return
      }
      case "editFromWeb":
      case "deleteFromWeb": {
        const { procurementId, userId } = yield* chatOf(conversation, step.user, step.procurement)
        const chat = yield* Chat
        const mine = yield* chat.list(new MessageFilter({ procurementId, userId, limit: 100 }))
        const last = [...mine.items].sort(
          (a, b) => DateTime.toEpochMillis(b.createdAt) - DateTime.toEpochMillis(a.createdAt)
        )[0]
        if (last === undefined)
          return yield* new ConversationError({ message: `${step.user} wrote nothing in ${step.procurement}` })
        if (step.system === "editFromWeb") {
          yield* Effect.orDie(chat.edit(userActor(userId), last.id, step.text))
          conversation.note(`system: ${step.user} edited their message to “${step.text}” in the web cabinet`)
        } else {
          yield* Effect.orDie(chat.remove(userActor(userId), last.id))
          conversation.note(`system: ${step.user} deleted their message in the web cabinet`)
        }
        yield* conversation.dispatch
        return
      }
      case "postFromWeb": {
        const { procurementId, userId } = yield* chatOf(conversation, step.user, step.procurement)
        yield* Effect.orDie(
          (yield* Chat).post(
            PostMessage.make({
              procurementId,
              userId,
              text: step.text,
              originPlatform: "web",
              ...(step.imageUrl === undefined ? {} : { type: "IMAGE", attachmentUrl: step.imageUrl })
            })
          )
        )
        conversation.note(`system: ${step.user} wrote “${step.text}” in the web cabinet`)
        yield* conversation.dispatch
        return
      }
      case "postFile": {
        const { procurementId, userId } = yield* chatOf(conversation, step.user, step.procurement)
        // looked up rather than required: hosts of the other scenarios need not provide it
        const attachments = yield* Effect.serviceOption(Attachments)
        if (Option.isNone(attachments)) return yield* Effect.dieMessage("postFile needs the Attachments service")
        const file = yield* Effect.orDie(
          attachments.value.upload(userActor(userId), {
            procurementId,
            name: step.name,
            claimedType: "",
            bytes: new TextEncoder().encode(step.content)
          })
        )
        yield* Effect.orDie(
          (yield* Chat).post(
            PostMessage.make({
              procurementId,
              userId,
              text: step.caption,
              attachmentId: file.id,
              originPlatform: "web"
            })
          )
        )
        conversation.note(`system: ${step.user} sent the file ${file.name} in the web cabinet`)
        yield* conversation.dispatch
        return
      }
      case "seedProcurements": {
        const procurements = yield* Procurements
        const organizerId = yield* userIdOf(conversation, step.organizer)
        const now = yield* Clock.currentTimeMillis
        conversation.note(`system: ${step.count} procurement(s) “${step.title}” by ${step.organizer}`)
        for (let i = 1; i <= step.count; i++) {
          yield* Effect.orDie(
            procurements.create(
              new CreateProcurement({
                organizerId,
                title: `${step.title} ${i}`,
                description: `Описание: ${step.title} ${i}`,
                targetAmount: kopecks(100_000),
                pricePerUnit: kopecks(10_000),
                unit: "кг",
                deadline: DateTime.unsafeMake(now + 10 * 24 * 60 * 60 * 1000 - 60 * 60 * 1000),
                city: "Москва",
                ...(step.stopAt === undefined ? {} : { stopAtAmount: kopecks(step.stopAt) }),
                publish: true
              })
            )
          )
        }
        yield* conversation.dispatch
        return
      }
    }
  })

/** Replays a scenario through the in-memory conversation (any Reply-level driver works the same way). */
export const runScenario = (scenario: Scenario, conversation: Conversation) =>
  Effect.gen(function* () {
    const mode = conversation.capabilities.buttons ? "buttons" : "text"
    for (const step of scenario.steps) {
      if ("system" in step) {
        yield* system(conversation, step)
        continue
      }
      if (step.when !== undefined && step.when !== mode) continue
      if ("send" in step) yield* conversation.send(step.as, step.send)
      else if ("press" in step) yield* conversation.press(step.as, step.press)
      else if ("pressStale" in step) yield* conversation.pressStale(step.as, step.pressStale)
      else if ("contact" in step) yield* conversation.contact(step.as, step.contact)
      else if ("expect" in step) yield* conversation.expect(step.as, ...step.expect)
      else {
        const inbox = conversation.inbox(step.as).map(plainOf).join("\n")
        const present = step.expectNot.filter((text) => inbox.includes(text))
        if (present.length > 0) {
          return yield* new ConversationError({ message: `${step.as} did not expect ${JSON.stringify(present)}` })
        }
      }
    }
  })
