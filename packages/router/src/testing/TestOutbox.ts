/** A `Deliver` that records proactive deliveries in memory, for the conversation tester and engine tests. */
import { Context, Effect, Layer } from "effect"
import { Deliver, DeliveryFailed } from "../Deliver.js"
import type { ChatRef, Reply } from "../Model.js"

export interface Delivery {
  readonly ref: ChatRef
  readonly replies: ReadonlyArray<Reply>
}

export interface TestOutboxService {
  /** Every delivery so far, oldest first. */
  readonly all: () => ReadonlyArray<Delivery>
  /** The deliveries since the last `take`, removing them. */
  readonly take: () => ReadonlyArray<Delivery>
}

export class TestOutbox extends Context.Tag("@groupbuy/router/testing/TestOutbox")<TestOutbox, TestOutboxService>() {}

/**
 * Provides both `Deliver` (recording) and `TestOutbox` (reading); a delivery holding a reply that `refuses` names fails
 * as the platform refusing it (e.g. a document it could not fetch), and is not recorded.
 */
export const testOutbox = (refuses?: (reply: Reply) => boolean): Layer.Layer<Deliver | TestOutbox> =>
  Layer.effectContext(
    Effect.sync(() => {
      const all: Array<Delivery> = []
      let taken = 0
      const outbox = TestOutbox.of({
        all: () => [...all],
        take: () => {
          const fresh = all.slice(taken)
          taken = all.length
          return fresh
        }
      })
      const deliver = Deliver.of({
        deliver: (ref, replies) =>
          refuses !== undefined && replies.some(refuses)
            ? Effect.fail(new DeliveryFailed({ ref, unreachable: false, cause: "refused by the test platform" }))
            : Effect.sync(() => void all.push({ ref, replies }))
      })
      return Context.make(TestOutbox, outbox).pipe(Context.add(Deliver, deliver))
    })
  )

export const TestOutboxLive: Layer.Layer<Deliver | TestOutbox> = testOutbox()
