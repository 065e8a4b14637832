/**
 * The signed-in session of this tab: kept in sessionStorage (one tab, one account; another tab may be another
 * account), renewed before `expiresAt` when the server offers renewal, otherwise ended at expiry with a note for the
 * sign-in screen. Signing out or in as someone else clears the query cache, so two accounts' data never mix.
 */
import { UserSession } from "@groupbuy/core/api"
import { useQueryClient } from "@tanstack/react-query"
import { DateTime, Schema } from "effect"
import { createContext, type ReactNode, useCallback, useEffect, useMemo, useState } from "react"
import { type Api, makeApi } from "./Api.js"
import { useProvided } from "./Provided.js"

/** Where the session lives: the same key the bot's old `/login` page used, so a session it stored carries over. */
export const SESSION_KEY = "groupbuy.web.session"

export type Session = typeof UserSession.Type
export type SessionUser = Session["user"]
/** Why the last session ended, for the sign-in screen. */
export type EndReason = "signedOut" | "expired" | undefined

const decode = Schema.decodeUnknownSync(UserSession)
const encode = Schema.encodeSync(UserSession)

const load = (): Session | undefined => {
  try {
    const raw = window.sessionStorage.getItem(SESSION_KEY)
    if (raw === null) return undefined
    const session = decode(JSON.parse(raw))
    return DateTime.toEpochMillis(session.expiresAt) > Date.now() ? session : undefined
  } catch {
    return undefined
  }
}

const store = (session: Session | undefined) => {
  try {
    if (session === undefined) window.sessionStorage.removeItem(SESSION_KEY)
    else window.sessionStorage.setItem(SESSION_KEY, JSON.stringify(encode(session)))
  } catch {
    // private mode without storage: the session lasts as long as the page
  }
}

interface SessionState {
  readonly session: Session | undefined
  readonly user: SessionUser | undefined
  readonly ended: EndReason
  readonly api: Api
  readonly signIn: (session: Session) => void
  readonly signOut: (reason?: Exclude<EndReason, undefined>) => void
  /** Replaces the signed-in user after a profile change (language, names, ...). */
  readonly setUser: (user: SessionUser) => void
}

const SessionContext = createContext<SessionState | undefined>(undefined)

/** Renew this long before expiry. */
const RENEW_AHEAD_MS = 60_000
/** setTimeout fires at once past 2^31-1 ms (~24.8 days): longer waits are re-armed by the next render instead. */
const delay = (ms: number) => Math.min(Math.max(0, ms), 2 ** 31 - 1)

export const SessionProvider = ({ children }: { children: ReactNode }) => {
  const queryClient = useQueryClient()
  const [session, setSession] = useState<Session | undefined>(load)
  const [ended, setEnded] = useState<EndReason>(undefined)

  const signOut = useCallback(
    (reason: Exclude<EndReason, undefined> = "signedOut") => {
      store(undefined)
      setSession(undefined)
      setEnded(reason)
      queryClient.clear()
    },
    [queryClient]
  )
  const signIn = useCallback(
    (next: Session) => {
      store(next)
      setSession((previous) => {
        if (previous?.user.id !== next.user.id) queryClient.clear()
        return next
      })
      setEnded(undefined)
    },
    [queryClient]
  )
  const setUser = useCallback((user: SessionUser) => {
    setSession((previous) => {
      if (previous === undefined) return previous
      const next = { ...previous, user }
      store(next)
      return next
    })
  }, [])

  const token = session?.token
  const api = useMemo(() => makeApi(window.location.origin, token, () => signOut("expired")), [token, signOut])

  // renewal (POST /api/auth/refresh when the contract has it), else the end of the session at expiry
  useEffect(() => {
    if (session === undefined) return
    const expiresAt = DateTime.toEpochMillis(session.expiresAt)
    const renew = async () => {
      if (expiresAt - Date.now() > 2 * RENEW_AHEAD_MS) return
      const auth = (await import("./Renewal.js")).renew
      const fresh = await auth(api).catch(() => undefined)
      if (fresh !== undefined) signIn(fresh)
    }
    const renewal = window.setTimeout(() => void renew(), delay(expiresAt - Date.now() - RENEW_AHEAD_MS))
    const expiry = window.setTimeout(
      () => (Date.now() >= expiresAt ? signOut("expired") : undefined),
      delay(expiresAt - Date.now())
    )
    return () => {
      window.clearTimeout(renewal)
      window.clearTimeout(expiry)
    }
  }, [session, api, signIn, signOut])

  // another tab of the same browser never changes this tab's session (sessionStorage is per tab)
  const value = useMemo(
    () => ({ session, user: session?.user, ended, api, signIn, signOut, setUser }),
    [session, ended, api, signIn, signOut, setUser]
  )
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

const useSessionState = () => useProvided(SessionContext, "useSession", "SessionProvider")

/** The signed-in session (`user` undefined before sign-in), with `signIn`, `signOut`, `setUser`. */
export const useSession = () => useSessionState()

/** The typed API client with this tab's token. */
export const useApi = (): Api => useSessionState().api
