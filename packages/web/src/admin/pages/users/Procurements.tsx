/**
 * A user's procurements on their page: those they organize (status, what is collected of the target, participants,
 * deadline) and those they take part in (the procurement's status, their participation's status, quantity, amount).
 * Each title opens the procurement's page in the panel.
 */
import { useMemo } from "react"
import { Link } from "wouter"
import { type DataColumn, DataTable } from "../../../app/DataTable.js"
import { formatDate, formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { useStatusLabel } from "../../../app/Procurement.js"
import { Empty } from "../../../app/Screen.js"
import type { AdminResult } from "../../Types.js"
import { messages } from "./messages.js"

type UserProcurements = AdminResult<"user">["procurements"]
type Organized = UserProcurements["organized"][number]
type Joined = UserProcurements["joined"][number]

const Title = ({ view }: { view: Organized }) => (
  <Link href={`/procurements/${view.procurement.id}`}>{view.procurement.title}</Link>
)

/** One titled list of the page: its table, or what it says when empty. */
const ListSection = <Row,>({
  id,
  title,
  empty,
  rows,
  rowKey,
  columns
}: {
  id: string
  title: string
  empty: string
  rows: ReadonlyArray<Row>
  rowKey: (row: Row) => string
  columns: ReadonlyArray<DataColumn<Row>>
}) => (
  <section className="card" aria-labelledby={`${id}-title`}>
    <h2 id={`${id}-title`}>{title}</h2>
    {rows.length === 0 ? (
      <Empty>{empty}</Empty>
    ) : (
      <DataTable label={title} testId={id} rows={rows} rowKey={rowKey} columns={columns} />
    )}
  </section>
)

export const Procurements = ({ procurements }: { procurements: UserProcurements }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const status = useStatusLabel()
  const money = (kopecks: bigint) => formatMoney(kopecks, language)
  const organized = useMemo(
    (): ReadonlyArray<DataColumn<Organized>> => [
      { id: "title", header: t("procurement"), cell: (v) => <Title view={v} /> },
      { id: "status", header: t("procurementStatus"), cell: (v) => status(v.procurement.status) },
      {
        id: "collected",
        header: t("collected"),
        numeric: true,
        cell: (v) =>
          t("collectedOf", {
            collected: money(v.progress.collectedAmount),
            target: money(v.procurement.targetAmount),
            percent: v.progress.percent
          })
      },
      { id: "participants", header: t("participants"), numeric: true, cell: (v) => v.progress.participantCount },
      { id: "deadline", header: t("deadline"), cell: (v) => formatDate(v.procurement.deadline, language) }
    ],
    [t, status, language]
  )
  const joined = useMemo(
    (): ReadonlyArray<DataColumn<Joined>> => [
      { id: "title", header: t("procurement"), cell: (j) => <Title view={j.view} /> },
      { id: "status", header: t("procurementStatus"), cell: (j) => status(j.view.procurement.status) },
      { id: "participation", header: t("participation"), cell: (j) => status(j.participant.status) },
      { id: "quantity", header: t("quantity"), numeric: true, cell: (j) => j.participant.quantity },
      { id: "paid", header: t("paid"), numeric: true, cell: (j) => money(j.participant.amount) }
    ],
    [t, status, language]
  )
  return (
    <>
      <ListSection
        id="user-organized"
        title={t("organized")}
        empty={t("noOrganized")}
        rows={procurements.organized}
        rowKey={(v) => v.procurement.id}
        columns={organized}
      />
      <ListSection
        id="user-joined"
        title={t("joined")}
        empty={t("noJoined")}
        rows={procurements.joined}
        rowKey={(j) => j.participant.id}
        columns={joined}
      />
    </>
  )
}
