/** The web chat's token settings (issuer `groupbuy`, audience `groupbuy:chat`, the server's JWT secret). */
import type { ChatToken } from "@groupbuy/adapters"
import { Context, Effect, Layer, Redacted } from "effect"
import { ServerConfig } from "../config/ServerConfig.js"
import { ISSUER } from "./UserTokens.js"

export const CHAT_AUDIENCE = "groupbuy:chat"

export class ChatTokens extends Context.Tag("@groupbuy/server/ChatTokens")<
  ChatTokens,
  { readonly config: ChatToken.TokenConfig }
>() {}

export const ChatTokensLive = Layer.effect(
  ChatTokens,
  Effect.map(ServerConfig, (config) => ({
    config: { secret: Redacted.value(config.jwtSecret), issuer: ISSUER, audience: CHAT_AUDIENCE }
  }))
)
