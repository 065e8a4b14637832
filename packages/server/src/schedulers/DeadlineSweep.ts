/**
 * The deadline sweep on a schedule: at start-up and then every `interval` (a minute by default), ACTIVE procurements
 * whose deadline passed become STOPPED (`Procurements.sweepExpired`, which notifies through the domain events), on one
 * instance at a time. Listings leave such procurements out even before the sweep reaches them. Beside it, hourly, the
 * purge of chat uploads that were never sent.
 */
import { Attachments, Procurements } from "@groupbuy/core"
import { Duration, Effect, Layer } from "effect"
import { ServerConfig } from "../config/ServerConfig.js"
import { ProviderSyncLive, SubscriptionScheduleLive } from "./ProviderSync.js"
import { countingJobLive } from "./CountingJob.js"
import { SingleRunnerLive } from "./SingleRunner.js"

export const DEADLINE_SWEEP_INTERVAL = Duration.minutes(1)

/** Sweeps now and then every `interval` while the layer lives; a failed sweep is logged and retried next time. */
export const DeadlineSweepLive = (interval: Duration.DurationInput = DEADLINE_SWEEP_INTERVAL) =>
  countingJobLive(
    Effect.flatMap(Procurements, (procurements) => procurements.sweepExpired()),
    {
      name: "deadline-sweep",
      label: "deadline sweep",
      done: "deadline sweep: procurements past their deadline stopped",
      field: "stopped",
      interval
    }
  )

export const ATTACHMENT_PURGE_INTERVAL = Duration.hours(1)

/** Every `interval`, on one instance at a time: chat uploads never sent and older than a day are deleted. */
export const AttachmentPurgeLive = (interval: Duration.DurationInput = ATTACHMENT_PURGE_INTERVAL) =>
  countingJobLive(
    Effect.flatMap(Attachments, (attachments) => attachments.purgeUnsent()),
    {
      name: "attachment-purge",
      label: "attachment purge",
      done: "attachment purge: unsent uploads removed",
      field: "removed",
      interval
    }
  )

/** The schedulers of a server: on every role but the chat node (which serves the hub only). */
export const SchedulersForRole = Layer.unwrapEffect(
  Effect.map(ServerConfig, (settings) =>
    settings.role === "chat"
      ? Layer.empty
      : Layer.mergeAll(DeadlineSweepLive(), AttachmentPurgeLive(), ProviderSyncLive(), SubscriptionScheduleLive()).pipe(
          Layer.provide(SingleRunnerLive)
        )
  )
)
