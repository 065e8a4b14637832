/**
 * Buying a product: its card (price, availability), the quantity (checked as typed), the confirmation with the total
 * and the balance, then what was delivered — the DIGITAL items, one per line. Each purchase attempt has its own
 * Idempotency-Key, kept while the request may be repeated, so a double click buys once. When the balance is short, the
 * server's missing amount is offered as a deposit (the balance screen's form, its payment page in a new tab); the
 * balance is watched, and once it covers the total the same confirmation buys.
 */
import {
  type CatalogProductJson,
  type InsufficientBalance,
  MAX_ORDER_QUANTITY,
  type OwnOrderJson,
  ProductId,
  PurchaseBody
} from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { Option, Schema } from "effect"
import { useState } from "react"
import { Link, useParams } from "wouter"
import {
  ApiError,
  ErrorMessage,
  Loading,
  Screen,
  formatDateTime,
  useApi,
  useLanguage,
  useSession,
  useT,
  type SessionUser,
  type Translate
} from "../../app/index.js"
import { DepositForm } from "../balance/index.js"
import { messages } from "./messages.js"
import { useShopMoney } from "./ShopInfo.js"
import "./shop.css"

const newKey = () => crypto.randomUUID()

/** The account's balance under the balance screen's key, so its deposit refreshes it here too. */
const useBalance = (userId: SessionUser["id"], watch: boolean) => {
  const api = useApi()
  return useQuery({
    queryKey: ["balance", userId],
    queryFn: () => api.run((c) => c.payments.balance({ path: { id: userId } })),
    refetchInterval: watch ? 3_000 : false
  })
}

/** A refusal of the purchase in the buyer's words; `undefined` for one the shared describer says better. */
const refusal = (error: unknown, t: Translate<keyof typeof messages.ru>): string | undefined => {
  if (!(error instanceof ApiError)) return undefined
  const e = error.error as Record<string, unknown>
  switch (error.tag) {
    case "OutOfStock":
      return t("outOfStock", { available: String(e["available"]) })
    case "ProductGone":
      return t("gone")
    case "UnknownProduct":
      return t("unknown")
    case "PurchaseInvalid":
      return typeof e["message"] === "string" ? e["message"] : t("quantityInvalid", { max: MAX_ORDER_QUANTITY })
    default:
      return undefined
  }
}

/** What the purchase delivered: the items one per line, the provider's expiry, or that it failed and was refunded. */
export const Delivery = ({ order }: { order: OwnOrderJson }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const { delivery } = order
  if (order.order.status === "FAILED") return <p className="error">{t("failed", { number: order.order.number })}</p>
  if (delivery === null || delivery.items.length === 0) return <p className="hint">{t("noDelivery")}</p>
  return (
    <>
      <ol className="shop-items" data-testid="delivered-items">
        {delivery.items.map((item, i) => (
          <li key={i}>
            <code>{item}</code>
          </li>
        ))}
      </ol>
      {delivery.expiresAt === null ? null : (
        <p className="hint">{t("expiresAt", { date: formatDateTime(delivery.expiresAt, language) })}</p>
      )}
      {delivery.subscriptionId === null ? null : (
        <p>
          <Link href="/shop/subscriptions">{t("mySubscriptions")}</Link>
        </p>
      )}
    </>
  )
}

const Purchase = ({ product }: { product: CatalogProductJson }) => {
  const t = useT(messages)
  const api = useApi()
  const queryClient = useQueryClient()
  const { user } = useSession()
  const userId = user!.id
  const [quantityText, setQuantityText] = useState("1")
  const [step, setStep] = useState<"quantity" | "confirm">("quantity")
  // one key per attempt: repeated while the same attempt may be retried, a new one once it is settled
  const [key, setKey] = useState(newKey)
  const quantity = /^\d{1,3}$/.test(quantityText.trim()) ? Number(quantityText.trim()) : NaN
  const quantityValid = Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_ORDER_QUANTITY
  const total = quantityValid ? product.price * BigInt(quantity) : 0n
  const money = useShopMoney()
  const purchase = useMutation({
    mutationFn: () =>
      api.run((c) =>
        c.shop.purchase({
          payload: new PurchaseBody({ productId: product.id, quantity }),
          headers: { "idempotency-key": key }
        })
      ),
    onSuccess: async () => {
      setKey(newKey())
      await queryClient.invalidateQueries({ queryKey: ["balance", userId] })
      await queryClient.invalidateQueries({ queryKey: ["shop-products"] })
      await queryClient.invalidateQueries({ queryKey: ["shop-product", product.id] })
      await queryClient.invalidateQueries({ queryKey: ["shop-orders"] })
    },
    onError: () => setKey(newKey())
  })
  const short =
    purchase.error instanceof ApiError && purchase.error.tag === "InsufficientBalance"
      ? (purchase.error.error as InsufficientBalance)
      : undefined
  const balance = useBalance(userId, short !== undefined)
  const covered = short !== undefined && balance.data !== undefined && balance.data.balance >= total

  if (purchase.data !== undefined) {
    const order = purchase.data
    return (
      <section
        className="card"
        aria-labelledby="delivered-title"
        data-testid="purchase-done"
        data-order-id={order.order.id}
      >
        <h2 id="delivered-title" role="status">
          {t("delivered", { number: order.order.number })}
        </h2>
        {order.delivery !== null && order.delivery.items.length > 0 ? (
          <>
            <h3>{t("deliveredItems")}</h3>
            <Delivery order={order} />
            <p className="hint">{t("deliveredHint")}</p>
          </>
        ) : (
          <Delivery order={order} />
        )}
        <p className="row">
          <Link href={`/shop/orders/${order.order.id}`}>{t("openOrder")}</Link>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              purchase.reset()
              setStep("quantity")
            }}
          >
            {t("buyMore")}
          </button>
        </p>
      </section>
    )
  }

  if (step === "quantity") {
    return (
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault()
          if (quantityValid) {
            purchase.reset()
            setStep("confirm")
          }
        }}
      >
        <label htmlFor="shop-quantity">{t("quantity")}</label>
        <input
          id="shop-quantity"
          className="shop-quantity"
          inputMode="numeric"
          value={quantityText}
          onChange={(e) => setQuantityText(e.target.value)}
          aria-invalid={!quantityValid}
          aria-describedby="shop-quantity-error"
        />
        <p className="error" id="shop-quantity-error">
          {quantityValid ? "" : t("quantityInvalid", { max: MAX_ORDER_QUANTITY })}
        </p>
        {quantityValid ? <p data-testid="shop-total">{t("total", { total: money(total) })}</p> : null}
        <p>
          <button type="submit" disabled={!quantityValid || product.available === 0} data-testid="shop-next">
            {t("next")}
          </button>
        </p>
      </form>
    )
  }

  const refused = refusal(purchase.error, t)
  return (
    <>
      <section className="card" aria-labelledby="confirm-title" data-testid="shop-confirm">
        <h2 id="confirm-title">{t("confirmTitle")}</h2>
        <p>{t("confirmText", { title: product.title, quantity, total: money(total) })}</p>
        {balance.data === undefined ? null : (
          <p className="hint" data-testid="shop-balance" data-kopecks={String(balance.data.balance)}>
            {t("onBalance", { balance: money(balance.data.balance) })}
          </p>
        )}
        {covered ? (
          <p className="ok" role="status" data-testid="shop-covered">
            {t("topUpReady")}
          </p>
        ) : null}
        {refused !== undefined ? (
          <p className="error" role="alert" data-testid="shop-refused">
            {refused}
          </p>
        ) : short === undefined ? (
          <ErrorMessage error={purchase.error} />
        ) : null}
        <p className="row">
          <button type="button" className="secondary" onClick={() => setStep("quantity")} disabled={purchase.isPending}>
            {t("back")}
          </button>
          <button
            type="button"
            onClick={() => {
              if (!purchase.isPending) purchase.mutate()
            }}
            disabled={purchase.isPending}
            aria-busy={purchase.isPending}
            data-testid="shop-buy"
          >
            {purchase.isPending ? t("buying") : t("buy")}
          </button>
        </p>
      </section>
      {short === undefined || covered ? null : (
        <section
          className="card"
          aria-labelledby="missing-title"
          data-testid="shop-missing"
          data-missing={String(short.missing)}
        >
          <h2 id="missing-title">{t("missingTitle")}</h2>
          <p role="alert">
            {t("missing", {
              missing: money(short.missing),
              needed: money(short.needed),
              available: money(short.available)
            })}
          </p>
          <DepositForm key={String(short.missing)} userId={userId} initialAmount={short.missing} newTab />
        </section>
      )}
    </>
  )
}

export default function ProductScreen() {
  const t = useT(messages)
  const money = useShopMoney()
  const api = useApi()
  const params = useParams<{ id: string }>()
  const id = Option.getOrUndefined(Schema.decodeUnknownOption(ProductId)(params.id))
  const product = useQuery({
    queryKey: ["shop-product", params.id],
    queryFn: () => api.run((c) => c.shopCatalog.product({ path: { id: id! } })),
    enabled: id !== undefined
  })
  const back = (
    <Link href={product.data?.categoryId ? `/shop?category=${product.data.categoryId}` : "/shop"}>
      {t("toCatalog")}
    </Link>
  )
  if (id === undefined || product.isError) {
    return (
      <Screen title={t("title")}>
        <ErrorMessage error={product.error ?? new ApiError("NotFound", {})} />
        {back}
      </Screen>
    )
  }
  if (product.isPending) return <Loading />
  const p = product.data
  return (
    <Screen title={p.title} actions={back}>
      {p.description === "" ? null : <p>{p.description}</p>}
      <p data-testid="shop-product" data-available={p.available}>
        <strong>{t("perUnit", { price: money(p.price) })}</strong> ·{" "}
        {p.available > 0 ? t("available", { count: p.available }) : t("soldOut")}
        {p.periodDays === null ? null : <> · {t("periodDays", { days: p.periodDays })}</>}
      </p>
      {p.isActive ? <Purchase product={p} /> : <p className="error">{t("notSold")}</p>}
    </Screen>
  )
}
