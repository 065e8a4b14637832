/** Secrets generated once and kept in the data directory (mode 0600), so restarts keep sessions valid. */
import { Cause, ConfigError, Effect, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"

export const loadOrCreateSecret = (dataDir: string, name: string) =>
  Effect.try({
    try: () => {
      const dir = resolve(dataDir, "secrets")
      const file = join(dir, name)
      // the data directory is owner-only too (the embedded database lives there), also an existing one; a mount
      // point owned by another user cannot be changed and is left as it is (what is inside is owner-only)
      mkdirSync(dataDir, { recursive: true, mode: 0o700 })
      try {
        chmodSync(dataDir, 0o700)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EPERM") throw e
      }
      if (existsSync(file)) {
        const value = readFileSync(file, "utf8").trim()
        if (value.length >= 32) return Redacted.make(value)
      }
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      const value = randomBytes(48).toString("base64url")
      writeFileSync(file, value + "\n", { mode: 0o600 })
      chmodSync(file, 0o600)
      return Redacted.make(value)
    },
    catch: (e) =>
      ConfigError.SourceUnavailable(
        ["DATA_DIR"],
        `cannot keep the generated ${name} in ${dataDir}: ${(e as Error).message}`,
        Cause.fail(e)
      )
  })
