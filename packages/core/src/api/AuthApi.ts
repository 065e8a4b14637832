/**
 * Signing in to the web: the one-time login link the bot sends on `/web` becomes a user JWT, and so does the web chat
 * widget's guest token once it was linked to an account with `/link`. Also the widget's guest token endpoint.
 */
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { RuleViolation } from "../Errors.js"
import { User } from "../Models.js"
import { Authentication, TooManyRequests, Unauthorized } from "./Security.js"

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

/** Telegram Mini App sign-in: `Telegram.WebApp.initData` as received (a query string signed with the bot token). */
export class TelegramLoginBody extends Schema.Class<TelegramLoginBody>("TelegramLoginBody")({
  initData: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(8192))
}) {}

/** VK Mini App sign-in: the query string VK appended to the app's URL (`vk_*` parameters and `sign`), without `?`. */
export class VkLoginBody extends Schema.Class<VkLoginBody>("VkLoginBody")({
  launchParams: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(8192))
}) {}

/** A sign-in that trades a signed proof (`Body`) for a user session, or answers 401 when the proof does not hold. */
const signIn = <const Name extends string, Body extends Schema.Schema.Any>(
  name: Name,
  path: HttpApiEndpoint.PathSegment,
  body: Body
) => HttpApiEndpoint.post(name, path).setPayload(body).addSuccess(UserSession).addError(Unauthorized)

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
  .add(signIn("widgetLogin", "/auth/widget", WidgetLoginBody))
  /** A Mini App opened inside Telegram: the account linked to the signed Telegram user (401 when none, or forged). */
  .add(signIn("telegram", "/auth/telegram", TelegramLoginBody))
  /** A Mini App opened inside VK: the account linked to the signed `vk_user_id` (401 when none, or forged). */
  .add(signIn("vk", "/auth/vk", VkLoginBody))
  /** A fresh session for the bearer's account while its token is still valid (sign-out: the client drops it). */
  .add(
    HttpApiEndpoint.post("refresh", "/auth/refresh")
      .addSuccess(UserSession)
      .addError(Unauthorized)
      .middleware(Authentication)
  ) {}
