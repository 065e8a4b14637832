/** The payments section's two views, payments and the transaction journal: links, so each keeps its own URL state. */
import { Link, useLocation } from "wouter"
import { useT } from "../../../app/I18n.js"
import { messages } from "./messages.js"

export const PAYMENTS_PATH = "/payments"
export const JOURNAL_PATH = "/payments/transactions"

export const PaymentTabs = () => {
  const t = useT(messages)
  const [location] = useLocation()
  const tab = (path: string, label: string) => (
    <Link href={path} className="tab" aria-current={location === path ? "page" : undefined}>
      {label}
    </Link>
  )
  return (
    <nav className="tabs admin-tabs" aria-label={t("tabs")}>
      {tab(PAYMENTS_PATH, t("paymentsTab"))}
      {tab(JOURNAL_PATH, t("journalTab"))}
    </nav>
  )
}
