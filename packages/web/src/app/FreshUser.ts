/**
 * The signed-in account as the server has it now. The session keeps the account it signed in with, but an
 * administrator may change the role meanwhile (a role request approved): screens that depend on the role read the
 * account again and bring the session up to date, so the new role counts without signing in again.
 */
import { useQuery } from "@tanstack/react-query"
import { useEffect } from "react"
import { useApi, useSession } from "./Session.js"

export const useFreshUser = () => {
  const api = useApi()
  const { user, setUser } = useSession()
  const me = useQuery({
    queryKey: ["me", user?.id],
    enabled: user !== undefined,
    queryFn: () => api.run((c) => c.users.me())
  })
  const fresh = me.data
  useEffect(() => {
    if (fresh !== undefined && user !== undefined && (fresh.role !== user.role || fresh.isAdmin !== user.isAdmin))
      setUser(fresh)
  }, [fresh, user, setUser])
  return { user: fresh ?? user, query: me }
}
