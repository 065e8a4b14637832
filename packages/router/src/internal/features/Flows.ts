/** A user's input for the active flow: one step of its machine, then whatever follows when it finished. */
import { Effect } from "effect"
import { stale } from "../Common.js"
import { continueFlow } from "../FlowHost.js"
import type { UnstampedEvent } from "../FlowRunner.js"
import type { TurnState } from "../Turn.js"
import { afterFlow } from "./Account.js"

export const flowEvent = (turn: TurnState, event: UnstampedEvent) => {
  const hosted = continueFlow(turn, event)
  return hosted === undefined ? stale(turn) : Effect.flatMap(hosted, afterFlow)
}
