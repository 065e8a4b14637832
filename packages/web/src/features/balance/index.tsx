/**
 * Balance: the figure, a deposit (the sandbox page or the bank's transfer details), the ledger with types and the
 * running balance (a TanStack Table), and payments with their statuses. A deposit keeps one idempotency key until it
 * succeeds, so pressing again after a failure never starts a second one.
 */
import { CreateDepositBody } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table"
import type { Effect } from "effect"
import { useMemo, useState } from "react"
import {
  Empty,
  ErrorMessage,
  Loading,
  Screen,
  TableScroll,
  formatDateTime,
  formatMoney,
  parseRubles,
  useApi,
  useLanguage,
  useSession,
  useT,
  type Client
} from "../../app/index.js"
import { messages } from "./messages.js"

type Row = Effect.Effect.Success<ReturnType<typeof fetchTransactions>>["items"][number]

const fetchTransactions = (client: Client, id: Parameters<Client["payments"]["transactions"]>[0]["path"]["id"]) =>
  client.payments.transactions({ path: { id }, urlParams: { limit: 100 } })

const newKey = () => crypto.randomUUID()

export default function Balance() {
  const t = useT(messages)
  const { language } = useLanguage()
  const api = useApi()
  const { user } = useSession()
  const queryClient = useQueryClient()
  const id = user!.id

  const balance = useQuery({
    queryKey: ["balance", id],
    queryFn: () => api.run((c) => c.payments.balance({ path: { id } })),
    refetchInterval: 10_000
  })
  const transactions = useQuery({
    queryKey: ["balance", id, "transactions"],
    queryFn: () => api.run((c) => fetchTransactions(c, id))
  })
  const payments = useQuery({
    queryKey: ["balance", id, "payments"],
    queryFn: () => api.run((c) => c.payments.list({ urlParams: { limit: 50 } }))
  })

  const [amountText, setAmountText] = useState("")
  const [key, setKey] = useState(newKey)
  const amount = parseRubles(amountText)
  const amountValid = amount !== undefined && amount > 0n
  const deposit = useMutation({
    mutationFn: (kopecks: NonNullable<ReturnType<typeof parseRubles>>) =>
      api.run((c) =>
        c.payments.createDeposit({ payload: new CreateDepositBody({ amount: kopecks, idempotencyKey: key }) })
      ),
    onSuccess: () => {
      setKey(newKey())
      void queryClient.invalidateQueries({ queryKey: ["balance", id] })
    }
  })

  const column = createColumnHelper<Row>()
  const columns = useMemo(
    () => [
      column.accessor("createdAt", { header: t("date"), cell: (c) => formatDateTime(c.getValue(), language) }),
      column.accessor("type", { header: t("type"), cell: (c) => t(c.getValue()) }),
      column.accessor("amount", {
        header: t("change"),
        cell: (c) => (c.getValue() > 0n ? "+" : "") + formatMoney(c.getValue(), language),
        meta: { numeric: true }
      }),
      column.accessor("balanceAfter", {
        header: t("after"),
        cell: (c) => formatMoney(c.getValue(), language),
        meta: { numeric: true }
      }),
      column.accessor("description", { header: t("note"), cell: (c) => c.getValue() ?? "" })
    ],
    [column, t, language]
  )
  const table = useReactTable({
    data: (transactions.data?.items ?? []) as Array<Row>,
    columns,
    getCoreRowModel: getCoreRowModel()
  })
  const numeric = (meta: unknown) => (meta as { numeric?: boolean } | undefined)?.numeric === true

  return (
    <Screen title={t("title")}>
      <div className="grid-2">
        <section className="card" aria-labelledby="balance-title">
          <h2 id="balance-title">{t("balance")}</h2>
          {balance.isPending ? (
            <Loading />
          ) : balance.isError ? (
            <ErrorMessage error={balance.error} />
          ) : (
            <p className="balance-figure" data-testid="balance" data-kopecks={String(balance.data.balance)}>
              {formatMoney(balance.data.balance, language)}
            </p>
          )}
        </section>
        <section className="card" aria-labelledby="deposit-title">
          <h2 id="deposit-title">{t("deposit")}</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault()
              if (amountValid) deposit.mutate(amount)
            }}
          >
            <label htmlFor="deposit-amount">{t("amount")}</label>
            <input
              id="deposit-amount"
              inputMode="decimal"
              value={amountText}
              onChange={(e) => setAmountText(e.target.value)}
              aria-invalid={amountText !== "" && !amountValid}
              aria-describedby="deposit-error"
            />
            {amountText !== "" && !amountValid ? (
              <p className="error" role="alert">
                {t("amountInvalid")}
              </p>
            ) : null}
            <p>
              <button type="submit" disabled={!amountValid || deposit.isPending} data-testid="deposit">
                {t("depositSubmit")}
              </button>
            </p>
            <ErrorMessage error={deposit.error} id="deposit-error" />
          </form>
          {deposit.data === undefined ? null : (
            <div data-testid="deposit-created">
              {deposit.data.testMoney ? <p className="hint">{t("testMoney")}</p> : null}
              {deposit.data.url === null ? null : (
                <p>
                  <a href={deposit.data.url} data-testid="deposit-link">
                    {t("payHere")}
                  </a>
                </p>
              )}
              {deposit.data.instructions === null ? null : (
                <>
                  <h3>{t("instructions")}</h3>
                  <pre className="instructions">{deposit.data.instructions}</pre>
                </>
              )}
              <p className="hint">{t("afterPay")}</p>
            </div>
          )}
        </section>
      </div>

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t("history")}</h2>
        {transactions.isPending ? (
          <Loading />
        ) : transactions.isError ? (
          <ErrorMessage error={transactions.error} />
        ) : transactions.data.items.length === 0 ? (
          <Empty>{t("noTransactions")}</Empty>
        ) : (
          <TableScroll label={t("history")}>
            <table data-testid="transactions">
              <thead>
                {table.getHeaderGroups().map((group) => (
                  <tr key={group.id}>
                    {group.headers.map((header) => (
                      <th
                        key={header.id}
                        scope="col"
                        className={numeric(header.column.columnDef.meta) ? "num" : undefined}
                      >
                        {flexRender(header.column.columnDef.header, header.getContext())}
                      </th>
                    ))}
                  </tr>
                ))}
              </thead>
              <tbody>
                {table.getRowModel().rows.map((row) => (
                  <tr key={row.id} data-type={row.original.type}>
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.id} className={numeric(cell.column.columnDef.meta) ? "num" : undefined}>
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>

      <section aria-labelledby="payments-title">
        <h2 id="payments-title">{t("payments")}</h2>
        {payments.isPending ? (
          <Loading />
        ) : payments.isError ? (
          <ErrorMessage error={payments.error} />
        ) : payments.data.items.length === 0 ? (
          <Empty>{t("noPayments")}</Empty>
        ) : (
          <TableScroll label={t("payments")}>
            <table data-testid="payments">
              <thead>
                <tr>
                  <th scope="col">{t("date")}</th>
                  <th scope="col">{t("type")}</th>
                  <th scope="col" className="num">
                    {t("change")}
                  </th>
                  <th scope="col">{t("status")}</th>
                  <th scope="col">{t("provider")}</th>
                </tr>
              </thead>
              <tbody>
                {payments.data.items.map((payment) => (
                  <tr key={payment.id} data-status={payment.status}>
                    <td>{formatDateTime(payment.createdAt, language)}</td>
                    <td>{t(payment.type)}</td>
                    <td className="num">{formatMoney(payment.amount, language)}</td>
                    <td>{t(payment.status)}</td>
                    <td>{payment.provider}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </Screen>
  )
}
