/**
 * Signing in to the web: the one-time login link the bot sends on `/web` becomes a user JWT, and so does the web chat
 * widget's guest token once it was linked to an account with `/link`. Also the widget's guest token endpoint.
 */
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { RuleViolation } from "../Errors.js"
import { User } from "../Models.js"
import { TooManyRequests, Unauthorized } from "./Security.js"

export class WebLoginBody extends Schema.Class<WebLoginBody>("WebLoginBody")({
  code: Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(64))
}) {}

/** A user JWT (send it as `Authorization: Bearer <token>`, or `?token=` on WebSocket URLs). */
export const UserSession = Schema.Struct({ token: Schema.String, expiresAt: Schema.DateTimeUtc, user: User.json })
export type UserSession = typeof UserSession.Type

export class ChatTokenBody extends Schema.Class<ChatTokenBody>("ChatTokenBody")({
  /** an expired guest token to renew with the same subject */
  previous: Schema.optional(Schema.String.pipe(Schema.maxLength(4096)))
}) {}

/** A web chat token (`groupbuy.chat.v1`); `expiresAt` in epoch milliseconds. */
export const ChatTokenJson = Schema.Struct({ token: Schema.String, expiresAt: Schema.Number })

export class WidgetLoginBody extends Schema.Class<WidgetLoginBody>("WidgetLoginBody")({
  chatToken: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(4096))
}) {}

export class AuthApi extends HttpApiGroup.make("auth")
  .add(
    HttpApiEndpoint.post("webLogin", "/auth/web-login")
      .setPayload(WebLoginBody)
      .addSuccess(UserSession)
      .addError(RuleViolation)
      .addError(TooManyRequests)
  )
  .add(
    HttpApiEndpoint.post("chatToken", "/chat/token")
      .setPayload(ChatTokenBody)
      .addSuccess(ChatTokenJson)
      .addError(Unauthorized)
  )
  .add(
    HttpApiEndpoint.post("widgetLogin", "/auth/widget")
      .setPayload(WidgetLoginBody)
      .addSuccess(UserSession)
      .addError(Unauthorized)
  ) {}
