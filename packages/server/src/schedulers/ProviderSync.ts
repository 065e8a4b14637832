/**
 * The provider sync on a schedule: every minute, on one instance at a time, each enabled provider whose sync interval
 * has passed is synced (`syncDue`): its offers become products with the markup, what it no longer offers is
 * deactivated, and the run or its failure is written to the sync log admins read.
 */
import { Subscriptions } from "@groupbuy/core"
import { Duration, Effect } from "effect"
import { syncDue } from "../shop/ProvidersLive.js"
import { countingJobLive } from "./CountingJob.js"

export const PROVIDER_SYNC_TICK = Duration.minutes(1)

export const ProviderSyncLive = (tick: Duration.DurationInput = PROVIDER_SYNC_TICK) =>
  countingJobLive(syncDue, {
    name: "provider-sync",
    label: "provider sync",
    done: "provider sync: providers synced",
    field: "providers",
    interval: tick
  })

export const SUBSCRIPTION_TICK = Duration.minutes(1)

/**
 * The subscriptions' schedule every minute on one instance at a time (core's `Subscriptions.runDue`: reminders,
 * renewals, expiries; each exactly once even if two instances overlap).
 */
export const SubscriptionScheduleLive = (tick: Duration.DurationInput = SUBSCRIPTION_TICK) =>
  countingJobLive(
    Effect.map(
      Effect.flatMap(Subscriptions, (s) => s.runDue()),
      (run) => run.reminded + run.renewed + run.failed + run.expired
    ),
    {
      name: "subscription-schedule",
      label: "subscription schedule",
      done: "subscription schedule: reminders, renewals and expiries",
      field: "subscriptions",
      interval: tick
    }
  )
