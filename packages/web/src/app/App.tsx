/** The cabinet: data cache, session, language, theme, the shell and the routes. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query"
import { type ReactNode, useState } from "react"
import { ApiError } from "./Api.js"
import { LanguageProvider } from "./I18n.js"
import { AppRoutes } from "./Routes.js"
import { SessionProvider, useSession } from "./Session.js"
import { Shell } from "./Shell.js"
import { ThemeProvider } from "./Theme.js"

const makeQueryClient = () =>
  new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // a refusal is an answer: retry only what never got one
        retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.offline),
        refetchOnWindowFocus: true
      }
    }
  })

const WithLanguage = ({ children }: { children: ReactNode }) => {
  const { user } = useSession()
  return <LanguageProvider account={user?.language}>{children}</LanguageProvider>
}

export const App = () => {
  const [queryClient] = useState(makeQueryClient)
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <WithLanguage>
          <ThemeProvider>
            <Shell>
              <AppRoutes />
            </Shell>
          </ThemeProvider>
        </WithLanguage>
      </SessionProvider>
    </QueryClientProvider>
  )
}
