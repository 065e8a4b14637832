/** `npm start`: the whole platform in one process. */
import { NodeRuntime } from "@effect/platform-node"
import { main } from "./Server.js"

// SIGTERM drains and closes through the layers' finalizers; past SHUTDOWN_TIMEOUT the process gives up waiting
const timeout = Number.parseInt(process.env["SHUTDOWN_TIMEOUT_MS"] ?? "15000", 10)
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => setTimeout(() => process.exit(1), timeout).unref())
}

NodeRuntime.runMain(main, { disablePrettyLogger: true })
