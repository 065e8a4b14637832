/** Renewing a session before it expires: `POST /api/auth/refresh` with the current token gives a fresh `UserSession`. */
import type { Api } from "./Api.js"
import type { Session } from "./Session.js"

export const renew = (api: Api): Promise<Session> => api.run((client) => client.auth.refresh())
