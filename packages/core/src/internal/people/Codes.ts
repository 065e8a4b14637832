/** One-time codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I). */
import { Effect } from "effect"
import { randomBytes } from "node:crypto"

/** 32 symbols, so one random byte maps to one symbol without bias (256 = 8 × 32). */
export const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
export const CODE_LENGTH = 8

/** A fresh crypto-random code. */
export const randomCode: Effect.Effect<string> = Effect.sync(() =>
  Array.from(randomBytes(CODE_LENGTH), (byte) => CODE_ALPHABET[byte & 31]).join("")
)

/** What a person may have typed for a code: any case, with spaces or dashes in between. */
export const normalizeCode = (input: string): string => input.toUpperCase().replace(/[\s-]/gu, "")
