/**
 * The conversation engine's port. `handle(update, capabilities)` resolves the account, routes the update (commands,
 * button presses, free text to the active flow), persists the chat's session and returns replies already fitted to
 * the adapter's capabilities. Updates of one chat are processed strictly in order, different chats concurrently;
 * the same platform update id is processed once; a failure inside never escapes: the user gets an apology.
 *
 * Capabilities: an adapter passes its `Capabilities` with every `handle` call (they are also remembered per bot);
 * bots that only receive proactive messages are declared once with `register(bot, capabilities)`.
 */
import type {
  DomainEvent,
  Forbidden,
  Notification,
  NotFound,
  ProcurementId,
  RuleViolation,
  UserId
} from "@groupbuy/core"
import { Context, type Duration, type Effect } from "effect"
import type { Announced } from "./Announce.js"
import type { Language } from "./Messages.js"
import type { Capabilities, ChatRef, Reply, Update } from "./Model.js"

export interface RouterOptions {
  /** base URL of the web cabinet, for `/web` login links (default http://localhost:3000) */
  readonly webBaseUrl?: string
  /** an unfinished flow expires after this long without updates (default 24 hours) */
  readonly flowTtl?: Duration.DurationInput
  /** a chat's whole session expires after this long without updates (default 30 days) */
  readonly sessionTtl?: Duration.DurationInput
  /** how long an update id is remembered for de-duplication (default 24 hours) */
  readonly dedupeTtl?: Duration.DurationInput
  /**
   * Chat messages reach members outside chat mode as notices, grouped: the first waits `gather` for more (default
   * 5 seconds), then at most one notice per chat per member each `window` (default 60 seconds).
   */
  readonly chatNotices?: { readonly gather?: Duration.DurationInput; readonly window?: Duration.DurationInput }
}

export interface RouterService {
  /**
   * One update in, replies out already fitted to the capabilities (button data are payload tokens, limits hold).
   * Never fails: errors become an apology in the user's language.
   */
  readonly handle: (update: Update, capabilities?: Capabilities) => Effect.Effect<ReadonlyArray<Reply>>
  /** Declares a bot's capabilities (needed before proactive messages can be fitted for it). */
  readonly register: (bot: string, capabilities: Capabilities) => Effect.Effect<void>
  /**
   * Delivers replies to the chat the user used most recently (among registered bots) through `Deliver`.
   * Returns where it went, or undefined when the user has no reachable chat.
   */
  readonly notify: (userId: UserId, replies: ReadonlyArray<Reply>) => Effect.Effect<ChatRef | undefined>
  /**
   * Reacts to a domain event the server's dispatcher forwards: `PaymentSucceeded` → "payment received";
   * `ChatMessagePosted` → relayed to members whose chat is in chat mode for that procurement;
   * `NotificationCreated` → the rendered notification. Other events are ignored (the server turns them into
   * notifications). Returns the chats delivered to.
   */
  readonly onEvent: (event: DomainEvent) => Effect.Effect<ReadonlyArray<ChatRef>>
  /** Waits until no chat notice that is due is being told (tests advance the clock, then wait for this). */
  readonly settled: Effect.Effect<void>
  /**
   * Announces a procurement in every broadcast channel for `by`, by the rules of the bot's `/broadcast` (`Announce.ts`):
   * `NotFound`, `Forbidden` (not its organizer nor an administrator), or a `RuleViolation` (not active, no channels,
   * announced within `ANNOUNCE_WINDOW`).
   */
  readonly announce: (id: ProcurementId, by: UserId) => Effect.Effect<Announced, NotFound | Forbidden | RuleViolation>
  /** A notification as replies in the given language (for servers that deliver notifications themselves). */
  readonly renderNotification: (notification: Notification, language: Language) => ReadonlyArray<Reply>
}

export class Router extends Context.Tag("@groupbuy/router/Router")<Router, RouterService>() {}
