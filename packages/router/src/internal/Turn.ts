/**
 * The value a turn threads through its handlers. A handler takes the turn so far and returns the next one — its
 * replies appended, its session changes made — so nothing is shared or mutated; services come from the Effect
 * context (`EngineEnv` for what the engine itself configures).
 */
import type {
  Categories,
  Chat,
  DomainError,
  Ledger,
  Notifications,
  Procurements,
  RoleRequests,
  User,
  Users
} from "@groupbuy/core"
import { Context, type Duration, type Effect, type Ref } from "effect"
import type { BroadcastChannels } from "../BroadcastChannels.js"
import type { ChatLockService } from "../ChatLock.js"
import type { Deliver } from "../Deliver.js"
import type { Language } from "../Messages.js"
import type { Capabilities, ChatRef, Reply, Update } from "../Model.js"
import type { PaymentGateway } from "../PaymentGateway.js"
import type { SessionStore } from "../SessionStore.js"
import type { FlowCrashed } from "./FlowRunner.js"
import type { Session } from "./Session.js"

export interface TurnState {
  readonly update: Update
  readonly ref: ChatRef
  readonly now: number
  readonly capabilities: Capabilities
  readonly session: Session
  readonly user: User | undefined
  readonly language: Language
  /** what the turn answers so far, not yet fitted */
  readonly replies: ReadonlyArray<Reply>
  /** an already fitted reply (a page of an overflowing keyboard) that bypasses fitting */
  readonly direct: Reply | undefined
}

/** What the engine configures for its handlers: options, the bots' capabilities and the per-chat lock. */
export interface EngineEnvService {
  readonly webBaseUrl: string
  readonly sessionTtl: Duration.DurationInput
  /** capabilities per bot, as adapters declared them */
  readonly bots: Map<string, Capabilities>
  readonly locks: ChatLockService
  /** how chat notices are grouped (see `RouterOptions.chatNotices`) */
  readonly chatNotices: {
    readonly gather: Duration.Duration
    readonly window: Duration.Duration
    /** how many batches are being told right now */
    readonly telling: Ref.Ref<number>
  }
}

export class EngineEnv extends Context.Tag("@groupbuy/router/internal/EngineEnv")<EngineEnv, EngineEnvService>() {}

/** Every service a handler may ask for. */
export type EngineServices =
  | Users
  | Procurements
  | Ledger
  | Chat
  | Notifications
  | Categories
  | RoleRequests
  | PaymentGateway
  | SessionStore
  | Deliver
  | BroadcastChannels
  | EngineEnv

/** A failure a handler does not turn into a reply itself: the turn ends with an apology. */
export type TurnError = DomainError | FlowCrashed

/** The one shape of a feature's handler. */
export type Handler<A> = (turn: TurnState, args: A) => Effect.Effect<TurnState, TurnError, EngineServices>

/** The turn with `replies` appended. */
export const emit = (turn: TurnState, ...replies: ReadonlyArray<Reply>): TurnState => ({
  ...turn,
  replies: [...turn.replies, ...replies]
})

/** The turn with its session changed by `f`. */
export const withSession = (turn: TurnState, f: (session: Session) => Session): TurnState => ({
  ...turn,
  session: f(turn.session)
})

/** The session without the active flow and pending prompt (a new command or screen replaces them). */
export const withoutFlow = ({ flow: _f, awaiting: _a, ...rest }: Session): Session => rest
