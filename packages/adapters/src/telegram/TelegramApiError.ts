/** A failed Telegram Bot API call, classified for the outbound queue and the health events. */
import { Data } from "effect"
import { GrammyError, HttpError } from "grammy"
import type { RetryDecision } from "../shared/OutboundQueue.js"

export class TelegramApiError extends Data.TaggedError("TelegramApiError")<{
  readonly method: string
  /** the Bot API `error_code`; undefined when the server could not be reached */
  readonly code: number | undefined
  readonly description: string
  /** seconds, from a 429's `parameters.retry_after` */
  readonly retryAfter: number | undefined
}> {
  /** 403: the user blocked the bot (or it was removed from the group) */
  get unreachable(): boolean {
    return this.code === 403
  }

  /** an edit that changes nothing */
  get notModified(): boolean {
    return this.code === 400 && /message is not modified/i.test(this.description)
  }

  /** the edit target is gone, too old, or not a text message */
  get cannotEdit(): boolean {
    return (
      this.code === 400 &&
      /message to edit not found|message can't be edited|there is no text in the message|MESSAGE_ID_INVALID/i.test(
        this.description
      )
    )
  }

  static fromUnknown(method: string, error: unknown): TelegramApiError {
    if (error instanceof GrammyError)
      return new TelegramApiError({
        method,
        code: error.error_code,
        description: error.description,
        retryAfter: error.parameters.retry_after
      })
    const description = error instanceof HttpError ? `${error.message}: ${String(error.error)}` : String(error)
    return new TelegramApiError({ method, code: undefined, description, retryAfter: undefined })
  }
}

/** 429 waits `retry_after`; network failures and 5xx back off; everything else is final. */
export const classifyTelegramError = (error: TelegramApiError): RetryDecision => {
  if (error.code === 429) return { _tag: "RetryAfter", millis: (error.retryAfter ?? 1) * 1000 }
  if (error.code === undefined || error.code >= 500) return { _tag: "Backoff" }
  return { _tag: "Fail" }
}
