/**
 * `npm run admin -- create <email>` creates an admin account; `npm run admin -- set-password <email>` replaces a
 * password (and signs the admin out everywhere). The password is read from ADMIN_PASSWORD, or asked for twice on
 * the terminal without echo. Uses the same database as the server (DATABASE_URL, else PGlite in DATA_DIR). The
 * embedded database is one process's at a time: while a server runs on it, the command says to stop the server.
 */
import { NodeRuntime } from "@effect/platform-node"
import { DatabaseLive } from "@groupbuy/core"
import { Console, Effect, Layer } from "effect"
import { createInterface } from "node:readline"
import { AdminSessions, AdminSessionsLive } from "../admin/AdminSessions.js"

const usage = "usage: npm run admin -- create <email> | set-password <email>   (password: ADMIN_PASSWORD or prompt)"

/** Reads a line from the terminal without echoing it. */
const askHidden = (question: string) =>
  Effect.async<string>((resume) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
    const output = rl as unknown as { _writeToOutput: (s: string) => void }
    let asked = false
    output._writeToOutput = (s: string) => {
      if (!asked) process.stdout.write(s)
    }
    rl.question(question, (answer) => {
      process.stdout.write("\n")
      rl.close()
      resume(Effect.succeed(answer))
    })
    asked = true
  })

const readPassword = Effect.gen(function* () {
  const fromEnv = process.env["ADMIN_PASSWORD"]
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv
  if (!process.stdin.isTTY) return yield* Effect.fail("set ADMIN_PASSWORD (no terminal to ask on)")
  const first = yield* askHidden("Password: ")
  const second = yield* askHidden("Repeat the password: ")
  if (first !== second) return yield* Effect.fail("the passwords do not match")
  return first
})

const program = Effect.gen(function* () {
  const [command, email] = process.argv.slice(2)
  if ((command !== "create" && command !== "set-password") || email === undefined) return yield* Effect.fail(usage)
  const password = yield* readPassword
  const sessions = yield* AdminSessions
  if (command === "create") {
    const admin = yield* sessions.createAdmin(email, password)
    yield* Console.log(`admin ${admin.email} created (${admin.id})`)
  } else {
    yield* sessions.setPassword(email, password)
    yield* Console.log(`password of ${email.trim().toLowerCase()} changed; its sessions were closed`)
  }
}).pipe(
  // after `provide`: a database that cannot be opened (the server holds the embedded one) is explained too
  Effect.provide(AdminSessionsLive.pipe(Layer.provide(DatabaseLive))),
  Effect.catchAll((e) =>
    Effect.zipRight(
      Console.error(typeof e === "string" ? e : "message" in e ? String(e.message) : String(e)),
      Effect.sync(() => (process.exitCode = 1))
    )
  )
)

NodeRuntime.runMain(program, { disablePrettyLogger: true })
