/**
 * Bots: every bot this server runs with its health (running, failing, stopped; the last error; the outbound queue),
 * and the WhatsApp accounts with their login. An account waiting for a login shows the server's QR
 * code (its SVG as an image, never inserted into the page as markup) or a pairing code requested for a phone number;
 * a linked one can be logged out (confirmed), a logged-out one logged in again. The list refreshes every few seconds
 * while an account is between states, as a QR code is replaced every ~20 s.
 */
import { PairingCodeBody } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { Either, Schema } from "effect"
import { type FormEvent, useMemo, useState } from "react"
import { ErrorMessage } from "../../../app/Errors.js"
import { formatDateTime } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { QueryView } from "../../../app/QueryView.js"
import { Screen } from "../../../app/Screen.js"
import { TextField } from "../../../app/TextField.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { type GridColumn, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { NO_FILTERS, pageOf } from "../../grid/WholeList.js"
import type { AdminResult } from "../../Types.js"
import { Notice } from "../../Notice.js"
import { messages as userWords } from "../users/messages.js"
import { messages } from "./messages.js"
import { Records } from "./Records.js"

type Account = AdminResult<"whatsappAccount">
type Bot = AdminResult<"bots">[number]

const ACCOUNTS_KEY = ["admin-whatsapp"] as const
/** How often the list is asked again while an account is logging in. */
const POLL_MS = 3_000
const SETTLED: ReadonlySet<Account["state"]> = new Set(["open", "logged_out", "stopped"])

const validPhone = (phone: string) => Either.isRight(Schema.decodeUnknownEither(PairingCodeBody)({ phone }))

/** The server's SVG as an image: the browser draws it without running or inserting anything of it into the page. */
const svgSource = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`

const PairingCode = ({ account }: { account: string }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const [phone, setPhone] = useState("")
  const [tried, setTried] = useState(false)
  const request = useMutation({
    mutationFn: (body: PairingCodeBody) =>
      api.run((c) => c.admin.whatsappPairingCode({ path: { account }, payload: body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ACCOUNTS_KEY })
  })
  const valid = validPhone(phone)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (valid && !request.isPending) request.mutate(new PairingCodeBody({ phone }))
  }
  return (
    <form className="pairing-form" onSubmit={submit} noValidate aria-label={t("requestCode")}>
      <TextField
        id={`pairing-phone-${account}`}
        label={t("phone")}
        type="tel"
        autoComplete="off"
        value={phone}
        onChange={(e) => setPhone(e.target.value)}
        error={tried && !valid ? t("phoneInvalid") : undefined}
      />
      <button type="submit" className="secondary" disabled={request.isPending} aria-busy={request.isPending}>
        {t("requestCode")}
      </button>
      <ErrorMessage error={request.error} />
    </form>
  )
}

const AccountCard = ({ status }: { status: Account }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const refresh = () => queryClient.invalidateQueries({ queryKey: ACCOUNTS_KEY })
  const login = useMutation({
    mutationFn: () => api.run((c) => c.admin.whatsappLogin({ path: { account: status.account } })),
    onSuccess: refresh
  })
  const logout = useMutation({
    mutationFn: () => api.run((c) => c.admin.whatsappLogout({ path: { account: status.account } })),
    onSuccess: async () => {
      setNotice(t("loggedOut", { account: status.account }))
      await refresh()
    }
  })
  const titleId = `whatsapp-${status.account}`
  return (
    <section className="card bot-card" aria-labelledby={titleId} data-testid={`whatsapp-${status.account}`}>
      <h3 id={titleId}>{t("account", { account: status.account })}</h3>
      <p>
        {t("state")}: <strong data-testid={`whatsapp-state-${status.account}`}>{t(status.state)}</strong>
      </p>
      {status.reconnect === undefined ? null : (
        <p className="hint">
          {t("reconnect", {
            attempt: status.reconnect.attempt,
            seconds: Math.round(status.reconnect.delayMs / 1000),
            reason: status.reconnect.reason
          })}
        </p>
      )}
      <p className="hint">{t("outbound", { ...status.outbound })}</p>
      {status.qrSvg === undefined ? null : (
        <figure className="qr">
          <img
            src={svgSource(status.qrSvg)}
            alt={t("qrAlt", { account: status.account })}
            width={240}
            height={240}
            data-testid={`whatsapp-qr-${status.account}`}
          />
          <figcaption className="hint">{t("qrHint")}</figcaption>
        </figure>
      )}
      {status.pairing === undefined ? null : (
        <p className="notice" role="status">
          {t("pairingCode", { code: status.pairing.code, phone: status.pairing.phone })}
          <br />
          <span className="hint">{t("pairingHint")}</span>
        </p>
      )}
      {status.state === "awaiting_qr" || status.state === "awaiting_pairing_code" ? (
        <PairingCode account={status.account} />
      ) : null}
      <div className="row">
        {status.state === "logged_out" || status.state === "stopped" ? (
          <button
            type="button"
            onClick={() => login.mutate()}
            disabled={login.isPending}
            aria-busy={login.isPending}
            data-testid={`whatsapp-login-${status.account}`}
          >
            {t("login")}
          </button>
        ) : (
          <ConfirmAction
            label={t("logout")}
            danger
            question={t("logoutQuestion", { account: status.account })}
            confirmLabel={t("logout")}
            onConfirm={() => logout.mutateAsync()}
            testId={`whatsapp-logout-${status.account}`}
          />
        )}
      </div>
      <ErrorMessage error={login.error} />
      <Notice text={notice} />
    </section>
  )
}

/** The bots as a grid (the server answers the whole short list; the grid pages and exports it like any other). */
const Fleet = () => {
  const t = useT(messages)
  const tu = useT(userWords)
  const { language } = useLanguage()
  const api = useAdminApi()
  const health = (b: Bot) => (b.state === "stopped" ? t("stoppedBot") : t(b.state))
  const error = (b: Bot) =>
    b.lastError === null
      ? ""
      : `${b.lastError.reason === "unauthorized" ? t("unauthorized") : b.lastError.reason === "network" ? t("network") : b.lastError.reason}: ${b.lastError.detail} (${formatDateTime(b.lastError.at, language)})`
  const outbound = (b: Bot) => (b.outbound === null ? "" : t("outboundFigures", { ...b.outbound }))
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<Bot>> => [
      {
        id: "bot",
        header: t("bot"),
        cell: (b) => (
          <>
            <code>{b.id}</code>
            {b.username === null ? null : <span className="hint"> @{b.username}</span>}
          </>
        ),
        csv: (b) => b.id
      },
      { id: "platform", header: t("platform"), cell: (b) => tu(b.platform), csv: (b) => b.platform },
      {
        id: "health",
        header: t("health"),
        cell: (b) => <strong className={b.state === "running" ? "ok" : "error"}>{health(b)}</strong>,
        csv: (b) => b.state
      },
      dateTimeColumn({ id: "started", header: t("started"), at: (b) => b.startedAt }, language),
      { id: "error", header: t("lastError"), cell: error, csv: error },
      { id: "outbound", header: t("outboundShort"), cell: outbound, csv: outbound }
    ],
    // the helpers read only t, tu and language
    [t, tu, language]
  )
  const fetchPage = (q: GridQuery) => api.run((c) => c.admin.bots()).then((all) => pageOf(all, q))
  return (
    <section aria-labelledby="fleet-title">
      <h2 id="fleet-title">{t("fleet")}</h2>
      <ServerGrid
        id="bots"
        label={t("fleet")}
        columns={columns}
        filters={NO_FILTERS}
        rowKey={(b) => b.id}
        rowData={(b) => ({ "data-bot-id": b.id, "data-state": b.state })}
        fetchPage={fetchPage}
      />
    </section>
  )
}

const Bots = () => {
  const t = useT(messages)
  const api = useAdminApi()
  const accounts = useQuery({
    queryKey: ACCOUNTS_KEY,
    queryFn: () => api.run((c) => c.admin.whatsappAccounts()),
    refetchInterval: (query) => (query.state.data?.some((a) => !SETTLED.has(a.state)) === true ? POLL_MS : false)
  })
  return (
    <Screen title={t("title")}>
      <Fleet />
      <Records />
      <section aria-labelledby="whatsapp-title">
        <h2 id="whatsapp-title">{t("whatsapp")}</h2>
        <QueryView query={accounts} empty={{ when: (list) => list.length === 0, say: t("whatsappNone") }}>
          {(list) => (
            <div className="bot-cards">
              {list.map((status) => (
                <AccountCard key={status.account} status={status} />
              ))}
            </div>
          )}
        </QueryView>
      </section>
    </Screen>
  )
}

export default Bots
