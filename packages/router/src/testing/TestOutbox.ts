/** A `Deliver` that records proactive deliveries in memory, for the conversation tester and engine tests. */
import { Context, Effect, Layer } from "effect"
import { Deliver } from "../Deliver.js"
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

/** Provides both `Deliver` (recording) and `TestOutbox` (reading). */
export const TestOutboxLive: Layer.Layer<Deliver | TestOutbox> = Layer.effectContext(
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
      deliver: (ref, replies) => Effect.sync(() => void all.push({ ref, replies }))
    })
    return Context.make(TestOutbox, outbox).pipe(Context.add(Deliver, deliver))
  })
)
