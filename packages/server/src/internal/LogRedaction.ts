/**
 * Secrets that travel in URLs never reach the logs: the values of the `sig`, `code`, `token` and `access_token` query
 * parameters (sandbox payment pages, `/login?code=` links, `?token=` on WebSocket URLs, VK API calls) and Telegram
 * bot tokens in Bot API paths are replaced in every log line — the request log's `http.url`, messages, annotations,
 * errors (with their own fields, such as an SDK error's payload) and causes — whoever wrote it: the HTTP server, the
 * router, an adapter or an SDK logging through it.
 */
import { Cause, HashMap, Logger } from "effect"

const SECRET_QUERY = /([?&](?:sig|code|token|access_token)=)[^&#\s"'<>\\]+/gi
// Telegram Bot API URLs carry the bot token in the path: https://api.telegram.org/bot<id>:<secret>/sendMessage
const BOT_TOKEN_PATH = /(\/bot\d+:)[A-Za-z0-9_-]+/g

const HAS_SECRET = /[?&](?:sig|code|token|access_token)=|\/bot\d+:/i

/** The text with the values of secret query parameters and bot tokens replaced by `[redacted]`. */
export const redactSecrets = (text: string): string =>
  text.replace(SECRET_QUERY, "$1[redacted]").replace(BOT_TOKEN_PATH, "$1[redacted]")

const MAX_DEPTH = 6

const isPlainObject = (value: object) => {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** A copy of `value` with secrets redacted in every string inside; the very same value when nothing changed. */
export const redactValue = (value: unknown, depth = 0, seen = new WeakSet<object>()): unknown => {
  if (typeof value === "string") return redactSecrets(value)
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH || seen.has(value)) return value
  seen.add(value)
  if (Array.isArray(value)) {
    const items = value.map((item) => redactValue(item, depth + 1, seen))
    return items.some((item, i) => item !== value[i]) ? items : value
  }
  if (!(value instanceof Error) && !isPlainObject(value)) return value
  let changed = false
  const fields: Record<PropertyKey, unknown> = {}
  for (const key of Object.keys(value)) {
    const original = (value as Record<string, unknown>)[key]
    const redacted = redactValue(original, depth + 1, seen)
    fields[key] = redacted
    if (redacted !== original) changed = true
  }
  if (value instanceof Error) {
    const message = redactSecrets(value.message)
    const stack = value.stack === undefined ? undefined : redactSecrets(value.stack)
    if (!changed && message === value.message && stack === value.stack) return value
    // same class (so loggers print it the same way), own message and stack that shadow any getter
    const copy = Object.assign(Object.create(Object.getPrototypeOf(value)) as Error, fields)
    Object.defineProperty(copy, "message", { value: message, enumerable: false, writable: true, configurable: true })
    Object.defineProperty(copy, "stack", { value: stack, enumerable: false, writable: true, configurable: true })
    if (value.cause !== undefined) {
      Object.defineProperty(copy, "cause", { value: redactValue(value.cause, depth + 1, seen), configurable: true })
    }
    return copy
  }
  return changed ? fields : value
}

const redactCause = (cause: Cause.Cause<unknown>): Cause.Cause<unknown> =>
  Cause.isEmpty(cause) || !HAS_SECRET.test(Cause.pretty(cause))
    ? cause
    : Cause.match(cause, {
        onEmpty: Cause.empty,
        onFail: (error) => Cause.fail(redactValue(error)),
        onDie: (defect) => Cause.die(redactValue(defect)),
        onInterrupt: (fiberId) => Cause.interrupt(fiberId),
        onSequential: (left, right) => Cause.sequential(left, right),
        onParallel: (left, right) => Cause.parallel(left, right)
      })

/** `logger` with secrets redacted from what it is given. */
export const redactingLogger = <O>(logger: Logger.Logger<unknown, O>): Logger.Logger<unknown, O> =>
  Logger.mapInputOptions(logger, (options) => ({
    ...options,
    message: redactValue(options.message),
    annotations: HashMap.map(options.annotations, (value) => redactValue(value)),
    cause: redactCause(options.cause)
  }))
