/** Email addresses: trimmed, lower-cased, a sane local part and a domain with a top-level label (IDN allowed). */
import { Either } from "effect"
import { type Problem, problem } from "./Problem.js"

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/u
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u

export const parseEmail = (input: string): Either.Either<string, Problem> => {
  const value = input.trim().toLowerCase()
  if (value === "") return Either.left(problem("email.empty"))
  if (/\s/u.test(value)) return Either.left(problem("email.spaces"))
  if (value.length > 254) return Either.left(problem("email.tooLong"))
  const at = value.lastIndexOf("@")
  if (at < 0 || value.indexOf("@") !== at) return Either.left(problem("email.malformed"))
  const local = value.slice(0, at)
  const labels = value.slice(at + 1).split(".")
  const valid =
    local.length <= 64 &&
    LOCAL_PART.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label)) &&
    TOP_LEVEL.test(labels[labels.length - 1]!)
  return valid ? Either.right(value) : Either.left(problem("email.malformed"))
}
