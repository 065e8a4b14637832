/**
 * The pool of spare bot tokens over HTTP (issue #15): admins list it, add a token and remove one. The server keeps
 * the tokens sealed and turns the next good one into a fallback bot whenever a platform has none left (the failover
 * monitor's pass); a token the platform refuses is kept as `rejected` with the reason. No token is ever returned.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { NotFound } from "../Errors.js"
import { AdminAuthentication } from "./Security.js"

export class BotPoolEntry extends Schema.Class<BotPoolEntry>("BotPoolEntry")({
  /** the token's keyed fingerprint */
  id: Schema.String,
  platform: Schema.Literal("telegram", "vk"),
  state: Schema.Literal("spare", "used", "rejected"),
  source: Schema.Literal("file", "admin"),
  addedAt: Schema.String,
  /** the fallback bot record made from it */
  botId: Schema.NullOr(Schema.String),
  /** why the platform (or the fleet) refused it */
  detail: Schema.NullOr(Schema.String),
  /** the token's last four characters */
  hint: Schema.String
}) {}

export class AddBotPoolToken extends Schema.Class<AddBotPoolToken>("AddBotPoolToken")({
  platform: Schema.optionalWith(Schema.Literal("telegram", "vk"), { default: () => "telegram" as const }),
  token: Schema.Redacted(Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(300), Schema.pattern(/^\S+$/u)))
}) {}

export class AdminBotPoolApi extends HttpApiGroup.make("adminBotPool")
  .add(
    HttpApiEndpoint.get("botPool", "/bots/pool")
      .annotate(OpenApi.Summary, "The spare bot tokens")
      .annotate(
        OpenApi.Description,
        "Every token of the pool (from BOT_TOKENS_FILE or added here), oldest first: spare, used (with the fallback " +
          "bot it became) or rejected (with the reason). Tokens are never shown, only their last four characters."
      )
      .addSuccess(Schema.Array(BotPoolEntry))
  )
  .add(
    HttpApiEndpoint.post("addBotPoolToken", "/bots/pool")
      .annotate(OpenApi.Summary, "Add a spare bot token")
      .annotate(
        OpenApi.Description,
        "Adds a token (Telegram by default) to the pool; the same token again answers its entry as it is. The token " +
          "is checked with the platform (getMe) when it is needed as a fallback, not now. Audited."
      )
      .setPayload(AddBotPoolToken)
      .addSuccess(BotPoolEntry)
  )
  .add(
    HttpApiEndpoint.del("removeBotPoolToken", "/bots/pool/:id")
      .annotate(OpenApi.Summary, "Remove a spare bot token")
      .annotate(
        OpenApi.Description,
        "Removes a token from the pool (a bot made from it stays). 404 when none. Audited."
      )
      .setPath(Schema.Struct({ id: Schema.String }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
  )
  .middleware(AdminAuthentication)
  .prefix("/admin") {}
