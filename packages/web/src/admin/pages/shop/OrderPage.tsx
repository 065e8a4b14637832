/**
 * An order's page (`/shop/orders/:id`): number, buyer (with their balance), status, lines, total, the shop bot, when it
 * was delivered or refunded and why — never what it delivered (only the buyer sees that) — and the refund, asked
 * first; the confirmation runs once, and the server moves the money once however often it is asked.
 */
import { OrderId, RefundOrderBody } from "@groupbuy/core/api"
import { useQuery, useQueryClient } from "@tanstack/react-query"
import { Option, Schema } from "effect"
import { useState } from "react"
import { Link, useParams } from "wouter"
import { ApiError } from "../../../app/Api.js"
import { DataTable } from "../../../app/DataTable.js"
import { ErrorMessage } from "../../../app/Errors.js"
import { formatDateTime, formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { Loading, Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { Notice } from "../../Notice.js"
import { Params } from "../../Params.js"
import { fullName } from "../users/Labels.js"
import { messages } from "./messages.js"
import type { OrderRow } from "./ShopTypes.js"
import { SHOP_PATH, ShopTabs } from "./Tabs.js"

type Line = OrderRow["lines"][number]

const Refund = ({ order, buyer, onDone }: { order: OrderRow; buyer: string; onDone: (o: OrderRow) => void }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const [reason, setReason] = useState("")
  if (order.status !== "PAID" && order.status !== "DELIVERED") return null
  return (
    <ConfirmAction
      label={t("refund")}
      danger
      question={
        <>
          {t("refundQuestion", { total: formatMoney(order.total, language), buyer, number: order.number })}
          <label className="field">
            <span>{t("refundReason")}</span>
            <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </label>
        </>
      }
      confirmLabel={t("refund")}
      onConfirm={async () => {
        const refunded = await api.run((c) =>
          c.shopAdmin.refundOrder({
            path: { id: order.id },
            payload: new RefundOrderBody(reason.trim() === "" ? {} : { reason: reason.trim() })
          })
        )
        onDone(refunded)
      }}
      testId="refund-order"
    />
  )
}

const OrderPage = () => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const params = useParams<{ id: string }>()
  const id = Option.getOrUndefined(Schema.decodeUnknownOption(OrderId)(params.id))
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const key = ["admin-shop-order", params.id] as const
  const order = useQuery({
    queryKey: key,
    queryFn: () => api.run((c) => c.shopAdmin.order({ path: { id: id! } })),
    enabled: id !== undefined
  })
  const buyerId = order.data?.buyerId
  const buyer = useQuery({
    queryKey: ["admin-user", buyerId],
    queryFn: () => api.run((c) => c.admin.user({ path: { id: buyerId! } })),
    enabled: buyerId !== undefined
  })
  const money = (k: bigint) => formatMoney(k, language)
  const title = order.data === undefined ? t("ordersTab") : t("orderTitle", { number: order.data.number })
  return (
    <Screen title={title}>
      <ShopTabs />
      <Link href={`${SHOP_PATH}/orders`}>{t("ordersTab")}</Link>
      {id === undefined ? (
        <ErrorMessage error={new ApiError("NotFound", {})} />
      ) : order.isPending ? (
        <Loading />
      ) : order.isError ? (
        <ErrorMessage error={order.error} />
      ) : (
        <>
          <Notice text={notice} testId="order-notice" />
          <div data-testid="order-detail" data-status={order.data.status}>
            <Params
              testId="order-params"
              rows={[
                [
                  t("buyer"),
                  <Link key="buyer" href={`/users/${order.data.buyerId}`}>
                    {buyer.data === undefined ? order.data.buyerId : fullName(buyer.data.user)}
                  </Link>
                ],
                [t("status"), t(order.data.status)],
                [t("sum"), money(order.data.total)],
                [t("createdAt"), formatDateTime(order.data.createdAt, language)],
                [
                  t("deliveredAt"),
                  order.data.deliveredAt === null ? "" : formatDateTime(order.data.deliveredAt, language)
                ],
                [
                  t("refundedAt"),
                  order.data.refundedAt === null ? "" : formatDateTime(order.data.refundedAt, language)
                ],
                [t("shopBot"), order.data.shopBotId ?? t("mainBots")],
                [t("note"), order.data.note ?? ""]
              ]}
            />
          </div>
          <h2>{t("orderLines")}</h2>
          <DataTable<Line>
            label={t("orderLines")}
            testId="order-lines"
            rows={order.data.lines}
            rowKey={(l) => l.productId}
            columns={[
              {
                id: "title",
                header: t("title"),
                cell: (l) => <Link href={`${SHOP_PATH}/products/${l.productId}`}>{l.title}</Link>
              },
              { id: "kind", header: t("kind"), cell: (l) => t(l.kind) },
              { id: "quantity", header: t("quantity"), numeric: true, cell: (l) => l.quantity },
              { id: "unitPrice", header: t("unitPrice"), numeric: true, cell: (l) => money(l.unitPrice) },
              { id: "sum", header: t("sum"), numeric: true, cell: (l) => money(l.unitPrice * BigInt(l.quantity)) }
            ]}
          />
          <h2>{t("delivery")}</h2>
          <p className="hint">{t("deliveryHidden")}</p>
          <Refund
            order={order.data}
            buyer={buyer.data === undefined ? order.data.buyerId : fullName(buyer.data.user)}
            onDone={(refunded) => {
              queryClient.setQueryData(key, refunded)
              setNotice(t("refunded", { number: refunded.number, total: money(refunded.total) }))
              void queryClient.invalidateQueries({ queryKey: ["admin-grid"] })
              void queryClient.invalidateQueries({ queryKey: ["admin-user", refunded.buyerId] })
            }}
          />
        </>
      )}
    </Screen>
  )
}

export default OrderPage
