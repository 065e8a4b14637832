/** The shop section's views — products, orders, settings, providers — as links, so each keeps its own URL state. */
import { Link, useLocation } from "wouter"
import { useT } from "../../../app/I18n.js"
import { messages } from "./messages.js"

export const SHOP_PATH = "/shop"

const TABS = [
  { path: SHOP_PATH, key: "productsTab" },
  { path: `${SHOP_PATH}/orders`, key: "ordersTab" },
  { path: `${SHOP_PATH}/settings`, key: "settingsTab" },
  { path: `${SHOP_PATH}/providers`, key: "providersTab" }
] as const

export const ShopTabs = () => {
  const t = useT(messages)
  const [location] = useLocation()
  const current = (path: string) =>
    path === SHOP_PATH
      ? location === SHOP_PATH || location.startsWith(`${SHOP_PATH}/products`)
      : location === path || location.startsWith(`${path}/`)
  return (
    <nav className="tabs admin-tabs" aria-label={t("tabs")}>
      {TABS.map((tab) => (
        <Link key={tab.path} href={tab.path} className="tab" aria-current={current(tab.path) ? "page" : undefined}>
          {t(tab.key)}
        </Link>
      ))}
    </nav>
  )
}
