/**
 * My bot shop (issue #15): the user's referral bot shops with their figures (sales, revenue, earnings net of refunds,
 * buyers), the commission, pause / resume and delete (asked first), and a form that opens a shop from a bot token —
 * the server asks the platform who the token belongs to, so a wrong token or one already connected is said next to
 * the token field in the user's language, with everything typed kept. The create button is disabled while the
 * request runs, so a double click opens one shop. Earnings are on the balance, withdrawn from the Balance screen.
 */
import { OpenReferralShopBody, OwnerShopStatusBody, type ReferralShopJson } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { Redacted } from "effect"
import { type FormEvent, useState } from "react"
import { Link } from "wouter"
import {
  BOT_PLATFORM_OPTIONS,
  ConfirmAction,
  ErrorMessage,
  QueryView,
  Screen,
  SelectField,
  TextField,
  fieldErrors,
  ruleRefusal,
  formatMoney,
  formatPercent,
  useApi,
  useLanguage,
  useSession,
  useT,
  type BotPlatform,
  type SessionUser,
  type Translate
} from "../../app/index.js"
import { useShopInfo } from "../shop/ShopInfo.js"
import "../shop/shop.css"
import { messages } from "./messages.js"
import "./myshop.css"

type Shop = ReferralShopJson
type Platform = BotPlatform
type Words = Translate<keyof (typeof messages)["ru"]>

const shopsKey = (userId: SessionUser["id"]) => ["my-shops", userId] as const

/** Where buyers find the shop's bot: its Telegram link, or its name. */
const BotLink = ({ shop }: { shop: Shop }) =>
  shop.username === null ? (
    <>{shop.botId}</>
  ) : shop.platform === "telegram" ? (
    <a href={`https://t.me/${shop.username}`} target="_blank" rel="noreferrer">
      @{shop.username}
    </a>
  ) : (
    <>@{shop.username}</>
  )

const CreateShop = ({ user, onCreated }: { user: SessionUser; onCreated: (shop: Shop) => void }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useApi()
  const [platform, setPlatform] = useState<Platform>("telegram")
  const [name, setName] = useState("")
  const [greeting, setGreeting] = useState("")
  const [token, setToken] = useState("")
  const [tried, setTried] = useState(false)
  const open = useMutation({
    mutationFn: () =>
      api.run((c) =>
        c.referralShops.openShop({
          path: { id: user.id },
          payload: new OpenReferralShopBody({
            platform,
            name: name.trim(),
            greeting: greeting.trim(),
            token: Redacted.make(token.trim())
          })
        })
      ),
    onSuccess: (shop) => {
      setName("")
      setGreeting("")
      setToken("")
      setTried(false)
      onCreated(shop)
    }
  })
  const local: Record<string, string> = {}
  if (name.trim().length < 1 || name.trim().length > 100) local["name"] = t("nameRequired")
  if (greeting.trim().length > 1000) local["greeting"] = t("greetingTooLong")
  if (token.trim() === "") local["token"] = t("tokenRequired")
  const server = fieldErrors(open.error, language)
  const refused = ruleRefusal(open.error, language)
  const errorOf = (field: string) => (tried ? local[field] : undefined) ?? server[field]
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (Object.keys(local).length === 0 && !open.isPending) open.mutate()
  }
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="myshop-create-title">
      <h2 id="myshop-create-title">{t("createTitle")}</h2>
      <p className="hint">{t("howToken")}</p>
      <SelectField<Platform>
        id="myshop-platform"
        label={t("platform")}
        value={platform}
        options={BOT_PLATFORM_OPTIONS}
        onChange={setPlatform}
      />
      <TextField
        id="myshop-name"
        label={t("name")}
        value={name}
        maxLength={100}
        onChange={(e) => setName(e.target.value)}
        error={errorOf("name")}
      />
      <TextField
        id="myshop-greeting"
        label={t("greeting")}
        value={greeting}
        onChange={(e) => setGreeting(e.target.value)}
        error={errorOf("greeting")}
      />
      <TextField
        id="myshop-token"
        label={t("token")}
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        onChange={(e) => setToken(e.target.value)}
        error={errorOf("token") ?? refused}
        errorTestId="myshop-token-error"
      />
      {refused === undefined && Object.keys(server).length === 0 ? <ErrorMessage error={open.error} /> : null}
      <button type="submit" disabled={open.isPending} data-testid="myshop-create">
        {open.isPending ? t("creating") : t("create")}
      </button>
    </form>
  )
}

const ShopCard = ({
  shop,
  percent,
  t,
  onChanged
}: {
  shop: Shop
  percent: string
  t: Words
  onChanged: (shop: Shop, notice: string) => void
}) => {
  const { language } = useLanguage()
  const api = useApi()
  const { user } = useSession()
  const setStatus = (status: "active" | "paused" | "deleted") =>
    api.run((c) =>
      c.referralShops.setOwnShopStatus({
        path: { id: user!.id, shopId: shop.id },
        payload: new OwnerShopStatusBody({ status })
      })
    )
  const toggle = useMutation({
    mutationFn: () => setStatus(shop.status === "active" ? "paused" : "active"),
    onSuccess: (next) =>
      onChanged(next, t(next.status === "paused" ? "paused_notice" : "resumed_notice", { name: next.name }))
  })
  const headingId = `myshop-${shop.id}`
  return (
    <li className="card" aria-labelledby={headingId} data-testid="myshop-shop" data-status={shop.status}>
      <h3 id={headingId}>{shop.name}</h3>
      <p>
        {t("bot")}: <BotLink shop={shop} /> · {t("status")}:{" "}
        <strong data-testid="myshop-status">{t(shop.status)}</strong> ·{" "}
        <span data-testid="myshop-commission">
          {t("commission", {
            percent: shop.commissionPercent === null ? percent : formatPercent(shop.commissionPercent, language)
          })}
        </span>
      </p>
      <dl className="myshop-figures">
        <div>
          <dt>{t("sales")}</dt>
          <dd data-testid="myshop-sales">{shop.sales}</dd>
        </div>
        <div>
          <dt>{t("revenue")}</dt>
          <dd>{formatMoney(shop.revenue, language)}</dd>
        </div>
        <div>
          <dt>{t("earnings")}</dt>
          <dd data-testid="myshop-earnings">{formatMoney(shop.earnings, language)}</dd>
        </div>
        <div>
          <dt>{t("buyers")}</dt>
          <dd>{shop.buyers}</dd>
        </div>
      </dl>
      {shop.status === "blocked" ? (
        <p className="hint">{t("blockedHint")}</p>
      ) : (
        <div className="myshop-actions">
          <button
            type="button"
            className="secondary"
            disabled={toggle.isPending}
            onClick={() => toggle.mutate()}
            data-testid="myshop-toggle"
          >
            {shop.status === "active" ? t("pause") : t("resume")}
          </button>
          <ConfirmAction
            label={t("delete")}
            question={t("deleteQuestion", { name: shop.name })}
            confirmLabel={t("delete")}
            danger
            onConfirm={async () => {
              const next = await setStatus("deleted")
              onChanged(next, t("deleted_notice", { name: next.name }))
            }}
            testId={`myshop-delete-${shop.id}`}
          />
        </div>
      )}
      <ErrorMessage error={toggle.error} />
    </li>
  )
}

export default function MyShop() {
  const t = useT(messages)
  const api = useApi()
  const { user } = useSession()
  const queryClient = useQueryClient()
  const info = useShopInfo()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const key = shopsKey(user!.id)
  const shops = useQuery({
    queryKey: key,
    queryFn: () => api.run((c) => c.referralShops.ownShops({ path: { id: user!.id } }))
  })
  const { language } = useLanguage()
  const percent = info.data === undefined ? "…" : formatPercent(info.data.referralCommissionPercent, language)
  const changed = (shop: Shop, said: string) => {
    setNotice(said)
    queryClient.setQueryData<ReadonlyArray<Shop>>(key, (list) =>
      shop.status === "deleted"
        ? list?.filter((s) => s.id !== shop.id)
        : list?.map((s) => (s.id === shop.id ? shop : s))
    )
  }
  return (
    <Screen title={t("title")}>
      <p>{t("intro", { percent })}</p>
      {notice === undefined ? null : (
        <p className="ok" role="status" data-testid="myshop-notice">
          {notice}
        </p>
      )}
      <QueryView query={shops}>
        {(list) => {
          const live = list.filter((s) => s.status !== "deleted")
          return live.length === 0 ? (
            <p data-testid="myshop-none">{t("none")}</p>
          ) : (
            <section aria-labelledby="myshop-list-title">
              <h2 id="myshop-list-title">{t("shopsTitle")}</h2>
              <ul className="shop-list" data-testid="myshop-list">
                {live.map((shop) => (
                  <ShopCard key={shop.id} shop={shop} percent={percent} t={t} onChanged={changed} />
                ))}
              </ul>
              <p className="hint">
                {t("withdraw")} <Link href="/balance">{t("toBalance")}</Link>
              </p>
            </section>
          )
        }}
      </QueryView>
      <CreateShop
        user={user!}
        onCreated={(shop) => {
          setNotice(t("created", { name: shop.name, bot: shop.username === null ? shop.botId : `@${shop.username}` }))
          queryClient.setQueryData<ReadonlyArray<Shop>>(key, (list) => [...(list ?? []), shop])
        }}
      />
    </Screen>
  )
}
