/** Password hashing with scrypt (node:crypto): `scrypt$N$r$p$salt$hash`, compared in constant time. */
import { Effect } from "effect"
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"

const N = 16384
const R = 8
const P = 1
const KEY_LENGTH = 64

const derive = (password: string, salt: Buffer, n: number, r: number, p: number) =>
  Effect.async<Buffer>((resume) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      resume(err ? Effect.die(err) : Effect.succeed(key))
    )
  })

export const hashPassword = (password: string) =>
  Effect.gen(function* () {
    const salt = randomBytes(16)
    const key = yield* derive(password, salt, N, R, P)
    return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`
  })

/** false for a wrong password or a malformed hash. */
export const verifyPassword = (password: string, stored: string) =>
  Effect.gen(function* () {
    const parts = stored.split("$")
    if (parts.length !== 6 || parts[0] !== "scrypt") return false
    const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
    if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 1 << 20) return false
    const expected = Buffer.from(parts[5]!, "base64")
    if (expected.length !== KEY_LENGTH) return false
    const actual = yield* derive(password, Buffer.from(parts[4]!, "base64"), n, r, p)
    return timingSafeEqual(actual, expected)
  })

/** Minimum rules for an admin password. */
export const passwordProblem = (password: string): string | null =>
  password.length < 10 ? "the password must be at least 10 characters long" : null
