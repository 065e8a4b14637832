/**
 * One user: the profile, linked platforms, the procurements they organize and join, the balance with an adjustment
 * form, the account's switches (active, verified, role) and the balance's history with the running balance (the
 * ledger's grid fixed to this user). Every change refreshes the page and the grids, and is audited by the server.
 */
import { FlagBody, UserId } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { Option, Schema } from "effect"
import { useMemo, useState } from "react"
import { Link, useParams } from "wouter"
import { DataTable } from "../../../app/DataTable.js"
import { formatDateTime, formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { QueryView } from "../../../app/QueryView.js"
import { Empty, Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { Notice } from "../../Notice.js"
import { Params } from "../../Params.js"
import { adminMessages } from "../../messages.js"
import type { AdminResult } from "../../Types.js"
import { TransactionsGrid } from "../payments/TransactionsGrid.js"
import { Decide } from "../roles/Decide.js"
import { AdjustBalance } from "./AdjustBalance.js"
import { GrantBonus } from "./GrantBonus.js"
import { accountRole, fullName } from "./Labels.js"
import { Procurements } from "./Procurements.js"
import { RoleChange } from "./RoleChange.js"
import { messages } from "./messages.js"

type Details = AdminResult<"user">
type Identity = Details["identities"][number]

const decodeId = Schema.decodeUnknownOption(UserId)

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
      <Params rows={rows} testId="user-profile" />
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

/** Switches one flag of the account (`PUT /admin/users/:id/active|verified`), then refreshes what shows it. */
const useFlag = (id: UserId, endpoint: "setUserActive" | "setUserVerified", refresh: () => Promise<void>) => {
  const api = useAdminApi()
  return useMutation({
    mutationFn: (value: boolean) =>
      api.run((c) => c.admin[endpoint]({ path: { id }, payload: new FlagBody({ value }) })),
    onSuccess: refresh
  })
}

/** The role the account asked for and waits for, with approve / decline; nothing when none waits. */
const PendingRoleRequest = ({ id }: { id: UserId }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const pending = useQuery({
    queryKey: ["admin-role-request", id],
    queryFn: () => api.run((c) => c.admin.roleRequests({ urlParams: { userId: id, limit: 1 } }))
  })
  const row = pending.data?.items[0]
  return (
    <>
      <Notice text={notice} testId="user-role-request-notice" />
      {row === undefined ? null : (
        <div className="row" data-testid="user-role-request">
          <p>
            {t("roleRequested", { role: t(row.request.role), at: formatDateTime(row.request.createdAt, language) })}
          </p>
          <Decide row={row} onDone={setNotice} />
        </div>
      )}
    </>
  )
}

/** Active, verified and the role: each change asks first and says what it will do. */
const Switches = ({ details, refresh }: { details: Details; refresh: () => Promise<void> }) => {
  const t = useT(messages)
  const { id, isActive, isVerified } = details.user
  const name = fullName(details.user)
  const setActive = useFlag(id, "setUserActive", refresh)
  const setVerified = useFlag(id, "setUserVerified", refresh)
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
      <RoleChange id={id} name={name} current={accountRole(details.user)} onDone={refresh} />
      <PendingRoleRequest id={id} />
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
                  <GrantBonus id={id} name={fullName(d.user)} onDone={refresh} />
                </section>
                <Switches details={d} refresh={refresh} />
              </div>
            </div>
            <Platforms identities={d.identities} />
            <Procurements procurements={d.procurements} />
            <section aria-labelledby="history-title">
              <h2 id="history-title">{t("history")}</h2>
              {/* the user's id in the grid's id keeps one user's cached pages from showing on another's */}
              <TransactionsGrid id={`transactions-${id}`} label={t("history")} user={id} />
            </section>
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
