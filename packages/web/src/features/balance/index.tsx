/**
 * Balance: the figure, a deposit (the sandbox page or the bank's transfer details), the ledger with types and the
 * running balance (a TanStack Table), and payments with their statuses. A deposit keeps one idempotency key until it
 * succeeds, so pressing again after a failure never starts a second one.
 */
import { CreateDepositBody } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query"
import type { Effect } from "effect"
import { useMemo, useState } from "react"
import {
  DataTable,
  ErrorMessage,
  QueryView,
  Screen,
  formatDateTime,
  formatMoney,
  parseRubles,
  useApi,
  useLanguage,
  useSession,
  useT,
  type Client,
  type DataColumn,
  type SessionUser
} from "../../app/index.js"
import { messages } from "./messages.js"
import { Withdrawals } from "./Withdrawals.js"

type Transaction = Effect.Effect.Success<ReturnType<typeof fetchTransactions>>["items"][number]
type Payment = Effect.Effect.Success<ReturnType<typeof fetchPayments>>["items"][number]

const fetchTransactions = (client: Client, id: Parameters<Client["payments"]["transactions"]>[0]["path"]["id"]) =>
  client.payments.transactions({ path: { id }, urlParams: { limit: 100 } })
const fetchPayments = (client: Client) => client.payments.list({ urlParams: { limit: 50 } })

const newKey = () => crypto.randomUUID()

/** Everything this screen fetches lives under one query key per account, so a deposit refreshes it all. */
const balanceKey = (userId: SessionUser["id"]) => ["balance", userId] as const

/** The account's money: the figure (kept live), the ledger's last 100 entries and the last 50 payments. */
const useAccountMoney = (userId: SessionUser["id"]) => {
  const api = useApi()
  return {
    balance: useQuery({
      queryKey: balanceKey(userId),
      queryFn: () => api.run((c) => c.payments.balance({ path: { id: userId } })),
      refetchInterval: 10_000
    }),
    transactions: useQuery({
      queryKey: [...balanceKey(userId), "transactions"],
      queryFn: () => api.run((c) => fetchTransactions(c, userId))
    }),
    payments: useQuery({
      queryKey: [...balanceKey(userId), "payments"],
      queryFn: () => api.run(fetchPayments)
    })
  }
}

export default function Balance() {
  const t = useT(messages)
  const { language } = useLanguage()
  const { user } = useSession()
  const id = user!.id
  const { balance, transactions, payments } = useAccountMoney(id)

  const money = (kopecks: bigint) => formatMoney(kopecks, language)
  const transactionColumns = useMemo(
    (): ReadonlyArray<DataColumn<Transaction>> => [
      { id: "date", header: t("date"), cell: (row) => formatDateTime(row.createdAt, language) },
      { id: "type", header: t("type"), cell: (row) => t(row.type) },
      {
        id: "change",
        header: t("change"),
        cell: (row) => (row.amount > 0n ? "+" : "") + money(row.amount),
        numeric: true
      },
      { id: "after", header: t("after"), cell: (row) => money(row.balanceAfter), numeric: true },
      { id: "note", header: t("note"), cell: (row) => row.description ?? "" }
    ],
    [t, language]
  )
  const paymentColumns = useMemo(
    (): ReadonlyArray<DataColumn<Payment>> => [
      { id: "date", header: t("date"), cell: (row) => formatDateTime(row.createdAt, language) },
      { id: "type", header: t("type"), cell: (row) => t(row.type) },
      { id: "change", header: t("change"), cell: (row) => money(row.amount), numeric: true },
      { id: "status", header: t("status"), cell: (row) => t(row.status) },
      { id: "provider", header: t("provider"), cell: (row) => row.provider }
    ],
    [t, language]
  )

  return (
    <Screen title={t("title")}>
      <div className="grid-2">
        <section className="card" aria-labelledby="balance-title">
          <h2 id="balance-title">{t("balance")}</h2>
          <QueryView query={balance}>
            {({ balance }) => (
              <p className="balance-figure" data-testid="balance" data-kopecks={String(balance)}>
                {money(balance)}
              </p>
            )}
          </QueryView>
        </section>
        <DepositForm userId={id} />
      </div>
      <Withdrawals userId={id} balanceKey={balanceKey(id)} />

      <ListSection
        id="history"
        title={t("history")}
        empty={t("noTransactions")}
        query={transactions}
        testId="transactions"
        columns={transactionColumns}
        rowData={(row) => ({ "data-type": row.type })}
      />
      <ListSection
        id="payments"
        title={t("payments")}
        empty={t("noPayments")}
        query={payments}
        testId="payments"
        columns={paymentColumns}
        rowData={(row) => ({ "data-status": row.status })}
      />
    </Screen>
  )
}

/**
 * A deposit: the amount, then the sandbox page's link or the bank's transfer details. It keeps one idempotency key
 * until a deposit succeeds, so pressing again after a failure never starts a second one.
 */
export const DepositForm = ({
  userId,
  initialAmount,
  newTab = false
}: {
  userId: SessionUser["id"]
  /** the amount offered (the shop offers exactly what a purchase misses) */
  initialAmount?: bigint
  /** the payment page opens in a new tab, so the screen that offered the deposit stays where it was */
  newTab?: boolean
}) => {
  const t = useT(messages)
  const api = useApi()
  const queryClient = useQueryClient()
  const [amountText, setAmountText] = useState(() =>
    initialAmount === undefined
      ? ""
      : `${initialAmount / 100n}${initialAmount % 100n === 0n ? "" : `,${String(initialAmount % 100n).padStart(2, "0")}`}`
  )
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
      void queryClient.invalidateQueries({ queryKey: balanceKey(userId) })
    }
  })

  return (
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
              <a
                href={deposit.data.url}
                data-testid="deposit-link"
                {...(newTab ? { target: "_blank", rel: "noopener noreferrer" } : {})}
              >
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
  )
}

/** A titled section with one page of a list (`{ items }`) as a table, or what an empty one says. */
const ListSection = <Row extends { readonly id: string }>({
  id,
  title,
  empty,
  query,
  testId,
  columns,
  rowData
}: {
  id: string
  title: string
  empty: string
  query: UseQueryResult<{ readonly items: ReadonlyArray<Row> }>
  testId: string
  columns: ReadonlyArray<DataColumn<Row>>
  rowData: (row: Row) => Readonly<Record<`data-${string}`, string>>
}) => (
  <section aria-labelledby={`${id}-title`}>
    <h2 id={`${id}-title`}>{title}</h2>
    <QueryView query={query} empty={{ when: (d) => d.items.length === 0, say: empty }}>
      {({ items }) => (
        <DataTable
          label={title}
          testId={testId}
          rows={items}
          rowKey={(row) => row.id}
          columns={columns}
          rowData={rowData}
        />
      )}
    </QueryView>
  </section>
)
