/**
 * Generated paths: `xstate/graph` finds a shortest path to every distinct state (by a caller-chosen key), then every
 * sample event of that state is replayed after it through the JSON-snapshot driver, so every edge of the explored
 * graph runs as the engine would run it. Records which transition definitions and state nodes were exercised.
 */
import { assert } from "@effect/vitest"
import {
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type InputFrom,
  type SnapshotFrom,
  type StateValue
} from "xstate"
import { getShortestPaths, getStateNodes } from "xstate/graph"
import type { FlowEvent } from "../../src/flows/Protocol.js"
import { MachineDriver, type Turn } from "./Driver.js"
import { checkTurn } from "./Invariants.js"

export interface Exploration<M extends AnyStateMachine> {
  readonly machine: M
  readonly input: InputFrom<M>
  /** the events to try in a state (valid, invalid, unexpected, stale) */
  readonly samples: (snapshot: SnapshotFrom<M>) => ReadonlyArray<FlowEvent>
  /** what makes two states different for exploration purposes */
  readonly key: (snapshot: SnapshotFrom<M>) => string
  readonly output: (value: unknown) => void
}

export interface Coverage {
  readonly transitions: Set<AnyTransitionDefinition>
  readonly stateIds: Set<string>
  paths: number
  turns: number
}

export const emptyCoverage = (): Coverage => ({ transitions: new Set(), stateIds: new Set(), paths: 0, turns: 0 })

/** "a" → ["m.a"]; { a: "b" } → ["m.a", "m.a.b"]. */
export const stateIdsOf = (machineId: string, value: StateValue, prefix = machineId): ReadonlyArray<string> =>
  typeof value === "string"
    ? [`${prefix}.${value}`]
    : Object.entries(value).flatMap(([k, v]) =>
        v === undefined ? [`${prefix}.${k}`] : [`${prefix}.${k}`, ...stateIdsOf(machineId, v, `${prefix}.${k}`)]
      )

const record = (coverage: Coverage, machine: AnyStateMachine, turn: Turn) => {
  turn.transitions.forEach((t) => {
    coverage.transitions.add(t)
    // transient states (left at once by an eventless transition) are visited as transition sources
    coverage.stateIds.add(t.source.id)
  })
  stateIdsOf(machine.id, turn.value).forEach((id) => coverage.stateIds.add(id))
  coverage.turns += 1
}

export const explore = <M extends AnyStateMachine>(exploration: Exploration<M>, coverage: Coverage) => {
  const { machine, input } = exploration
  const paths = getShortestPaths(machine, {
    input,
    events: (snapshot) => exploration.samples(snapshot as SnapshotFrom<M>) as never,
    serializeState: (snapshot) => exploration.key(snapshot as SnapshotFrom<M>)
  })
  assert.isAtLeast(paths.length, 1)
  for (const path of paths) {
    const prefix = path.steps.map((s) => s.event as unknown as FlowEvent).filter((e) => !e.type.startsWith("xstate."))
    const endings: ReadonlyArray<FlowEvent | undefined> =
      path.state.status === "active" ? exploration.samples(path.state as SnapshotFrom<M>) : [undefined]
    for (const last of endings) {
      const events = last === undefined ? prefix : [...prefix, last]
      const c = new MachineDriver(machine, input)
      record(coverage, machine, c.last)
      checkTurn(c.last, undefined, exploration.output, "start")
      events.forEach((event, i) => {
        const turn = c.send(event)
        record(coverage, machine, turn)
        checkTurn(turn, event, exploration.output, `${machine.id} step ${i} ${JSON.stringify(event)}`)
      })
      if (last === undefined || events.length === prefix.length) {
        assert.deepStrictEqual(c.last.value, path.state.value, "the actor and the graph agree on the state")
      }
      coverage.paths += 1
    }
  }
}

const describeTransition = (t: AnyTransitionDefinition, i: number) =>
  `${t.source.id} on "${t.eventType}" #${i}${t.guard ? ` [${typeof t.guard === "string" ? t.guard : "guard"}]` : ""}`

/** Every transition definition and every state node of `machine` was exercised. */
export const assertCovered = (machine: AnyStateMachine, coverage: Coverage) => {
  const nodes: ReadonlyArray<AnyStateNode> = [machine.root, ...getStateNodes(machine.root)]
  const missingTransitions = nodes.flatMap((node) => [
    ...[...node.transitions.values()].flatMap((defs) =>
      defs.flatMap((t, i) => (coverage.transitions.has(t) ? [] : [describeTransition(t, i)]))
    ),
    ...(node.always ?? []).flatMap((t, i) => (coverage.transitions.has(t) ? [] : [describeTransition(t, i)]))
  ])
  assert.deepStrictEqual(missingTransitions, [], "transitions never taken")
  const missingStates = nodes.filter((n) => n !== machine.root && !coverage.stateIds.has(n.id)).map((n) => n.id)
  assert.deepStrictEqual(missingStates, [], "states never visited")
}
