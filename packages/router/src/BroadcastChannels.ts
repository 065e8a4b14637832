/**
 * Channels a procurement can be announced in (`/broadcast`): the server implements it over its registered channels;
 * an announcement is delivered through `Deliver` with a deep-link Join button built from the channel's template.
 */
import { Context, Effect, Layer } from "effect"
import type { ChatRef } from "./Model.js"

export interface BroadcastChannel {
  readonly id: string
  readonly title: string
  /** where announcements go */
  readonly ref: ChatRef
  /** the bot's deep link with a `{payload}` placeholder, e.g. `https://t.me/groupbuy_bot?start={payload}` */
  readonly deepLink: string
}

export interface BroadcastChannelsService {
  readonly list: () => Effect.Effect<ReadonlyArray<BroadcastChannel>>
}

export class BroadcastChannels extends Context.Tag("@groupbuy/router/BroadcastChannels")<
  BroadcastChannels,
  BroadcastChannelsService
>() {}

/** A fixed list of channels (tests, single-bot setups). */
export const BroadcastChannelsStatic = (channels: ReadonlyArray<BroadcastChannel>): Layer.Layer<BroadcastChannels> =>
  Layer.succeed(BroadcastChannels, BroadcastChannels.of({ list: () => Effect.succeed(channels) }))
