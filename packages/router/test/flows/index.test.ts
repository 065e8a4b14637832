import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { flows, isFlowName, migrateSnapshot } from "../../src/flows/index.js"
import { MachineDriver, ev, turn } from "./Driver.js"

describe("flow registry", () => {
  it("lists the four flows with a machine, a version and an input schema", () => {
    assert.deepStrictEqual(Object.keys(flows).sort(), ["createProcurement", "deposit", "join", "registration"])
    for (const flow of Object.values(flows)) {
      assert.isTrue(Number.isInteger(flow.version) && flow.version >= 1)
      assert.isTrue(Schema.isSchema(flow.input))
    }
    assert.isTrue(isFlowName("deposit"))
    assert.isFalse(isFlowName("toString"))
    assert.isTrue(Schema.decodeUnknownEither(flows.registration.input)({ language: "en" })._tag === "Right")
    assert.isTrue(Schema.decodeUnknownEither(flows.deposit.input)({ language: "fr" })._tag === "Left")
  })

  it("migrateSnapshot keeps a current snapshot, which then resumes where it was", () => {
    const c = new MachineDriver(flows.deposit.machine, { language: "ru" })
    c.send(ev.text("1500"))
    const stored = JSON.parse(JSON.stringify(c.last.snapshot)) as unknown
    const migrated = migrateSnapshot("deposit", flows.deposit.version, stored)
    assert.isDefined(migrated)
    const next = turn(flows.deposit.machine, {
      input: { language: "ru" },
      snapshot: migrated,
      event: ev.action("confirm")
    })
    assert.deepStrictEqual(next.requests, [{ _tag: "CreateDeposit", amount: "150000" }])
  })

  it("migrateSnapshot refuses other versions, unknown flows, states the machine lacks and junk", () => {
    const c = new MachineDriver(flows.registration.machine, { language: "ru" })
    const snapshot = c.last.snapshot as unknown as Record<string, unknown>
    assert.isUndefined(migrateSnapshot("registration", flows.registration.version + 1, snapshot))
    assert.isUndefined(migrateSnapshot("registration", 0, snapshot))
    assert.isUndefined(migrateSnapshot("nope", 1, snapshot))
    assert.isUndefined(migrateSnapshot("registration", flows.registration.version, { ...snapshot, value: "gone" }))
    assert.isUndefined(
      migrateSnapshot("createProcurement", flows.createProcurement.version, { ...snapshot, value: { category: "x" } })
    )
    assert.isUndefined(migrateSnapshot("registration", flows.registration.version, null))
    assert.isUndefined(migrateSnapshot("registration", flows.registration.version, { value: "role" }))
    assert.isUndefined(migrateSnapshot("registration", flows.registration.version, { ...snapshot, status: "error" }))
  })
})
