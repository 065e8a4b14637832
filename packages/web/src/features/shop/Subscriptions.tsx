/**
 * My subscriptions (what providers' products delivered): the credentials, the expiry and the time left, the renewal
 * price; "Renew now" asked first and sent with the expiry shown, so a double click renews once; the auto-renewal
 * switch. A short balance is told the missing amount with a link to the balance screen.
 */
import { AutoRenewBody, type InsufficientBalance, RenewBody, type SubscriptionJson } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useState } from "react"
import { Link } from "wouter"
import {
  ApiError,
  ConfirmAction,
  ErrorMessage,
  QueryView,
  Screen,
  formatDateTime,
  formatMoney,
  useApi,
  useLanguage,
  useSession,
  useT
} from "../../app/index.js"
import { messages } from "./messages.js"
import { useShopMoney } from "./ShopInfo.js"
import "./shop.css"

const KEY = ["shop-subscriptions"] as const

const useTimeLeft = () => {
  const t = useT(messages)
  return (seconds: number) => {
    const days = Math.floor(seconds / 86_400)
    const hours = Math.floor((seconds % 86_400) / 3_600)
    const minutes = Math.floor((seconds % 3_600) / 60)
    return days > 0 ? t("days", { days, hours }) : t("hours", { hours, minutes })
  }
}

/** What a renewal refusal says: the missing amount, the provider's refusal; `undefined` for the shared describer. */
const useRenewRefusal = () => {
  const t = useT(messages)
  const { language } = useLanguage()
  return (error: unknown): string | undefined => {
    if (!(error instanceof ApiError)) return undefined
    if (error.tag === "InsufficientBalance") {
      return t("renewShort", { missing: formatMoney((error.error as InsufficientBalance).missing, language) })
    }
    if (error.tag === "ProviderError") return t("providerRefused")
    return undefined
  }
}

const SubscriptionCard = ({ subscription: s }: { subscription: SubscriptionJson }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useApi()
  const queryClient = useQueryClient()
  const { user } = useSession()
  const timeLeft = useTimeLeft()
  const renewRefusal = useRenewRefusal()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const [refusal, setRefusal] = useState<string | undefined>(undefined)
  const update = (next: SubscriptionJson) =>
    queryClient.setQueryData<ReadonlyArray<SubscriptionJson>>(KEY, (list) =>
      list?.map((x) => (x.id === next.id ? next : x))
    )
  const autoRenew = useMutation({
    mutationFn: (value: boolean) =>
      api.run((c) => c.shopSubscriptions.setAutoRenew({ path: { id: s.id }, payload: new AutoRenewBody({ value }) })),
    onSuccess: (next) => {
      update(next)
      setNotice(t(next.autoRenew ? "autoRenewOn" : "autoRenewOff"))
    }
  })
  const money = useShopMoney()
  const headingId = `subscription-${s.id}`
  return (
    <li className="card" aria-labelledby={headingId} data-subscription-id={s.id} data-status={s.status}>
      <h2 id={headingId}>{s.title}</h2>
      <p>
        {t(s.status)} · {t("expires", { date: formatDateTime(s.expiresAt, language) })}
        {s.status === "ACTIVE" ? <> · {t("left", { time: timeLeft(s.secondsLeft) })}</> : null}
      </p>
      <h3>{t("credentials")}</h3>
      <ol className="shop-items">
        {s.credentials.map((line, i) => (
          <li key={i}>
            <code>{line}</code>
          </li>
        ))}
      </ol>
      {s.status !== "ACTIVE" ? null : (
        <>
          <p className="hint">
            {s.renewalPrice === null
              ? t("notRenewable")
              : t("renewalPrice", { price: money(s.renewalPrice), days: s.periodDays })}
          </p>
          <label className="shop-check">
            <input
              type="checkbox"
              checked={s.autoRenew}
              disabled={autoRenew.isPending}
              onChange={(e) => autoRenew.mutate(e.target.checked)}
              data-testid={`auto-renew-${s.id}`}
            />
            {t("autoRenew")}
          </label>
          <ErrorMessage error={autoRenew.error} />
          {s.renewalPrice === null ? null : (
            <ConfirmAction
              label={t("renew")}
              question={t("renewQuestion", { title: s.title, days: s.periodDays, price: money(s.renewalPrice) })}
              confirmLabel={t("renew")}
              onConfirm={async () => {
                setRefusal(undefined)
                try {
                  const next = await api.run((c) =>
                    c.shopSubscriptions.renewSubscription({
                      path: { id: s.id },
                      // the expiry shown: a second press after it moved charges nothing
                      payload: new RenewBody({ expiresAt: s.expiresAt })
                    })
                  )
                  update(next)
                  setNotice(t("renewed", { title: next.title, date: formatDateTime(next.expiresAt, language) }))
                  if (user !== undefined) await queryClient.invalidateQueries({ queryKey: ["balance", user.id] })
                } catch (error) {
                  const said = renewRefusal(error)
                  if (said === undefined) throw error
                  setRefusal(said)
                }
              }}
              testId={`renew-${s.id}`}
            />
          )}
        </>
      )}
      {refusal === undefined ? null : (
        <p className="error" role="alert">
          {refusal} <Link href="/balance">{t("toBalance")}</Link>
        </p>
      )}
      {notice === undefined ? null : (
        <p className="ok" role="status" data-testid={`subscription-notice-${s.id}`}>
          {notice}
        </p>
      )}
    </li>
  )
}

export default function Subscriptions() {
  const t = useT(messages)
  const api = useApi()
  const subscriptions = useQuery({
    queryKey: KEY,
    queryFn: () => api.run((c) => c.shopSubscriptions.subscriptions({ urlParams: {} }))
  })
  return (
    <Screen title={t("subscriptionsTitle")} actions={<Link href="/shop">{t("toCatalog")}</Link>}>
      <QueryView query={subscriptions} empty={{ when: (list) => list.length === 0, say: t("noSubscriptions") }}>
        {(list) => (
          <ul className="shop-list" data-testid="shop-subscriptions">
            {list.map((s) => (
              <SubscriptionCard key={s.id} subscription={s} />
            ))}
          </ul>
        )}
      </QueryView>
    </Screen>
  )
}
