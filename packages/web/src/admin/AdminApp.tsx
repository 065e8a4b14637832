/** The admin panel at `/admin-panel/`: data cache, the administrator's session, language, theme, the frame and the sections. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query"
import { useState } from "react"
import { Router } from "wouter"
import { ApiError } from "../app/Api.js"
import { LanguageProvider } from "../app/I18n.js"
import { Loading } from "../app/Screen.js"
import { ThemeProvider } from "../app/Theme.js"
import { AdminSessionProvider, useAdminSession } from "./AdminSession.js"
import { AdminRoutes } from "./Routes.js"
import { AdminShell } from "./Shell.js"
import { SignIn } from "./SignIn.js"

/** Where the panel is served; its routes are relative to it. */
export const ADMIN_BASE = "/admin-panel"

const makeQueryClient = () =>
  new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.offline),
        refetchOnWindowFocus: true
      }
    }
  })

const Gate = () => {
  const { state } = useAdminSession()
  switch (state._tag) {
    case "checking":
      return (
        <AdminShell admin={undefined}>
          <Loading />
        </AdminShell>
      )
    case "signedOut":
      return (
        <AdminShell admin={undefined}>
          <SignIn reason={state.reason} />
        </AdminShell>
      )
    case "signedIn":
      return (
        <AdminShell admin={state.admin}>
          <AdminRoutes />
        </AdminShell>
      )
  }
}

export const AdminApp = () => {
  const [queryClient] = useState(makeQueryClient)
  return (
    <QueryClientProvider client={queryClient}>
      <AdminSessionProvider>
        <LanguageProvider account={undefined}>
          <ThemeProvider>
            <Router base={ADMIN_BASE}>
              <Gate />
            </Router>
          </ThemeProvider>
        </LanguageProvider>
      </AdminSessionProvider>
    </QueryClientProvider>
  )
}
