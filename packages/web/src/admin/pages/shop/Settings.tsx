/**
 * The shop's settings: name, description, support contact, currency sign, low-stock threshold, default provider markup,
 * referral commission and which parts the bots offer — checked as you type in the administrator's language, the
 * server's refusals shown by their fields; saved at once (the server audits the change).
 */
import { UpdateShopSettings } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { type FormEvent, useState } from "react"
import { ErrorMessage, fieldErrors } from "../../../app/Errors.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { Loading, Screen } from "../../../app/Screen.js"
import { TextField } from "../../../app/TextField.js"
import { useAdminApi } from "../../AdminSession.js"
import { Notice } from "../../Notice.js"
import { messages } from "./messages.js"
import "./shop.css"
import type { ShopSettings } from "./ShopTypes.js"
import { ShopTabs } from "./Tabs.js"

export const SETTINGS_KEY = ["admin-shop-settings"] as const

interface Draft {
  readonly name: string
  readonly description: string
  readonly supportContact: string
  readonly currencyDisplay: string
  readonly lowStockThreshold: string
  readonly defaultMarkupPercent: string
  readonly referralCommissionPercent: string
  readonly groupBuys: boolean
  readonly shop: boolean
}

const draftOf = (s: ShopSettings): Draft => ({
  name: s.name,
  description: s.description,
  supportContact: s.supportContact,
  currencyDisplay: s.currencyDisplay,
  lowStockThreshold: String(s.lowStockThreshold),
  defaultMarkupPercent: String(s.defaultMarkupPercent),
  referralCommissionPercent: String(s.referralCommissionPercent),
  groupBuys: s.offer.groupBuys,
  shop: s.offer.shop
})

/** A percent typed with a point or a comma. */
const number = (text: string) => {
  const cleaned = text.trim().replace(",", ".")
  return /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : undefined
}

type Problem = "errName" | "errCurrency" | "errThreshold" | "errMarkup" | "errCommission" | "errOffer"

const check = (d: Draft): Partial<Record<keyof Draft | "offer", Problem>> => {
  const markup = number(d.defaultMarkupPercent)
  const commission = number(d.referralCommissionPercent)
  return {
    ...(d.name.trim() === "" ? { name: "errName" as const } : {}),
    ...(d.currencyDisplay.trim() === "" ? { currencyDisplay: "errCurrency" as const } : {}),
    ...(/^\d{1,9}$/.test(d.lowStockThreshold.trim()) ? {} : { lowStockThreshold: "errThreshold" as const }),
    ...(markup === undefined || markup > 1000 ? { defaultMarkupPercent: "errMarkup" as const } : {}),
    ...(commission === undefined || commission > 100 ? { referralCommissionPercent: "errCommission" as const } : {}),
    ...(!d.groupBuys && !d.shop ? { offer: "errOffer" as const } : {})
  }
}

const SettingsForm = ({ settings }: { settings: ShopSettings }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const [draft, setDraft] = useState(() => draftOf(settings))
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }))
  const problems = check(draft)
  const save = useMutation({
    mutationFn: () =>
      api.run((c) =>
        c.shopAdmin.updateSettings({
          payload: new UpdateShopSettings({
            name: draft.name.trim(),
            description: draft.description.trim(),
            supportContact: draft.supportContact.trim(),
            currencyDisplay: draft.currencyDisplay.trim(),
            lowStockThreshold: Number(draft.lowStockThreshold.trim()),
            defaultMarkupPercent: number(draft.defaultMarkupPercent)!,
            referralCommissionPercent: number(draft.referralCommissionPercent)!,
            offer: { groupBuys: draft.groupBuys, shop: draft.shop }
          })
        })
      ),
    onSuccess: (saved) => queryClient.setQueryData(SETTINGS_KEY, saved)
  })
  const server = fieldErrors(save.error, language)
  const error = (field: keyof Draft | "offer") => {
    const problem = problems[field]
    return problem === undefined ? server[field] : t(problem)
  }
  const text = (
    field:
      | "name"
      | "supportContact"
      | "currencyDisplay"
      | "lowStockThreshold"
      | "defaultMarkupPercent"
      | "referralCommissionPercent",
    extra: { inputMode?: "numeric" | "decimal"; maxLength?: number } = {}
  ) => (
    <TextField
      id={`settings-${field}`}
      label={t(field)}
      value={draft[field]}
      onChange={(e) => set({ [field]: e.target.value })}
      error={error(field)}
      {...extra}
    />
  )
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (Object.keys(problems).length === 0 && !save.isPending) save.mutate()
  }
  return (
    <form className="card" onSubmit={submit} noValidate aria-label={t("settingsTitle")}>
      {text("name", { maxLength: 100 })}
      <div>
        <label htmlFor="settings-description">{t("shopDescription")}</label>
        <textarea
          id="settings-description"
          rows={3}
          value={draft.description}
          onChange={(e) => set({ description: e.target.value })}
          aria-describedby="settings-description-error"
        />
        <p className="error" id="settings-description-error">
          {server["description"] ?? ""}
        </p>
      </div>
      {text("supportContact")}
      {text("currencyDisplay", { maxLength: 10 })}
      {text("lowStockThreshold", { inputMode: "numeric" })}
      {text("defaultMarkupPercent", { inputMode: "decimal" })}
      {text("referralCommissionPercent", { inputMode: "decimal" })}
      <fieldset aria-describedby="settings-offer-error">
        <legend>{t("offerTitle")}</legend>
        <label className="shop-check">
          <input type="checkbox" checked={draft.groupBuys} onChange={(e) => set({ groupBuys: e.target.checked })} />
          {t("offerGroupBuys")}
        </label>
        <label className="shop-check">
          <input
            type="checkbox"
            checked={draft.shop}
            onChange={(e) => set({ shop: e.target.checked })}
            data-testid="offer-shop"
          />
          {t("offerShop")}
        </label>
        <p className="error" id="settings-offer-error">
          {error("offer") ?? ""}
        </p>
      </fieldset>
      {Object.keys(server).length === 0 ? <ErrorMessage error={save.error} /> : null}
      <Notice text={save.isSuccess ? t("settingsSaved") : undefined} testId="settings-saved" />
      <p>
        <button type="submit" disabled={save.isPending} aria-busy={save.isPending} data-testid="save-settings">
          {save.isPending ? t("saving") : t("save")}
        </button>
      </p>
    </form>
  )
}

const Settings = () => {
  const t = useT(messages)
  const api = useAdminApi()
  const settings = useQuery({ queryKey: SETTINGS_KEY, queryFn: () => api.run((c) => c.shopAdmin.settings()) })
  return (
    <Screen title={t("settingsTitle")}>
      <ShopTabs />
      <p className="hint">{t("settingsIntro")}</p>
      {settings.isPending ? (
        <Loading />
      ) : settings.isError ? (
        <ErrorMessage error={settings.error} />
      ) : (
        <SettingsForm settings={settings.data} />
      )}
    </Screen>
  )
}

export default Settings
