/**
 * The bot fleet's records over HTTP (issue #15, "bots as data"): admins list the bots, add one from its token, pause,
 * resume, change its role and remove it, and the change takes effect without a restart: in the instance that answered
 * at once, in every other instance on the same database by its bot registry's next periodic pass (a few seconds).
 * No token is ever returned.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { BotHealth, BotRecord, BotRecordStatus, BotRole, BotSource } from "../Bots.js"
import { NotFound, RuleViolation } from "../Errors.js"
import { UserId } from "../Ids.js"
import { AdminAuthentication } from "./Security.js"

/** A bot record as JSON (dates as ISO strings) and whether this instance runs it now. */
export class BotRecordView extends Schema.Class<BotRecordView>("BotRecordView")({
  id: Schema.String,
  platform: Schema.String,
  role: BotRole,
  ownerId: Schema.NullOr(UserId).annotations({ description: "the referral shop's owner; null for the fleet's bots" }),
  status: BotRecordStatus,
  health: BotHealth,
  healthDetail: Schema.NullOr(Schema.String).annotations({ description: "what the platform or the adapter said" }),
  healthAt: Schema.NullOr(Schema.DateTimeUtc),
  platformBotId: Schema.NullOr(Schema.String).annotations({
    description: "Telegram's bot user id, VK's community id"
  }),
  username: Schema.NullOr(Schema.String),
  source: BotSource,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  running: Schema.Boolean.annotations({
    description: "the instance that answered runs the bot now (a fallback waits for promotion, so it does not)"
  })
}) {
  static fromRecord(record: BotRecord, running: boolean): BotRecordView {
    return new BotRecordView({ ...record, running })
  }
}

export class AddBotRecord extends Schema.Class<AddBotRecord>("AddBotRecord")({
  platform: Schema.Literal("telegram", "vk"),
  token: Schema.Redacted(Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(400))).annotations({
    description: "the bot's token from @BotFather (Telegram) or the community's access key (VK)"
  }),
  role: Schema.optionalWith(Schema.Literal("main", "fallback"), { default: () => "fallback" as const })
}) {}

export class UpdateBotRecord extends Schema.Class<UpdateBotRecord>("UpdateBotRecord")({
  status: Schema.optional(Schema.Literal("active", "paused")),
  role: Schema.optional(Schema.Literal("main", "fallback"))
}) {}

const BotPath = Schema.Struct({ id: Schema.String })

export class AdminBotRecordsApi extends HttpApiGroup.make("adminBotRecords")
  .add(
    HttpApiEndpoint.get("botRecords", "/bots/records")
      .annotate(OpenApi.Summary, "The bot records")
      .annotate(
        OpenApi.Description,
        "Every bot that is not deleted, oldest first: the environment's, the admins' and the referral shops' bots, " +
          "each with its role, status, health (what the platform or the adapter last said) and whether this " +
          "instance runs it now. Tokens are never shown."
      )
      .addSuccess(Schema.Array(BotRecordView))
  )
  .add(
    HttpApiEndpoint.post("addBotRecord", "/bots/records")
      .annotate(OpenApi.Summary, "Add a bot from its token")
      .annotate(
        OpenApi.Description,
        "Checks the token with its platform (getMe / groups.getById), keeps it sealed and writes the record " +
          "(source admin, id from the platform's username, e.g. telegram-shop_bot); a main bot is running when the " +
          "answer comes, a fallback waits for the failover monitor. 409 RuleViolation with bot.token-invalid, " +
          "bot.token-in-use or bot.platform-unreachable (nothing written: try again), each with its sentence in " +
          "Russian and English. Audited."
      )
      .setPayload(AddBotRecord)
      .addSuccess(BotRecordView, { status: 201 })
      .addError(RuleViolation)
  )
  .add(
    HttpApiEndpoint.patch("updateBotRecord", "/bots/records/:id")
      .annotate(OpenApi.Summary, "Pause, resume or change a bot's role")
      .annotate(
        OpenApi.Description,
        "`status` paused stops the bot, active starts it again; `role` fallback stops it until the failover monitor " +
          "promotes it, main starts it. A referral shop's bot is managed with its shop (409 bot.referral-managed); " +
          "a deleted bot cannot change. Audited."
      )
      .setPath(BotPath)
      .setPayload(UpdateBotRecord)
      .addSuccess(BotRecordView)
      .addError(RuleViolation)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.del("removeBotRecord", "/bots/records/:id")
      .annotate(OpenApi.Summary, "Remove a bot")
      .annotate(
        OpenApi.Description,
        "Stops the bot for good and frees its token (it may be added again later). 404 when none (or deleted " +
          "already); a referral shop's bot is removed with its shop (409 bot.referral-managed). Audited."
      )
      .setPath(BotPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(RuleViolation)
      .addError(NotFound)
  )
  .middleware(AdminAuthentication)
  .prefix("/admin") {}
