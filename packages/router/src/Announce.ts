/**
 * Announcing a procurement in the broadcast channels — one rule set for the bot's `/broadcast` and the web cabinet
 * (`Router.announce`, behind `POST /api/procurements/{id}/announce`): the procurement's organizer or an administrator,
 * ACTIVE procurements only, at least one channel, and not the same procurement twice within `ANNOUNCE_WINDOW`.
 */
import type { Duration } from "effect"

/** What an announcement answers and the codes it is refused with: core's HTTP contract, which the web cabinet reads. */
export { type Announced, AnnounceRefusal } from "@groupbuy/core"

/**
 * A procurement is announced at most once in this window: a double click, a retried request or the bot and the web
 * cabinet at once must not post the same announcement twice into every channel. An announcement that reached no
 * channel does not count, so it can be retried at once.
 */
export const ANNOUNCE_WINDOW: Duration.DurationInput = "60 seconds"
