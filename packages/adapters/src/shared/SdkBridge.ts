/**
 * Effects run from an SDK's callbacks (middleware, API hooks, webhooks) in the runtime captured once when the
 * adapter starts, so they see its services, logger and tracing.
 */
import { Effect, Runtime } from "effect"

export const sdkBridge = Effect.map(Effect.runtime<never>(), (runtime) => ({
  runFork: Runtime.runFork(runtime),
  runPromise: Runtime.runPromise(runtime)
}))
