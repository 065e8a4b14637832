/** One of my orders: its lines, total, status and what it delivered (the items, one per line). */
import { OrderId } from "@groupbuy/core/api"
import { useQuery } from "@tanstack/react-query"
import { Option, Schema } from "effect"
import { Link, useParams } from "wouter"
import { ApiError, ErrorMessage, Loading, Screen, formatDateTime, useApi, useLanguage, useT } from "../../app/index.js"
import { messages } from "./messages.js"
import { useShopMoney } from "./ShopInfo.js"
import { linesText } from "./Orders.js"
import { Delivery } from "./Product.js"

export default function Order() {
  const t = useT(messages)
  const { language } = useLanguage()
  const money = useShopMoney()
  const api = useApi()
  const params = useParams<{ id: string }>()
  const id = Option.getOrUndefined(Schema.decodeUnknownOption(OrderId)(params.id))
  const order = useQuery({
    queryKey: ["shop-orders", params.id],
    queryFn: () => api.run((c) => c.shop.order({ path: { id: id! }, urlParams: {} })),
    enabled: id !== undefined
  })
  const back = <Link href="/shop/orders">{t("myOrders")}</Link>
  if (id === undefined || order.isError) {
    return (
      <Screen title={t("ordersTitle")} actions={back}>
        <ErrorMessage error={order.error ?? new ApiError("NotFound", {})} />
      </Screen>
    )
  }
  if (order.isPending) return <Loading />
  const { order: o } = order.data
  return (
    <Screen title={t("orderTitle", { number: o.number })} actions={back}>
      <dl className="params" data-testid="shop-order" data-status={o.status}>
        <dt>{t("date")}</dt>
        <dd>{formatDateTime(o.createdAt, language)}</dd>
        <dt>{t("lines")}</dt>
        <dd>{linesText(o)}</dd>
        <dt>{t("sum")}</dt>
        <dd>{money(o.total)}</dd>
        <dt>{t("status")}</dt>
        <dd>{t(o.status)}</dd>
      </dl>
      {o.note === null ? null : <p className="hint">{t("note", { note: o.note })}</p>}
      <h2>{t("delivery")}</h2>
      <Delivery order={order.data} />
    </Screen>
  )
}
