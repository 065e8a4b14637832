/** A failed VK API call, classified for the outbound queue and the health events. */
import { Data } from "effect"
import { APIError } from "vk-io"
import type { RetryDecision } from "../shared/OutboundQueue.js"

/** 5 user authorization failed, 27 group authorization failed, 28 application authorization failed */
const UNAUTHORIZED = new Set([5, 27, 28])
/** 901 no permission to message the user, 902 privacy settings, 917 no access to the conversation */
const UNREACHABLE = new Set([901, 902, 917])

export class VkApiError extends Data.TaggedError("VkApiError")<{
  readonly method: string
  /** the VK `error_code`; undefined when the server could not be reached */
  readonly code: number | undefined
  readonly description: string
}> {
  get unreachable(): boolean {
    return this.code !== undefined && UNREACHABLE.has(this.code)
  }

  get unauthorized(): boolean {
    return this.code !== undefined && UNAUTHORIZED.has(this.code)
  }

  /** the message is gone or too old to edit (909), or another edit error (100 for an unknown message) */
  get cannotEdit(): boolean {
    return this.method === "messages.edit" && (this.code === 909 || this.code === 100 || this.code === 15)
  }

  static fromUnknown(method: string, error: unknown): VkApiError {
    if (error instanceof APIError)
      return new VkApiError({ method, code: error.code as number, description: error.message })
    return new VkApiError({ method, code: undefined, description: String(error) })
  }
}

/** 6 "too many requests per second" and 9 "flood control" wait; network and internal (10) errors back off. */
export const classifyVkError = (error: VkApiError): RetryDecision => {
  if (error.code === 6) return { _tag: "RetryAfter", millis: 1000 }
  if (error.code === 9) return { _tag: "RetryAfter", millis: 3000 }
  if (error.code === undefined || error.code === 10) return { _tag: "Backoff" }
  return { _tag: "Fail" }
}
