/**
 * Signing in to the web: the one-time login link the bot sends on `/web` becomes a user JWT, and so does the web chat
 * widget's guest token once it was linked to an account with `/link`. Also the widget's guest token endpoint.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
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
      .annotate(OpenApi.Summary, "Sign in with a one-time login code")
      .annotate(
        OpenApi.Description,
        "Trades the code from the bot's /web (or a login link) for a user session (JWT). Codes are single-use and " +
          "expire: 409 link.code-invalid, link.code-used, link.code-expired; 429 after too many attempts " +
          "(Retry-After)."
      )
      .setPayload(WebLoginBody)
      .addSuccess(UserSession)
      .addError(RuleViolation)
      .addError(TooManyRequests)
  )
  .add(
    HttpApiEndpoint.post("chatToken", "/chat/token")
      .annotate(OpenApi.Summary, "A web chat (widget) token")
      .annotate(
        OpenApi.Description,
        "A guest token for the web chat widget, or a renewal of an expired one with the same subject " +
          "(`previous`). 401 when `previous` is not a token of this server."
      )
      .setPayload(ChatTokenBody)
      .addSuccess(ChatTokenJson)
      .addError(Unauthorized)
  )
  .add(
    signIn("widgetLogin", "/auth/widget", WidgetLoginBody)
      .annotate(OpenApi.Summary, "Sign in from the web chat widget")
      .annotate(
        OpenApi.Description,
        "Trades a signed widget proof for a user session of the linked account; 401 when there is none or the " +
          "proof does not hold."
      )
  )
  /** A Mini App opened inside Telegram: the account linked to the signed Telegram user (401 when none, or forged). */
  .add(
    signIn("telegram", "/auth/telegram", TelegramLoginBody)
      .annotate(OpenApi.Summary, "Sign in from the Telegram Mini App")
      .annotate(
        OpenApi.Description,
        "`initData` as Telegram gave it (signed with the bot token): the session of the account linked to that " +
          "Telegram user; 401 when none, expired or forged."
      )
  )
  /** A Mini App opened inside VK: the account linked to the signed `vk_user_id` (401 when none, or forged). */
  .add(
    signIn("vk", "/auth/vk", VkLoginBody)
      .annotate(OpenApi.Summary, "Sign in from the VK Mini App")
      .annotate(
        OpenApi.Description,
        "The launch parameters VK appended to the app's URL (`vk_*` and `sign`): the session of the account " +
          "linked to that `vk_user_id`; 401 when none or forged."
      )
  )
  /** A fresh session for the bearer's account while its token is still valid (sign-out: the client drops it). */
  .add(
    HttpApiEndpoint.post("refresh", "/auth/refresh")
      .annotate(OpenApi.Summary, "Refresh a user session")
      .annotate(
        OpenApi.Description,
        "A fresh session (JWT) for the bearer's account while the current token is still valid; sign-out is the " +
          "client dropping its token."
      )
      .addSuccess(UserSession)
      .addError(Unauthorized)
      .middleware(Authentication)
  ) {}
