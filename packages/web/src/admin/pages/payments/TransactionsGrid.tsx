/**
 * The ledger as a server grid: every balance change with the balance it left, filterable by type and (unless the grid
 * is one user's) by user. The payments section's journal; a user's page can show the same grid fixed to that user.
 */
import { TransactionSortColumn } from "@groupbuy/core/api"
import { UserId } from "@groupbuy/core/api"
import { useMemo } from "react"
import { Link } from "wouter"
import { formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import type { SelectOption } from "../../../app/SelectField.js"
import { useAdminApi } from "../../AdminSession.js"
import { chosen, dayBound, sortOrder, typedId } from "../../grid/Choice.js"
import { type GridColumn, type GridFilter, type GridQuery, ServerGrid } from "../../grid/ServerGrid.js"
import { dateTimeColumn } from "../../grid/Columns.js"
import { adminMessages } from "../../messages.js"
import type { PageItem } from "../../Types.js"
import { messages as userWords } from "../users/messages.js"
import { messages } from "./messages.js"

export type TransactionRow = PageItem<"transactions">
type TransactionType = TransactionRow["type"]

const TYPES: ReadonlyArray<TransactionType> = [
  "DEPOSIT",
  "WITHDRAWAL",
  "PROCUREMENT_JOIN",
  "PROCUREMENT_REFUND",
  "TRANSFER",
  "BONUS",
  "ADJUSTMENT",
  "PURCHASE",
  "PURCHASE_REFUND",
  "COMMISSION",
  "COMMISSION_REVERSAL",
  "WITHDRAWAL_HOLD",
  "WITHDRAWAL_RELEASE"
]

/** The columns the server orders the ledger by. */
const SORTABLE = TransactionSortColumn.literals

const short = (id: string) => id.slice(0, 8)

/** `id` names the grid's query and file; `user` fixes it to one user's rows. */
export const TransactionsGrid = ({ id, label, user }: { id: string; label: string; user?: UserId }) => {
  const t = useT(messages)
  const tu = useT(userWords)
  const ta = useT(adminMessages)
  const { language } = useLanguage()
  const api = useAdminApi()
  const types = useMemo(
    (): ReadonlyArray<SelectOption<TransactionType>> => TYPES.map((type) => ({ value: type, label: tu(type) })),
    [tu]
  )
  const columns = useMemo(
    (): ReadonlyArray<GridColumn<TransactionRow>> => [
      dateTimeColumn({ id: "date", header: tu("date"), sortKey: "createdAt", at: (x) => x.createdAt }, language),
      ...(user === undefined
        ? [
            {
              id: "user",
              header: t("user"),
              cell: (x: TransactionRow) => <Link href={`/users/${x.userId}`}>{short(x.userId)}</Link>,
              csv: (x: TransactionRow) => x.userId
            }
          ]
        : []),
      { id: "type", header: tu("type"), sortKey: "type", cell: (x) => tu(x.type), csv: (x) => x.type },
      {
        id: "change",
        header: tu("change"),
        numeric: true,
        sortKey: "amount",
        cell: (x) => `${x.amount > 0n ? "+" : ""}${formatMoney(x.amount, language)}`,
        csv: (x) => Number(x.amount) / 100
      },
      {
        id: "after",
        header: tu("after"),
        numeric: true,
        sortKey: "balanceAfter",
        cell: (x) => formatMoney(x.balanceAfter, language),
        csv: (x) => Number(x.balanceAfter) / 100
      },
      { id: "note", header: tu("note"), cell: (x) => x.description ?? "", csv: (x) => x.description },
      {
        id: "procurement",
        header: t("procurement"),
        cell: (x) =>
          x.procurementId === null ? (
            ""
          ) : (
            <Link href={`/procurements/${x.procurementId}`}>{short(x.procurementId)}</Link>
          ),
        csv: (x) => x.procurementId
      },
      {
        id: "author",
        header: tu("author"),
        cell: (x) => (x.createdBy === null ? "" : <Link href={`/users/${x.createdBy}`}>{short(x.createdBy)}</Link>),
        csv: (x) => x.createdBy
      }
    ],
    [t, tu, language, user]
  )
  const filters = useMemo(
    (): ReadonlyArray<GridFilter> => [
      ...(user === undefined ? [{ kind: "text" as const, id: "userId", label: t("userId") }] : []),
      { kind: "select", id: "type", label: tu("type"), options: types },
      { kind: "date", id: "from", label: ta("from") },
      { kind: "date", id: "to", label: ta("to") }
    ],
    [t, tu, ta, types, user]
  )
  const fetchPage = async (q: GridQuery) => {
    const userId = user ?? typedId(UserId, q.filters.userId, t("userId"))
    return api.run((c) =>
      c.admin.transactions({
        urlParams: {
          offset: q.offset,
          limit: q.limit,
          userId,
          type: chosen(types, q.filters.type),
          from: dayBound(q.filters.from, "start", ta("from")),
          to: dayBound(q.filters.to, "end", ta("to")),
          sort: sortOrder(SORTABLE, q.sort)
        }
      })
    )
  }
  return (
    <ServerGrid
      id={id}
      label={label}
      columns={columns}
      filters={filters}
      rowKey={(x) => x.id}
      rowData={(x) => ({ "data-transaction-id": x.id, "data-type": x.type })}
      fetchPage={fetchPage}
    />
  )
}
