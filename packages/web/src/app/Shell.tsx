/** The frame around every screen: navigation, the offline banner, sign-out. */
import { useQuery } from "@tanstack/react-query"
import { type ReactNode, useEffect, useState } from "react"
import { Link, useLocation } from "wouter"
import { useT } from "./I18n.js"
import { appMessages } from "./messages.js"
import { useApi, useSession } from "./Session.js"
import { shopInfoQuery } from "./ShopInfo.js"

const useOnline = () => {
  const [online, setOnline] = useState(() => navigator.onLine !== false)
  useEffect(() => {
    const up = () => setOnline(true)
    const down = () => setOnline(false)
    window.addEventListener("online", up)
    window.addEventListener("offline", down)
    return () => {
      window.removeEventListener("online", up)
      window.removeEventListener("offline", down)
    }
  }, [])
  return online
}

const NavLink = ({ href, children }: { href: string; children: ReactNode }) => {
  const [location] = useLocation()
  // a section and the screens under it ("/shop", "/shop/orders"), never a neighbour whose path merely starts alike
  // ("/my" is not current on "/my-shop")
  const current = href === "/" ? location === "/" : location === href || location.startsWith(`${href}/`)
  return (
    <Link href={href} aria-current={current ? "page" : undefined}>
      {children}
    </Link>
  )
}

/** The query key of the unread notifications count: the notifications screen invalidates it on live news. */
export const UNREAD_NOTIFICATIONS_KEY = ["notifications", "unread-count"] as const

const UnreadBadge = () => {
  const t = useT(appMessages)
  const api = useApi()
  const unread = useQuery({
    queryKey: UNREAD_NOTIFICATIONS_KEY,
    queryFn: () => api.run((c) => c.notifications.unreadCount({ urlParams: {} })),
    refetchInterval: 30_000
  })
  const count = unread.data?.unread ?? 0
  return count === 0 ? null : (
    <span className="badge" data-testid="unread-notifications" aria-label={t("unread", { count })}>
      {count > 99 ? "99+" : count}
    </span>
  )
}

/**
 * "Shop" and "My bot shop" (a referral shop sells the catalogue) while the shop is offered (the public `/shop` says
 * so); nothing while it is off or not yet known.
 */
const ShopNavLink = () => {
  const t = useT(appMessages)
  const api = useApi()
  const info = useQuery(shopInfoQuery(api))
  return info.data?.offer.shop === true ? (
    <>
      <NavLink href="/shop">{t("navShop")}</NavLink>
      <NavLink href="/my-shop">{t("navMyShop")}</NavLink>
    </>
  ) : null
}

export const Shell = ({ children }: { children: ReactNode }) => {
  const t = useT(appMessages)
  const { user, signOut } = useSession()
  const online = useOnline()
  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/" className="brand">
          {t("brand")}
        </Link>
        {user === undefined ? null : (
          <nav aria-label={t("mainNav")} className="nav">
            <NavLink href="/">{t("navBrowse")}</NavLink>
            <NavLink href="/my">{t("navMy")}</NavLink>
            <ShopNavLink />
            <NavLink href="/balance">{t("navBalance")}</NavLink>
            <NavLink href="/notifications">
              {t("navNotifications")} <UnreadBadge />
            </NavLink>
            {user.role === "organizer" || user.isAdmin ? <NavLink href="/create">{t("navCreate")}</NavLink> : null}
            <NavLink href="/profile">{t("navProfile")}</NavLink>
          </nav>
        )}
        {user === undefined ? null : (
          <button type="button" className="link-button" onClick={() => signOut()} data-testid="sign-out">
            {t("signOut")}
          </button>
        )}
      </header>
      {online ? null : (
        <p className="offline" role="status">
          {t("offline")}
        </p>
      )}
      <main className="content">{children}</main>
    </div>
  )
}
