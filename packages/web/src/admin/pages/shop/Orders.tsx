/**
 * The shop's orders: a server-paged grid filtered by status, buyer and creation day (newest first unless ordered
 * otherwise), each linking to its page; what an order delivered is never listed.
 */
import { UserId } from "@groupbuy/core/api"
import { useMemo } from "react"
import { Link } from "wouter"
import { formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import { chosen, dayBound, sortOrder, typedId } from "../../grid/Choice.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { messages } from "./messages.js"
import { linesText, ORDER_STATUSES, type OrderRow } from "./ShopTypes.js"
import { SHOP_PATH, ShopTabs } from "./Tabs.js"

const SORTABLE = ["createdAt", "number", "total", "status"] as const

const Orders = () => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const statusOptions = useMemo(() => ORDER_STATUSES.map((s) => ({ value: s, label: t(s) })), [t])
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<OrderRow>> => [
      {
        id: "number",
        header: t("number"),
        sortKey: "number",
        cell: (o) => <Link href={`${SHOP_PATH}/orders/${o.id}`}>№{o.number}</Link>,
        csv: (o) => o.number
      },
      {
        id: "buyer",
        header: t("buyer"),
        cell: (o) => <Link href={`/users/${o.buyerId}`}>{o.buyerId.slice(0, 8)}</Link>,
        csv: (o) => o.buyerId
      },
      { id: "lines", header: t("lines"), cell: linesText, csv: linesText },
      {
        id: "total",
        header: t("total"),
        sortKey: "total",
        numeric: true,
        cell: (o) => formatMoney(o.total, language),
        csv: (o) => o.total.toString()
      },
      { id: "status", header: t("status"), sortKey: "status", cell: (o) => t(o.status), csv: (o) => o.status },
      dateTimeColumn(
        { id: "createdAt", header: t("createdAt"), sortKey: "createdAt", at: (o) => o.createdAt },
        language
      )
    ],
    [t, language]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [
      { kind: "select", id: "status", label: t("status"), options: statusOptions },
      { kind: "text", id: "buyerId", label: t("buyerId") },
      { kind: "date", id: "from", label: t("from") },
      { kind: "date", id: "to", label: t("to") }
    ],
    [t, statusOptions]
  )
  const fetchPage = (q: GridQuery) => {
    const status = chosen(statusOptions, q.filters.status)
    const buyerId = typedId(UserId, q.filters.buyerId, t("buyerId"))
    const from = dayBound(q.filters.from, "start", t("from"))
    const to = dayBound(q.filters.to, "end", t("to"))
    const sort = sortOrder(SORTABLE, q.sort)
    return api.run((c) =>
      c.shopAdmin.orders({
        urlParams: {
          offset: q.offset,
          limit: q.limit,
          ...(status === undefined ? {} : { status }),
          ...(buyerId === undefined ? {} : { buyerId }),
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          ...(sort === undefined ? {} : { sort })
        }
      })
    )
  }
  return (
    <Screen title={t("ordersTitle")}>
      <ShopTabs />
      <p className="hint">{t("ordersIntro")}</p>
      <ServerGrid
        id="shop-orders"
        label={t("ordersTitle")}
        columns={columns}
        filters={filters}
        rowKey={(o) => o.id}
        rowData={(o) => ({ "data-order-id": o.id, "data-status": o.status })}
        fetchPage={fetchPage}
      />
    </Screen>
  )
}

export default Orders
