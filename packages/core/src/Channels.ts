/**
 * Channels: the chats (Telegram channels and groups, VK conversations, …) where a bot announces procurements on
 * `/broadcast`. Admins register them; the server turns them into the router's `BroadcastChannels` with each bot's
 * deep link. A chat is registered once per bot (`botId` + `platform` + `chatId`).
 */
import { Context, type Effect, Schema } from "effect"
import type { NotFound, RuleViolation } from "./Errors.js"
import { type ChannelId, Language, Platform, UserId } from "./Ids.js"
import type { Channel } from "./Models.js"

export class AddChannel extends Schema.Class<AddChannel>("AddChannel")({
  /** the fleet id of the bot that posts there (`telegram`, `vk`, …) */
  botId: Schema.Trim.pipe(Schema.nonEmptyString(), Schema.maxLength(64)),
  platform: Platform,
  /** the chat as the platform names it: `-1001234567890` or `@channel` on Telegram, a peer id on VK */
  chatId: Schema.Trim.pipe(Schema.nonEmptyString(), Schema.maxLength(128)),
  title: Schema.Trim.pipe(Schema.nonEmptyString(), Schema.maxLength(200)),
  /** the language announcements are written in there */
  language: Schema.optionalWith(Language, { default: () => "ru" as const }),
  addedBy: Schema.optionalWith(Schema.NullOr(UserId), { default: () => null })
}) {}

export interface ChannelsService {
  /** every registered channel, oldest first */
  readonly list: () => Effect.Effect<ReadonlyArray<Channel>>
  /** registers a chat; the same chat of the same bot twice is a `RuleViolation` (`channel.duplicate`) */
  readonly add: (input: AddChannel) => Effect.Effect<Channel, RuleViolation>
  readonly remove: (id: ChannelId) => Effect.Effect<Channel, NotFound>
}

export class Channels extends Context.Tag("@groupbuy/core/Channels")<Channels, ChannelsService>() {}
