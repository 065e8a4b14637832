/** The transaction journal: every balance change of every user (the ledger), under the payments section. */
import { useT } from "../../../app/I18n.js"
import { Screen } from "../../../app/Screen.js"
import { messages } from "./messages.js"
import { PaymentTabs } from "./Tabs.js"
import { TransactionsGrid } from "./TransactionsGrid.js"

const TransactionJournal = () => {
  const t = useT(messages)
  return (
    <Screen title={t("journalTitle")}>
      <PaymentTabs />
      <TransactionsGrid id="transactions" label={t("journalTitle")} />
    </Screen>
  )
}

export default TransactionJournal
