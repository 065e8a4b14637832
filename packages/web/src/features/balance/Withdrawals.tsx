/**
 * Withdrawals on the balance screen: the request form (amount and payout details; one idempotency key until a request
 * is sent, so pressing again after a failure never asks twice) and the account's requests with their states.
 */
import { WithdrawalBody } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import type { Effect } from "effect"
import { useMemo, useState } from "react"
import {
  DataTable,
  ErrorMessage,
  QueryView,
  formatDateTime,
  formatMoney,
  parseRubles,
  useApi,
  useLanguage,
  useT,
  type Client,
  type DataColumn,
  type SessionUser
} from "../../app/index.js"
import { withdrawalMessages as messages } from "./withdrawalMessages.js"

type Request = Exclude<
  Effect.Effect.Success<ReturnType<Client["withdrawals"]["withdrawals"]>>,
  readonly [unknown, unknown]
>["items"][number]

const newKey = () => crypto.randomUUID()

/** The form and the list; `balanceKey` is the screen's query key, refreshed when a request holds money. */
export const Withdrawals = ({
  userId,
  balanceKey
}: {
  userId: SessionUser["id"]
  balanceKey: ReadonlyArray<unknown>
}) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useApi()
  const queryClient = useQueryClient()
  const [amountText, setAmountText] = useState("")
  const [details, setDetails] = useState("")
  const [key, setKey] = useState(newKey)
  const amount = parseRubles(amountText)
  const amountValid = amount !== undefined && amount > 0n
  const detailsValid = details.trim().length >= 5
  const requests = useQuery({
    queryKey: [...balanceKey, "withdrawals"],
    queryFn: () => api.run((c) => c.withdrawals.withdrawals({ path: { id: userId }, urlParams: { limit: 20 } }))
  })
  const request = useMutation({
    mutationFn: (kopecks: NonNullable<ReturnType<typeof parseRubles>>) =>
      api.run((c) =>
        c.withdrawals.requestWithdrawal({
          path: { id: userId },
          payload: new WithdrawalBody({ amount: kopecks, details: details.trim(), idempotencyKey: key })
        })
      ),
    onSuccess: () => {
      setKey(newKey())
      setAmountText("")
      void queryClient.invalidateQueries({ queryKey: balanceKey })
    }
  })
  const columns = useMemo(
    (): ReadonlyArray<DataColumn<Request>> => [
      { id: "date", header: t("date"), cell: (row) => formatDateTime(row.createdAt, language) },
      { id: "sum", header: t("sum"), cell: (row) => formatMoney(row.amount, language), numeric: true },
      { id: "where", header: t("where"), cell: (row) => row.details },
      {
        id: "status",
        header: t("status"),
        cell: (row) => t(row.status) + (row.reason === null ? "" : ` (${row.reason})`)
      }
    ],
    [t, language]
  )

  return (
    <>
      <section className="card" aria-labelledby="withdraw-title">
        <h2 id="withdraw-title">{t("withdraw")}</h2>
        <p className="hint">{t("withdrawIntro")}</p>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            if (amountValid && detailsValid && !request.isPending) request.mutate(amount)
          }}
        >
          <label htmlFor="withdraw-amount">{t("amount")}</label>
          <input
            id="withdraw-amount"
            inputMode="decimal"
            value={amountText}
            onChange={(e) => setAmountText(e.target.value)}
            aria-invalid={amountText !== "" && !amountValid}
          />
          {amountText !== "" && !amountValid ? (
            <p className="error" role="alert">
              {t("amountInvalid")}
            </p>
          ) : null}
          <label htmlFor="withdraw-details">{t("details")}</label>
          <textarea
            id="withdraw-details"
            value={details}
            maxLength={500}
            rows={2}
            onChange={(e) => setDetails(e.target.value)}
            aria-invalid={details !== "" && !detailsValid}
            aria-describedby="withdraw-details-hint withdraw-error"
          />
          <p className="hint" id="withdraw-details-hint">
            {details !== "" && !detailsValid ? t("detailsInvalid") : t("detailsHint")}
          </p>
          <p>
            <button type="submit" disabled={!amountValid || !detailsValid || request.isPending} data-testid="withdraw">
              {t("submit")}
            </button>
          </p>
          <ErrorMessage error={request.error} id="withdraw-error" />
          {request.data === undefined ? null : (
            <p role="status" data-testid="withdraw-sent">
              {t("sent", { amount: formatMoney(request.data.request.amount, language) })}
            </p>
          )}
        </form>
      </section>
      <section aria-labelledby="withdrawals-title">
        <h2 id="withdrawals-title">{t("requests")}</h2>
        <QueryView query={requests} empty={{ when: (d) => d.items.length === 0, say: t("noRequests") }}>
          {({ items }) => (
            <DataTable
              label={t("requests")}
              testId="withdrawals"
              rows={items}
              rowKey={(row) => row.id}
              columns={columns}
              rowData={(row) => ({ "data-status": row.status })}
            />
          )}
        </QueryView>
      </section>
    </>
  )
}
