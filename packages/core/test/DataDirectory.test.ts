import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { type Context, Effect, Exit, Layer, Scope } from "effect"
import { spawn } from "node:child_process"
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pgliteClient } from "../src/Database.js"
import { LOCK_NAME } from "../src/internal/DataDirectory.js"

/** Every path below `root` whose permissions give anything to group or others. */
const openToOthers = (root: string): Array<string> => {
  const stat = lstatSync(root)
  const here = (stat.mode & 0o077) !== 0 && !stat.isSymbolicLink() ? [`${root} ${(stat.mode & 0o777).toString(8)}`] : []
  return stat.isDirectory() ? [...here, ...readdirSync(root).flatMap((name) => openToOthers(join(root, name)))] : here
}

/** Builds the embedded database on `dir` in a scope of its own; the scope is closed by the caller. */
const open = (dir: string) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const exit = yield* Layer.buildWithScope(pgliteClient(dir), scope).pipe(Effect.exit)
    return { exit, close: Scope.close(scope, Exit.void) }
  })

const query = (context: Context.Context<SqlClient.SqlClient>, statement: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(Effect.provide(context), Effect.orDie)

describe("the embedded database's data directory", () => {
  it.effect(
    "is owner-only: the directory 0700 (also when it existed as 0755), every file 0600, while open and after",
    () =>
      Effect.gen(function* () {
        const dir = join(mkdtempSync(join(tmpdir(), "gb-datadir-")), "data")
        mkdirSync(dir, { mode: 0o755 })
        const db = yield* open(dir)
        assert.isTrue(Exit.isSuccess(db.exit))
        if (Exit.isSuccess(db.exit)) yield* query(db.exit.value, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
        assert.strictEqual(lstatSync(dir).mode & 0o777, 0o700)
        assert.deepStrictEqual(openToOthers(dir), [])
        yield* db.close
        assert.deepStrictEqual(openToOthers(dir), [])
      }),
    { timeout: 120_000 }
  )

  it.effect(
    "is used by one process at a time: a second opener is refused with a clear message until the first closes",
    () =>
      Effect.gen(function* () {
        const dir = join(mkdtempSync(join(tmpdir(), "gb-datadir-")), "data")
        const first = yield* open(dir)
        assert.isTrue(Exit.isSuccess(first.exit))
        if (Exit.isSuccess(first.exit)) yield* query(first.exit.value, "CREATE TABLE admins (email text)")

        const second = yield* open(dir)
        assert.isTrue(Exit.isFailure(second.exit))
        const message = Exit.isFailure(second.exit) ? String(JSON.stringify(second.exit.cause)) : ""
        assert.match(message, /in use by another process \(a running server\?\): stop it first/)
        yield* second.close

        yield* first.close
        const third = yield* open(dir)
        assert.isTrue(Exit.isSuccess(third.exit))
        if (Exit.isSuccess(third.exit)) {
          yield* query(third.exit.value, "INSERT INTO admins VALUES ('owner@example.com')")
        }
        yield* third.close
        // the rows written by the later opener survive a restart
        const fourth = yield* open(dir)
        assert.isTrue(Exit.isSuccess(fourth.exit))
        if (Exit.isSuccess(fourth.exit)) {
          const rows = yield* query(fourth.exit.value, "SELECT email FROM admins")
          assert.deepStrictEqual(rows, [{ email: "owner@example.com" }])
        }
        yield* fourth.close
      }),
    { timeout: 120_000 }
  )

  it.effect(
    "a lock left by a process killed with SIGKILL does not keep the directory locked",
    () =>
      Effect.gen(function* () {
        const dir = join(mkdtempSync(join(tmpdir(), "gb-datadir-")), "data")
        mkdirSync(dir, { mode: 0o700 })
        // a process listens on the lock socket the way an owner does, then dies without cleaning up
        yield* Effect.async<void>((resume) => {
          const child = spawn(
            process.execPath,
            [
              "-e",
              `require("net").createServer().listen(${JSON.stringify(join(dir, LOCK_NAME))}, () => console.log("up"))`
            ],
            { stdio: ["ignore", "pipe", "inherit"] }
          )
          child.stdout.once("data", () => child.kill("SIGKILL"))
          child.once("exit", () => resume(Effect.void))
        })
        assert.isTrue(existsSync(join(dir, LOCK_NAME)))
        const db = yield* open(dir)
        assert.isTrue(Exit.isSuccess(db.exit))
        yield* db.close
      }),
    { timeout: 120_000 }
  )
})
