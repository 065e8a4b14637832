/** All of core for tests: `coreProfiles()` runs every service on PGlite and, when configured, on PostgreSQL. */
import { Layer } from "effect"
import { CoreServicesLive } from "../CoreLive.js"
import { databaseProfiles } from "./TestDatabase.js"

/**
 * `databaseProfiles()` with every core service on top: `for (const p of coreProfiles()) it.layer(p.layer)(...)`.
 * Each layer is fresh, so suites never share a database or an event bus.
 */
export const coreProfiles = () =>
  databaseProfiles().map((profile) => ({
    name: profile.name,
    layer: Layer.fresh(CoreServicesLive).pipe(Layer.provideMerge(profile.layer))
  }))
