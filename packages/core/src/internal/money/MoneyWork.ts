/**
 * What every money service (ledger, payments, procurements) builds on: the ledger writes, units of work that are one
 * SQL transaction each, and publishing their domain events once the transaction has committed.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { DomainEvent } from "../../Events.js"
import { DomainEvents } from "../../Events.js"
import { makeLedgerWrites } from "./LedgerWrites.js"
import { inTransaction } from "./SqlEdge.js"

export const makeMoneyWork = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const bus = yield* DomainEvents
  const writes = yield* makeLedgerWrites
  const transaction = inTransaction(sql)

  const publish = (event: DomainEvent) => bus.publish(event)

  const publishAll = (events: ReadonlyArray<DomainEvent>) => Effect.forEach(events, publish, { discard: true })

  /** Runs `work` (returning a result and its events) in one transaction, then publishes the events. */
  const unitOfWork = <A, E, R>(work: Effect.Effect<readonly [A, ReadonlyArray<DomainEvent>], E, R>) =>
    transaction(work).pipe(
      Effect.tap(([, events]) => publishAll(events)),
      Effect.map(([result]) => result)
    )

  return { sql, writes, transaction, publish, publishAll, unitOfWork }
})
