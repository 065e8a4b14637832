/** My procurements: the ones I organize, the ones I take part in, and (suppliers) the ones I supply, by status. */
import { useQuery } from "@tanstack/react-query"
import { useState } from "react"
import {
  ErrorMessage,
  Loading,
  ProcurementCards,
  Screen,
  StatusFilter,
  useApi,
  useSession,
  useStatusLabel,
  useT,
  type CardItem,
  type ProcurementStatus
} from "../../app/index.js"
import { messages } from "./messages.js"

type Tab = "organized" | "joined" | "supplied"

export default function MyProcurements() {
  const t = useT(messages)
  const statusLabel = useStatusLabel()
  const api = useApi()
  const { user } = useSession()
  const me = user!
  const tabs: ReadonlyArray<Tab> = [
    ...(me.role === "organizer" || me.isAdmin ? (["organized"] as const) : []),
    "joined",
    ...(me.role === "supplier" ? (["supplied"] as const) : [])
  ]
  const [tab, setTab] = useState<Tab>(tabs[0]!)
  const [status, setStatus] = useState<"" | ProcurementStatus>("")

  const mine = useQuery({
    queryKey: ["my-procurements", me.id],
    queryFn: () => api.run((c) => c.procurements.forUser({ path: { userId: me.id } }))
  })
  const rows: ReadonlyArray<CardItem> =
    tab === "organized"
      ? (mine.data?.organized ?? []).map((view) => ({ view }))
      : tab === "joined"
        ? (mine.data?.joined ?? []).map((j) => ({
            view: j.view,
            extra: t("myPart", { status: statusLabel(j.participant.status) })
          }))
        : (mine.data?.supplied ?? []).map((view) => ({ view }))
  const shown = rows.filter((r) => status === "" || r.view.procurement.status === status)
  const pending = mine.isPending
  const error = mine.error

  return (
    <Screen title={t("title")}>
      <div className="tabs" role="group" aria-label={t("title")}>
        {tabs.map((name) => (
          <button key={name} type="button" aria-pressed={tab === name} onClick={() => setTab(name)}>
            {t(name)}
          </button>
        ))}
      </div>
      <div className="filters">
        <StatusFilter id="my-status" value={status} onChange={setStatus} first={[{ value: "", label: t("all") }]} />
      </div>
      <ErrorMessage error={error} />
      {pending ? <Loading /> : <ProcurementCards items={shown} empty={t("empty")} testId="my-list" />}
    </Screen>
  )
}
