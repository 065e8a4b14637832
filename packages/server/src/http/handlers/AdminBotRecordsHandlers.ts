/**
 * `adminBotRecords` group: the fleet's bot records (`Bots`). Adding checks the token with its platform
 * (`BotTokenCheck`), seals it (`BotTokens`) and writes the record; every change is audited (`bot.add`, `bot.update`,
 * `bot.remove`, the record's id as the target; never the token) and reaches this instance's bot registry at once
 * (`reconcileNow`, before the answer), the other instances on their registry's next periodic pass.
 */
import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import {
  type BotRecord,
  BotRecordView,
  Bots,
  botDeleted,
  GroupBuyApi,
  NewBot,
  NotFound,
  RuleViolation
} from "@groupbuy/core"
import { Effect } from "effect"
import { auditAdminAction } from "../../admin/AdminAudit.js"
import { BotRegistry } from "../../bots/BotRegistry.js"
import { BotTokenCheck } from "../../bots/BotTokenCheck.js"
import { BotTokens } from "../../bots/BotTokens.js"

const tokenInvalid = () =>
  new RuleViolation({
    code: "bot.token-invalid",
    en: "This token does not work: copy the bot's token from @BotFather (or the community's access key) and send it again.",
    ru: "Этот токен не работает: скопируйте токен бота из @BotFather (или ключ доступа сообщества) и пришлите ещё раз."
  })

const platformUnreachable = () =>
  new RuleViolation({
    code: "bot.platform-unreachable",
    en: "The platform did not answer, the bot was not added: try again in a minute.",
    ru: "Платформа не ответила, бот не добавлен — попробуйте через минуту."
  })

const referralManaged = (id: string) =>
  new RuleViolation({
    code: "bot.referral-managed",
    en: "This is a referral shop's bot: pause, block or delete it with its shop.",
    ru: "Это бот реферального магазина — приостановить, заблокировать или удалить его можно вместе с магазином.",
    params: { id }
  })

/** `telegram-shop_bot` from the bot's username (VK: its screen name, else the community id), made a valid fleet id. */
const baseId = (platform: string, name: string) =>
  `${platform}-${name.toLowerCase()}`.replace(/[^a-z0-9_.:-]/gu, "-").slice(0, 90)

/** The first of `base`, `base-2`, `base-3`, … no record (deleted ones included: their ids stay taken) holds. */
const freeId = (base: string, taken: ReadonlySet<string>) => {
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`
  return id
}

export const AdminBotRecordsHandlers = HttpApiBuilder.group(GroupBuyApi, "adminBotRecords", (handlers) =>
  Effect.gen(function* () {
    const bots = yield* Bots
    const check = yield* BotTokenCheck
    const tokens = yield* BotTokens
    const registry = yield* BotRegistry
    const sql = yield* SqlClient.SqlClient

    const view = (record: BotRecord) =>
      Effect.map(registry.running(), (running) => BotRecordView.fromRecord(record, running.includes(record.id)))

    const takenIds = Effect.map(
      Effect.all([bots.list(), bots.list({ status: "deleted" })]),
      ([live, deleted]) => new Set([...live, ...deleted].map((b) => b.id))
    )

    /** The record, unless it is unknown (404), deleted or a referral shop's. */
    const manageable = (id: string, whenDeleted: () => NotFound | RuleViolation) =>
      Effect.gen(function* () {
        const record = yield* bots.get(id)
        if (record.status === "deleted") return yield* whenDeleted()
        if (record.role === "referral") return yield* referralManaged(id)
        return record
      })

    return handlers
      .handle("botRecords", () =>
        Effect.gen(function* () {
          const running = new Set(yield* registry.running())
          return (yield* bots.list()).map((record) => BotRecordView.fromRecord(record, running.has(record.id)))
        })
      )
      .handle("addBotRecord", ({ payload }) =>
        Effect.gen(function* () {
          const identity = yield* check.check(payload.platform, payload.token).pipe(
            Effect.catchTags({
              BotTokenRejected: () => Effect.fail(tokenInvalid()),
              PlatformUnreachable: (unreachable) =>
                Effect.logWarning("token check: platform unreachable", { platform: unreachable.platform }).pipe(
                  Effect.zipRight(Effect.fail(platformUnreachable()))
                )
            })
          )
          const sealed = tokens.seal(identity.platform, payload.token)
          const base = baseId(identity.platform, identity.username ?? identity.platformBotId)
          // two admins adding two bots of one name at once: the loser takes the next free id
          const record = yield* Effect.flatMap(takenIds, (taken) =>
            bots.add(
              new NewBot({
                id: freeId(base, taken),
                platform: identity.platform,
                role: payload.role,
                source: "admin",
                platformBotId: identity.platformBotId,
                username: identity.username
              }),
              sealed
            )
          ).pipe(Effect.retry({ times: 3, while: (violation) => violation.code === "bot.id-taken" }))
          yield* auditAdminAction("bot.add", "bot", record.id, {
            platform: record.platform,
            role: record.role,
            username: record.username
          })
          yield* registry.reconcileNow()
          return yield* view(record)
        })
      )
      .handle("updateBotRecord", ({ path, payload }) =>
        Effect.gen(function* () {
          const before = yield* manageable(path.id, () => botDeleted(path.id))
          const from = { status: before.status, role: before.role }
          const changed = (record: BotRecord) => record.status !== from.status || record.role !== from.role
          // a status and a role change together or not at all (a refused role leaves the status as it was)
          const record = yield* sql
            .withTransaction(
              Effect.gen(function* () {
                let record = before
                if (payload.status !== undefined && payload.status !== record.status)
                  record = yield* bots.setStatus(record.id, payload.status)
                if (payload.role !== undefined && payload.role !== record.role)
                  record = yield* bots.setRole(record.id, payload.role)
                if (changed(record)) {
                  yield* auditAdminAction("bot.update", "bot", record.id, {
                    from,
                    to: { status: record.status, role: record.role }
                  })
                }
                return record
              })
            )
            .pipe(Effect.catchTag("SqlError", (error) => Effect.die(error)))
          if (changed(record)) yield* registry.reconcileNow()
          return yield* view(record)
        })
      )
      .handle("removeBotRecord", ({ path }) =>
        Effect.gen(function* () {
          const record = yield* manageable(path.id, () => new NotFound({ entity: "bot", id: path.id }))
          yield* bots.setStatus(record.id, "deleted")
          yield* auditAdminAction("bot.remove", "bot", record.id, { platform: record.platform, role: record.role })
          yield* registry.reconcileNow()
        })
      )
  })
)
