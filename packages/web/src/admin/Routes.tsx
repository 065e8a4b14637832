/**
 * The admin panel's sections. Each page is its own lazily loaded chunk; the list is also the navigation, so a new
 * section is one row here and one folder in `pages/`.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from "react"
import { Link } from "wouter"
import { useT } from "../app/I18n.js"
import { RouteSwitch } from "../app/RouteSwitch.js"
import { Screen } from "../app/Screen.js"
import { adminMessages } from "./messages.js"

type NavKey =
  | "navDashboard"
  | "navUsers"
  | "navProcurements"
  | "navPayments"
  | "navCategories"
  | "navMessages"
  | "navNotifications"
  | "navChannels"
  | "navBots"
  | "navAudit"
  | "navRoleRequests"
  | "navWithdrawals"
  | "navShop"
  | "navReferralShops"

export interface Section {
  readonly path: string
  readonly nav: NavKey
  readonly page: LazyExoticComponent<ComponentType>
}

/** The sections in the navigation, in order. */
export const SECTIONS: ReadonlyArray<Section> = [
  { path: "/", nav: "navDashboard", page: lazy(() => import("./pages/dashboard/index.js")) },
  { path: "/users", nav: "navUsers", page: lazy(() => import("./pages/users/index.js")) },
  { path: "/procurements", nav: "navProcurements", page: lazy(() => import("./pages/procurements/index.js")) },
  { path: "/payments", nav: "navPayments", page: lazy(() => import("./pages/payments/index.js")) },
  { path: "/categories", nav: "navCategories", page: lazy(() => import("./pages/categories/index.js")) },
  { path: "/messages", nav: "navMessages", page: lazy(() => import("./pages/messages/index.js")) },
  { path: "/notifications", nav: "navNotifications", page: lazy(() => import("./pages/notifications/index.js")) },
  { path: "/channels", nav: "navChannels", page: lazy(() => import("./pages/channels/index.js")) },
  { path: "/bots", nav: "navBots", page: lazy(() => import("./pages/bots/index.js")) },
  { path: "/audit", nav: "navAudit", page: lazy(() => import("./pages/audit/index.js")) },
  { path: "/role-requests", nav: "navRoleRequests", page: lazy(() => import("./pages/roles/index.js")) },
  { path: "/withdrawals", nav: "navWithdrawals", page: lazy(() => import("./pages/withdrawals/index.js")) },
  { path: "/shop", nav: "navShop", page: lazy(() => import("./pages/shop/index.js")) },
  { path: "/referral-shops", nav: "navReferralShops", page: lazy(() => import("./pages/referral-shops/index.js")) }
]

/** Pages under a section (a user's page, a procurement's page): not in the navigation. */
const DETAILS: ReadonlyArray<{ readonly path: string; readonly page: LazyExoticComponent<ComponentType> }> = [
  { path: "/users/:id", page: lazy(() => import("./pages/users/UserPage.js")) },
  { path: "/procurements/:id", page: lazy(() => import("./pages/procurements/ProcurementPage.js")) },
  { path: "/payments/transactions", page: lazy(() => import("./pages/payments/Transactions.js")) },
  { path: "/shop/products/:id", page: lazy(() => import("./pages/shop/ProductPage.js")) },
  { path: "/shop/orders", page: lazy(() => import("./pages/shop/Orders.js")) },
  { path: "/shop/orders/:id", page: lazy(() => import("./pages/shop/OrderPage.js")) },
  { path: "/shop/settings", page: lazy(() => import("./pages/shop/Settings.js")) },
  { path: "/shop/providers", page: lazy(() => import("./pages/shop/Providers.js")) }
]

const NotFound = () => {
  const t = useT(adminMessages)
  return (
    <Screen title={t("notFoundTitle")}>
      <Link href="/">{t("notFoundBack")}</Link>
    </Screen>
  )
}

export const AdminRoutes = () => (
  <RouteSwitch routes={[...DETAILS, ...SECTIONS]} render={({ page: Page }) => <Page />} notFound={<NotFound />} />
)
