/**
 * Withdrawals: users' requests to be paid part of their balance, newest first (the status filter narrows them), with
 * pay out / reject on the waiting ones, each asked first. The server pays through the payment provider, audits the decision
 * and tells the user in their language; a request decided meanwhile by another administrator is refused in its words.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query"
import type { Effect } from "effect"
import { useMemo, useState } from "react"
import { Link } from "wouter"
import type { Client } from "../../../app/Api.js"
import { formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { Notice } from "../../Notice.js"
import { fullName } from "../users/Labels.js"
import { messages } from "./messages.js"

// a call made `withResponse` answers [data, response]; the page reads the data
type Page = Exclude<
  Effect.Effect.Success<ReturnType<Client["adminWithdrawals"]["adminWithdrawals"]>>,
  readonly [unknown, unknown]
>
type Row = Page["items"][number]
type Status = Row["request"]["status"]

const GRID = "withdrawals"
const STATUSES: ReadonlyArray<Status> = ["PENDING", "PROCESSING", "APPROVED", "REJECTED"]

/** Pay out and reject, each asked first; nothing once the request is decided or its payout runs. */
const Decide = ({ row, onDone }: { row: Row; onDone: (notice: string) => void }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const [reason, setReason] = useState("")
  const params = { name: fullName(row.user), amount: formatMoney(row.request.amount, language) }
  const decide = useMutation({
    mutationFn: (approve: boolean) =>
      api.run((c) =>
        approve
          ? c.adminWithdrawals.approveWithdrawal({ path: { id: row.request.id } })
          : c.adminWithdrawals.rejectWithdrawal({
              path: { id: row.request.id },
              payload: reason.trim() === "" ? {} : { reason: reason.trim() }
            })
      ),
    onSuccess: async (request) => {
      onDone(t(request.status === "APPROVED" ? "approved" : "rejected", params))
      await queryClient.invalidateQueries({ queryKey: ["admin-grid"] })
      await queryClient.invalidateQueries({ queryKey: ["admin-user", row.request.userId] })
    }
  })
  if (row.request.status !== "PENDING") return null
  return (
    <div className="row">
      <ConfirmAction
        label={t("approve")}
        question={t("approveQuestion", { ...params, details: row.request.details })}
        confirmLabel={t("approve")}
        onConfirm={() => decide.mutateAsync(true)}
        testId={`approve-${row.request.id}`}
      />
      <ConfirmAction
        label={t("reject")}
        danger
        question={
          <>
            {t("rejectQuestion", params)}
            <label className="field">
              <span>{t("reason")}</span>
              <input
                value={reason}
                maxLength={500}
                onChange={(e) => setReason(e.target.value)}
                data-testid={`reason-${row.request.id}`}
              />
            </label>
          </>
        }
        confirmLabel={t("reject")}
        onConfirm={() => decide.mutateAsync(false)}
        testId={`reject-${row.request.id}`}
      />
    </div>
  )
}

const Withdrawals = () => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<Row>> => [
      {
        id: "user",
        header: t("user"),
        cell: (r) => <Link href={`/users/${r.request.userId}`}>{fullName(r.user)}</Link>,
        csv: (r) => fullName(r.user)
      },
      {
        id: "amount",
        header: t("amount"),
        cell: (r) => formatMoney(r.request.amount, language),
        csv: (r) => r.request.amount.toString()
      },
      {
        id: "balance",
        header: t("balance"),
        cell: (r) => formatMoney(r.user.balance, language),
        csv: (r) => r.user.balance.toString()
      },
      { id: "details", header: t("details"), cell: (r) => r.request.details, csv: (r) => r.request.details },
      {
        id: "status",
        header: t("status"),
        cell: (r) => (
          <>
            {t(r.request.status)}
            {r.request.failure === null ? null : (
              <div className="hint" title={t("failure")}>
                {r.request.failure}
              </div>
            )}
          </>
        ),
        csv: (r) => r.request.status
      },
      dateTimeColumn({ id: "asked", header: t("asked"), at: (r) => r.request.createdAt }, language),
      dateTimeColumn({ id: "decided", header: t("decided"), at: (r) => r.request.decidedAt }, language),
      { id: "actions", header: t("actions"), cell: (r) => <Decide row={r} onDone={setNotice} /> }
    ],
    [t, language]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [
      { kind: "select", id: "status", label: t("status"), options: STATUSES.map((s) => ({ value: s, label: t(s) })) }
    ],
    [t]
  )
  const fetchPage = (q: GridQuery) =>
    api.run((c) =>
      c.adminWithdrawals.adminWithdrawals({
        urlParams: {
          offset: q.offset,
          limit: q.limit,
          ...(STATUSES.includes(q.filters.status as Status) ? { status: q.filters.status as Status } : {})
        }
      })
    )
  return (
    <Screen title={t("title")}>
      <p className="hint">{t("intro")}</p>
      <Notice text={notice} testId="withdrawals-notice" />
      <ServerGrid
        id={GRID}
        label={t("title")}
        columns={columns}
        filters={filters}
        rowKey={(r) => r.request.id}
        rowData={(r) => ({ "data-withdrawal-id": r.request.id })}
        fetchPage={fetchPage}
      />
    </Screen>
  )
}

export default Withdrawals
