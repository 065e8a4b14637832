/**
 * One user: the profile, linked platforms, the balance with an adjustment form, the account's switches (active,
 * verified) and the balance's history with the running balance (the admin transactions list for this user, a server
 * grid). Every change refreshes the page and the grids, and is audited by the server.
 */
import { FlagBody, UserId } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { DateTime, Option, Schema } from "effect"
import { Fragment, useMemo } from "react"
import { Link, useParams } from "wouter"
import { DataTable } from "../../../app/DataTable.js"
import { formatDateTime, formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { QueryView } from "../../../app/QueryView.js"
import { Empty, Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { chosen } from "../../grid/Choice.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { adminMessages } from "../../messages.js"
import type { AdminResult, PageItem } from "../../Types.js"
import { AdjustBalance } from "./AdjustBalance.js"
import { fullName } from "./Labels.js"
import { messages } from "./messages.js"

type Details = AdminResult<"user">
type Identity = Details["identities"][number]
type Transaction = PageItem<"transactions">
type TransactionType = Transaction["type"]

const decodeId = Schema.decodeUnknownOption(UserId)

const TRANSACTION_TYPES: ReadonlyArray<TransactionType> = [
  "DEPOSIT",
  "WITHDRAWAL",
  "PROCUREMENT_JOIN",
  "PROCUREMENT_REFUND",
  "TRANSFER",
  "BONUS",
  "ADJUSTMENT"
]

/** The query key of a user's page (its grids are under `["admin-grid"]`). */
const detailsKey = (id: UserId) => ["admin-user", id] as const

const BackToUsers = () => {
  const t = useT(messages)
  return <Link href="/users">{t("backToUsers")}</Link>
}

const Profile = ({ details }: { details: Details }) => {
  const t = useT(messages)
  const ta = useT(adminMessages)
  const { language } = useLanguage()
  const u = details.user
  const yes = (value: boolean) => (value ? ta("yes") : ta("no"))
  const rows: ReadonlyArray<readonly [string, string]> = [
    [t("id"), u.id],
    [t("name"), fullName(u)],
    [t("username"), u.username === null ? "" : `@${u.username}`],
    [t("email"), u.email ?? ""],
    [t("phone"), u.phone ?? ""],
    [t("language"), u.language === "ru" ? "Русский" : "English"],
    [t("role"), `${t(u.role)}${u.isAdmin ? `, ${t("admin")}` : ""}`],
    [t("active"), yes(u.isActive)],
    [t("verified"), yes(u.isVerified)],
    [t("lastPlatform"), u.lastPlatform === null ? "" : t(u.lastPlatform)],
    [t("registered"), formatDateTime(u.createdAt, language)],
    [t("updated"), formatDateTime(u.updatedAt, language)]
  ]
  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">{t("profile")}</h2>
      <dl className="params" data-testid="user-profile">
        {rows.map(([label, value]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value === "" ? "—" : value}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  )
}

const Platforms = ({ identities }: { identities: Details["identities"] }) => {
  const t = useT(messages)
  const ta = useT(adminMessages)
  const { language } = useLanguage()
  const columns = useMemo(
    () => [
      { id: "platform", header: t("platform"), cell: (i: Identity) => t(i.platform) },
      { id: "externalId", header: t("externalId"), cell: (i: Identity) => <code>{i.externalId}</code> },
      { id: "username", header: t("username"), cell: (i: Identity) => (i.username === null ? "" : `@${i.username}`) },
      { id: "displayName", header: t("displayName"), cell: (i: Identity) => i.displayName ?? "" },
      { id: "reachable", header: t("reachable"), cell: (i: Identity) => (i.reachable ? ta("yes") : ta("no")) },
      { id: "lastSeen", header: t("lastSeen"), cell: (i: Identity) => formatDateTime(i.lastSeenAt, language) }
    ],
    [t, ta, language]
  )
  return (
    <section className="card" aria-labelledby="platforms-title">
      <h2 id="platforms-title">{t("platforms")}</h2>
      {identities.length === 0 ? (
        <Empty>{t("noPlatforms")}</Empty>
      ) : (
        <DataTable
          label={t("platforms")}
          testId="user-platforms"
          rows={identities}
          rowKey={(i) => i.id}
          columns={columns}
        />
      )}
    </section>
  )
}

/** Active and verified: each switch asks first and says what it will do. */
const Switches = ({ details, refresh }: { details: Details; refresh: () => Promise<void> }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const { id, isActive, isVerified } = details.user
  const name = fullName(details.user)
  const setActive = useMutation({
    mutationFn: (value: boolean) =>
      api.run((c) => c.admin.setUserActive({ path: { id }, payload: new FlagBody({ value }) })),
    onSuccess: refresh
  })
  const setVerified = useMutation({
    mutationFn: (value: boolean) =>
      api.run((c) => c.admin.setUserVerified({ path: { id }, payload: new FlagBody({ value }) })),
    onSuccess: refresh
  })
  return (
    <section className="card" aria-labelledby="actions-title">
      <h2 id="actions-title">{t("actions")}</h2>
      <div className="row">
        <ConfirmAction
          label={isActive ? t("deactivate") : t("activate")}
          danger={isActive}
          question={t(isActive ? "deactivateQuestion" : "activateQuestion", { name })}
          confirmLabel={isActive ? t("deactivate") : t("activate")}
          onConfirm={() => setActive.mutateAsync(!isActive)}
          testId="toggle-active"
        />
        <ConfirmAction
          label={isVerified ? t("unverify") : t("verify")}
          question={t(isVerified ? "unverifyQuestion" : "verifyQuestion", { name })}
          confirmLabel={isVerified ? t("unverify") : t("verify")}
          onConfirm={() => setVerified.mutateAsync(!isVerified)}
          testId="toggle-verified"
        />
      </div>
    </section>
  )
}

/** The balance's history, newest first, each row with the balance it left. */
const History = ({ id }: { id: UserId }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const types = useMemo(() => TRANSACTION_TYPES.map((type) => ({ value: type, label: t(type) })), [t])
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<Transaction>> => [
      {
        id: "date",
        header: t("date"),
        cell: (x) => formatDateTime(x.createdAt, language),
        csv: (x) => DateTime.formatIso(x.createdAt)
      },
      { id: "type", header: t("type"), cell: (x) => t(x.type), csv: (x) => x.type },
      {
        id: "change",
        header: t("change"),
        numeric: true,
        cell: (x) => `${x.amount > 0n ? "+" : ""}${formatMoney(x.amount, language)}`,
        csv: (x) => Number(x.amount) / 100
      },
      {
        id: "after",
        header: t("after"),
        numeric: true,
        cell: (x) => formatMoney(x.balanceAfter, language),
        csv: (x) => Number(x.balanceAfter) / 100
      },
      { id: "note", header: t("note"), cell: (x) => x.description ?? "", csv: (x) => x.description },
      {
        id: "author",
        header: t("author"),
        cell: (x) =>
          x.createdBy === null ? "" : <Link href={`/users/${x.createdBy}`}>{x.createdBy.slice(0, 8)}</Link>,
        csv: (x) => x.createdBy
      }
    ],
    [t, language]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [{ kind: "select", id: "type", label: t("type"), options: types }],
    [t, types]
  )
  const fetchPage = (q: GridQuery) =>
    api.run((c) =>
      c.admin.transactions({
        urlParams: { offset: q.offset, limit: q.limit, userId: id, type: chosen(types, q.filters.type) }
      })
    )
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t("history")}</h2>
      <ServerGrid
        // the user's id keeps one user's cached pages from showing on another's
        id={`transactions-${id}`}
        label={t("history")}
        columns={columns}
        filters={filters}
        rowKey={(x) => x.id}
        rowData={(x) => ({ "data-transaction-id": x.id })}
        fetchPage={fetchPage}
      />
    </section>
  )
}

const UserDetails = ({ id }: { id: UserId }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const details = useQuery({
    queryKey: detailsKey(id),
    queryFn: () => api.run((c) => c.admin.user({ path: { id } }))
  })
  // the page, this user's history and the users grid all show what a change touched
  const refresh = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: detailsKey(id) }),
      queryClient.invalidateQueries({ queryKey: ["admin-grid"] })
    ])
  }
  const title = details.data === undefined ? t("title") : fullName(details.data.user)
  return (
    <Screen title={title} actions={<BackToUsers />}>
      <QueryView query={details}>
        {(d) => (
          <>
            {d.user.isActive ? null : (
              <p className="notice" role="status" data-testid="user-blocked">
                {t("blocked")}
              </p>
            )}
            <div className="grid-2">
              <Profile details={d} />
              <div className="side-stack">
                <section className="card" aria-labelledby="balance-title">
                  <h2 id="balance-title">{t("balance")}</h2>
                  <p className="balance-figure" data-testid="user-balance" data-kopecks={String(d.balance)}>
                    {formatMoney(d.balance, language)}
                  </p>
                  <AdjustBalance id={id} name={fullName(d.user)} onDone={refresh} />
                </section>
                <Switches details={d} refresh={refresh} />
              </div>
            </div>
            <Platforms identities={d.identities} />
            <History id={id} />
          </>
        )}
      </QueryView>
    </Screen>
  )
}

const UserPage = () => {
  const t = useT(messages)
  const params = useParams<{ id: string }>()
  const id = decodeId(params.id)
  if (Option.isNone(id))
    return (
      <Screen title={t("notFound")} actions={<BackToUsers />}>
        {null}
      </Screen>
    )
  return <UserDetails id={id.value} />
}

export default UserPage
