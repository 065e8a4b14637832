/**
 * The administrator's session: the server keeps it in an HttpOnly cookie (the page never sees it) and hands out a
 * CSRF token that every request repeats in `x-csrf-token`. On load the panel asks `GET /api/admin/status` whether the
 * cookie still holds; an `Unauthorized` answer to any call ends the session here too ("expired"), clearing every
 * cached answer so the next administrator of this browser sees nothing of the last one's.
 */
import { HttpClientRequest } from "@effect/platform"
import { CSRF_HEADER } from "@groupbuy/core/api"
import { useQueryClient } from "@tanstack/react-query"
import { createContext, type ReactNode, useCallback, useEffect, useMemo, useState } from "react"
import { ApiError, type Api, makeApiWith } from "../app/Api.js"
import { useProvided } from "../app/Provided.js"

export interface AdminIdentity {
  readonly id: string
  readonly email: string
}

/** Why the last session ended, for the sign-in screen. */
export type AdminEndReason = "signedOut" | "expired" | undefined

type State =
  | { readonly _tag: "checking" }
  | { readonly _tag: "signedOut"; readonly reason: AdminEndReason }
  | { readonly _tag: "signedIn"; readonly admin: AdminIdentity; readonly csrfToken: string }

interface AdminSessionState {
  readonly state: State
  /** Calls with this session's CSRF token (before sign-in: without one). */
  readonly api: Api
  readonly signIn: (email: string, password: string) => Promise<void>
  readonly signOut: () => Promise<void>
}

const AdminSessionContext = createContext<AdminSessionState | undefined>(undefined)

export const AdminSessionProvider = ({ children }: { children: ReactNode }) => {
  const queryClient = useQueryClient()
  const [state, setState] = useState<State>({ _tag: "checking" })
  const csrfToken = state._tag === "signedIn" ? state.csrfToken : undefined

  const end = useCallback(
    (reason: AdminEndReason) => {
      queryClient.clear()
      setState({ _tag: "signedOut", reason })
    },
    [queryClient]
  )
  const api = useMemo(
    () =>
      makeApiWith(
        window.location.origin,
        csrfToken === undefined ? undefined : HttpClientRequest.setHeader(CSRF_HEADER, csrfToken),
        () => end(csrfToken === undefined ? undefined : "expired")
      ),
    [csrfToken, end]
  )

  // does the cookie of an earlier visit still hold?
  useEffect(() => {
    if (state._tag !== "checking") return
    let live = true
    api
      .run((c) => c.admin.status())
      .then(
        (status) => live && setState({ _tag: "signedIn", admin: status.admin, csrfToken: status.csrfToken }),
        () => live && setState({ _tag: "signedOut", reason: undefined })
      )
    return () => {
      live = false
    }
  }, [state._tag, api])

  const signIn = useCallback(
    async (email: string, password: string) => {
      const session = await api.run((c) => c.adminAuth.login({ payload: { email, password } }))
      queryClient.clear()
      setState({ _tag: "signedIn", admin: session.admin, csrfToken: session.csrfToken })
    },
    [api, queryClient]
  )
  const signOut = useCallback(async () => {
    // the server forgets the session; an already expired one is signed out all the same
    await api
      .run((c) => c.admin.logout())
      .catch((e: unknown) => {
        if (!(e instanceof ApiError) || e.tag !== "Unauthorized") throw e
      })
    end("signedOut")
  }, [api, end])

  const value = useMemo(() => ({ state, api, signIn, signOut }), [state, api, signIn, signOut])
  return <AdminSessionContext.Provider value={value}>{children}</AdminSessionContext.Provider>
}

const useAdminSessionState = () => useProvided(AdminSessionContext, "useAdminSession", "AdminSessionProvider")

/** The session: its state, `signIn`, `signOut`. */
export const useAdminSession = () => useAdminSessionState()

/** The typed API client with this session's CSRF token: `api.run((c) => c.admin.users(...))`. */
export const useAdminApi = (): Api => useAdminSessionState().api
