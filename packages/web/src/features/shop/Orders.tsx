/** My orders: number, date, products, total and status, newest first, each opening its page with its delivery. */
import type { OrderJson } from "@groupbuy/core/api"
import { useQuery } from "@tanstack/react-query"
import { useMemo } from "react"
import { Link } from "wouter"
import {
  DataTable,
  QueryView,
  Screen,
  formatDateTime,
  useApi,
  useLanguage,
  useT,
  type DataColumn
} from "../../app/index.js"
import { messages } from "./messages.js"
import { useShopMoney } from "./ShopInfo.js"

export const linesText = (order: OrderJson) => order.lines.map((l) => `${l.title} × ${l.quantity}`).join(", ")

export default function Orders() {
  const t = useT(messages)
  const { language } = useLanguage()
  const money = useShopMoney()
  const api = useApi()
  const orders = useQuery({
    queryKey: ["shop-orders"],
    queryFn: () => api.run((c) => c.shop.orders({ urlParams: { limit: 100 } }))
  })
  const columns = useMemo(
    (): ReadonlyArray<DataColumn<OrderJson>> => [
      { id: "number", header: t("number"), cell: (o) => <Link href={`/shop/orders/${o.id}`}>№{o.number}</Link> },
      { id: "date", header: t("date"), cell: (o) => formatDateTime(o.createdAt, language) },
      { id: "lines", header: t("lines"), cell: linesText },
      { id: "sum", header: t("sum"), numeric: true, cell: (o) => money(o.total) },
      { id: "status", header: t("status"), cell: (o) => t(o.status) }
    ],
    [t, language, money]
  )
  return (
    <Screen title={t("ordersTitle")} actions={<Link href="/shop">{t("toCatalog")}</Link>}>
      <QueryView query={orders} empty={{ when: (d) => d.items.length === 0, say: t("noOrders") }}>
        {({ items }) => (
          <DataTable
            label={t("ordersTitle")}
            testId="shop-orders"
            rows={items}
            rowKey={(o) => o.id}
            columns={columns}
            rowData={(o) => ({ "data-order-id": o.id, "data-status": o.status })}
          />
        )}
      </QueryView>
    </Screen>
  )
}
