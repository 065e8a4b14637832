/**
 * The flow registry the engine runs: each flow's machine, the version of its states (persisted next to every
 * snapshot) and the Schema of its input. Bump `version` whenever a machine's states or context change shape, and
 * teach `migrateSnapshot` the old version when it can be carried over.
 */
import { Schema } from "effect"
import type { AnyStateMachine, Snapshot } from "xstate"
import { CreateProcurementInput, createProcurementMachine } from "./createProcurement.js"
import { DepositInput, depositMachine } from "./deposit.js"
import { JoinInput, joinMachine } from "./join.js"
import { RegistrationInput, registrationMachine } from "./registration.js"

export * from "./Protocol.js"
export type { CreateProcurementOutput } from "./createProcurement.js"
export type { DepositOutput } from "./deposit.js"
export type { JoinOutput } from "./join.js"
export type { RegistrationOutput } from "./registration.js"
export { CreateProcurementInput, DepositInput, JoinInput, RegistrationInput }

/** One runnable flow. */
export interface FlowDefinition<M extends AnyStateMachine, I> {
  readonly machine: M
  readonly version: number
  readonly input: Schema.Schema<I, I>
}

const define = <M extends AnyStateMachine, I>(definition: FlowDefinition<M, I>) => definition

export const flows = {
  registration: define({ machine: registrationMachine, version: 1, input: RegistrationInput }),
  createProcurement: define({ machine: createProcurementMachine, version: 1, input: CreateProcurementInput }),
  deposit: define({ machine: depositMachine, version: 1, input: DepositInput }),
  join: define({ machine: joinMachine, version: 1, input: JoinInput })
} as const

export type FlowName = keyof typeof flows
/** The flows' names as a schema (sessions store them). */
export const FlowName = Schema.Literal(...(Object.keys(flows) as [FlowName, ...Array<FlowName>]))

export const isFlowName = (name: string): name is FlowName => Object.hasOwn(flows, name)

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/**
 * A persisted snapshot made by `version` of flow `name`, ready for the current machine — or undefined when it
 * cannot be carried over (unknown version, or states the machine no longer has); the engine then restarts the flow
 * and tells the user. No migrations exist yet: every flow is at version 1.
 */
export const migrateSnapshot = (name: string, version: number, snapshot: unknown): Snapshot<unknown> | undefined => {
  if (!isFlowName(name)) return undefined
  const flow = flows[name]
  if (version !== flow.version) return undefined
  if (!isRecord(snapshot) || !isRecord(snapshot["context"]) || snapshot["value"] === undefined) return undefined
  if (snapshot["status"] !== "active" && snapshot["status"] !== "done") return undefined
  try {
    // resolving the state value fails for states this machine does not have
    ;(flow.machine as AnyStateMachine).resolveState({
      value: snapshot["value"] as never,
      context: snapshot["context"]
    })
  } catch {
    return undefined
  }
  return snapshot as unknown as Snapshot<unknown>
}
