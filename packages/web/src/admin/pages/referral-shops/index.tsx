/**
 * Referral bot shops (issue #15): every shop with its owner, bot, status and figures (sales, revenue, the owner's
 * earnings net of refunds, buyers) and its commission — the shop settings' default or its own. Block / unblock are
 * asked first; a commission of its own is typed (0–100, two decimals) and saved, or reset to the default. The server
 * audits each change; a block stops the shop's bot at once.
 */
import { AdminShopPatchBody, type ReferralShopJson } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { type FormEvent, useMemo, useState } from "react"
import { Link } from "wouter"
import { ErrorMessage } from "../../../app/Errors.js"
import { formatMoney, formatPercent } from "../../../app/Format.js"
import { type Translate, useLanguage, useT } from "../../../app/I18n.js"
import { Screen } from "../../../app/Screen.js"
import { shopInfoQuery } from "../../../app/ShopInfo.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { type GridColumn, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { NO_FILTERS, pageOf } from "../../grid/WholeList.js"
import { Notice } from "../../Notice.js"
import { messages } from "./messages.js"

type Shop = ReferralShopJson
type Words = Translate<keyof (typeof messages)["ru"]>

const PERCENT = /^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/u

const useUpdate = (shop: Shop, onDone: (notice: string) => void, t: Words) => {
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const { language } = useLanguage()
  return useMutation({
    mutationFn: (patch: AdminShopPatchBody) =>
      api.run((c) => c.adminReferralShops.updateReferralShop({ path: { id: shop.id }, payload: patch })),
    onSuccess: async (next, patch) => {
      onDone(
        patch.commissionPercent !== undefined
          ? t("commission_notice", {
              name: next.name,
              percent:
                next.commissionPercent === null ? t("reset") : `${formatPercent(next.commissionPercent, language)}%`
            })
          : t(`${next.status === "blocked" ? "blocked" : next.status === "paused" ? "paused" : "active"}_notice`, {
              name: next.name
            })
      )
      await queryClient.invalidateQueries({ queryKey: ["admin-grid"] })
    }
  })
}

const Commission = ({ shop, onDone }: { shop: Shop; onDone: (notice: string) => void }) => {
  const t = useT(messages)
  const [value, setValue] = useState(shop.commissionPercent === null ? "" : String(Number(shop.commissionPercent)))
  const [tried, setTried] = useState(false)
  const update = useUpdate(shop, onDone, t)
  const typed = value.trim().replace(",", ".")
  const valid = PERCENT.test(typed)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (valid && !update.isPending) update.mutate(new AdminShopPatchBody({ commissionPercent: typed }))
  }
  const errorId = `commission-${shop.id}-error`
  return (
    <form className="row" onSubmit={submit} noValidate aria-label={`${t("percent")}: ${shop.name}`}>
      <input
        aria-label={t("percent")}
        inputMode="decimal"
        size={6}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-invalid={tried && !valid}
        aria-describedby={errorId}
        data-testid={`commission-${shop.id}`}
      />
      <button type="submit" className="secondary" disabled={update.isPending}>
        {t("save")}
      </button>
      {shop.commissionPercent === null ? null : (
        <button
          type="button"
          className="secondary"
          disabled={update.isPending}
          onClick={() => {
            setValue("")
            update.mutate(new AdminShopPatchBody({ commissionPercent: null }))
          }}
        >
          {t("reset")}
        </button>
      )}
      <p className="error" id={errorId}>
        {tried && !valid ? t("badPercent") : ""}
      </p>
      <ErrorMessage error={update.error} />
    </form>
  )
}

const Block = ({ shop, onDone }: { shop: Shop; onDone: (notice: string) => void }) => {
  const t = useT(messages)
  const update = useUpdate(shop, onDone, t)
  if (shop.status === "deleted") return null
  const blocked = shop.status === "blocked"
  return (
    <ConfirmAction
      label={blocked ? t("unblock") : t("block")}
      question={t(blocked ? "unblockQuestion" : "blockQuestion", { name: shop.name })}
      confirmLabel={blocked ? t("unblock") : t("block")}
      danger={!blocked}
      onConfirm={() => update.mutateAsync(new AdminShopPatchBody({ status: blocked ? "active" : "blocked" }))}
      testId={`${blocked ? "unblock" : "block"}-${shop.id}`}
    />
  )
}

const ReferralShops = () => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const info = useQuery(shopInfoQuery(api))
  const fallback = info.data === undefined ? "…" : formatPercent(info.data.referralCommissionPercent, language)
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<Shop>> => [
      {
        id: "shop",
        header: t("shop"),
        cell: (s) => (
          <>
            <strong>{s.name}</strong>
            <div className="hint">{s.username === null ? s.botId : `@${s.username}`}</div>
          </>
        ),
        csv: (s) => s.name
      },
      {
        id: "owner",
        header: t("owner"),
        cell: (s) => <Link href={`/users/${s.ownerId}`}>{s.ownerId.slice(0, 8)}</Link>,
        csv: (s) => s.ownerId
      },
      { id: "status", header: t("status"), cell: (s) => t(s.status), csv: (s) => s.status },
      { id: "sales", header: t("sales"), cell: (s) => String(s.sales), csv: (s) => s.sales },
      {
        id: "revenue",
        header: t("revenue"),
        cell: (s) => formatMoney(s.revenue, language),
        csv: (s) => s.revenue.toString()
      },
      {
        id: "earnings",
        header: t("earnings"),
        cell: (s) => formatMoney(s.earnings, language),
        csv: (s) => s.earnings.toString()
      },
      { id: "buyers", header: t("buyers"), cell: (s) => String(s.buyers), csv: (s) => s.buyers },
      {
        id: "commission",
        header: t("commission"),
        cell: (s) => (
          <>
            <span data-testid={`commission-shown-${s.id}`}>
              {s.commissionPercent === null
                ? t("byDefault", { percent: fallback })
                : t("own", { percent: formatPercent(s.commissionPercent, language) })}
            </span>
            {s.status === "deleted" ? null : <Commission key={s.commissionPercent ?? ""} shop={s} onDone={setNotice} />}
          </>
        ),
        csv: (s) => s.commissionPercent ?? ""
      },
      { id: "actions", header: t("actions"), cell: (s) => <Block shop={s} onDone={setNotice} /> }
    ],
    [t, language, fallback]
  )
  const fetchPage = (q: GridQuery) => api.run((c) => c.adminReferralShops.referralShops()).then((all) => pageOf(all, q))
  return (
    <Screen title={t("title")}>
      <p className="hint">{t("intro", { percent: fallback })}</p>
      <Notice text={notice} testId="referral-shops-notice" />
      <ServerGrid
        id="referral-shops"
        label={t("title")}
        columns={columns}
        filters={NO_FILTERS}
        rowKey={(s) => s.id}
        rowData={(s) => ({ "data-shop-id": s.id, "data-status": s.status })}
        fetchPage={fetchPage}
      />
    </Screen>
  )
}

export default ReferralShops
