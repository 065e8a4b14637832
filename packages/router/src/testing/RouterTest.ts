/**
 * The router wired for tests over a given core: in-memory sessions, the test payment gateway (fake local URLs), a
 * recording `Deliver` (`TestOutbox`) and fixed broadcast channels. Provide core's services (and `DomainEvents`).
 */
import { Layer } from "effect"
import { type BroadcastChannel, BroadcastChannelsStatic } from "../BroadcastChannels.js"
import { paymentGatewayTest } from "../PaymentGateway.js"
import type { RouterOptions } from "../Router.js"
import { RouterLive } from "../RouterLive.js"
import type { SessionStore } from "../SessionStore.js"
import { SessionStoreMemory } from "../SessionStoreMemory.js"
import type { Reply } from "../Model.js"
import { testOutbox } from "./TestOutbox.js"

export interface RouterTestOptions extends RouterOptions {
  readonly channels?: ReadonlyArray<BroadcastChannel>
  /** defaults to a fresh in-memory store */
  readonly sessions?: Layer.Layer<SessionStore>
  /** the payment gateway presents itself as a test one (test money) */
  readonly testMoney?: boolean
  /** deliveries holding such a reply fail as the platform refusing them */
  readonly refuses?: (reply: Reply) => boolean
}

export const RouterTest = (options: RouterTestOptions = {}) =>
  RouterLive(options).pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        options.sessions ?? SessionStoreMemory,
        testOutbox(options.refuses),
        BroadcastChannelsStatic(options.channels ?? []),
        paymentGatewayTest({ testMoney: options.testMoney === true })
      )
    )
  )
