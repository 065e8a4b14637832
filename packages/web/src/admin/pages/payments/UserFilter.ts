/** A grid's "user id" filter: a UUID typed or pasted by the administrator, refused in words when it is not one. */
import { UserId } from "@groupbuy/core/api"
import { Either, Schema } from "effect"
import { ApiError } from "../../../app/Api.js"
import { messages } from "./messages.js"

const decode = Schema.decodeUnknownEither(UserId)

/**
 * The filter's value as the endpoint's `UserId` (none typed: undefined). A value that is not an id fails the grid's
 * request the way the server refuses bad input, so the grid says why instead of silently showing every user's rows.
 */
export const userIdFilter = (value: string | undefined): UserId | undefined => {
  if (value === undefined) return undefined
  const decoded = decode(value.trim())
  if (Either.isRight(decoded)) return decoded.right
  throw new ApiError("InvalidInput", {
    _tag: "InvalidInput",
    issues: [{ path: "userId", ru: messages.ru.badUserId, en: messages.en.badUserId }]
  })
}
