/**
 * Renewing a session before it expires through `POST /api/auth/refresh` (the `auth.refresh` endpoint). Until the
 * contract has that endpoint the session simply ends at `expiresAt` and the person signs in again.
 */
import { Effect } from "effect"
import type { Api } from "./Api.js"
import type { Session } from "./Session.js"

export const renew = (api: Api): Promise<Session | undefined> =>
  api.run((client) => {
    const refresh = (client.auth as unknown as Record<string, unknown>)["refresh"]
    return typeof refresh === "function"
      ? (refresh as (options: object) => Effect.Effect<Session, unknown>)({})
      : Effect.succeed(undefined)
  })
