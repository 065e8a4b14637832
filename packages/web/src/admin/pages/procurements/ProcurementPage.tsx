/**
 * One procurement: its parameters and progress, the status moves its lifecycle allows from where it stands (core's
 * `procurementTransitions`, the table the server enforces), each confirmed with what it will do, the featured switch,
 * and the participants with their statuses. Every change refreshes the page and the grid, and is audited by the server.
 */
import { FlagBody, ProcurementId, procurementTransitions } from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { Option, Schema } from "effect"
import { useMemo } from "react"
import { Link, useParams } from "wouter"
import { DataTable, type DataColumn } from "../../../app/DataTable.js"
import { ErrorMessage } from "../../../app/Errors.js"
import { formatDateTime, formatMoney } from "../../../app/Format.js"
import { useLanguage, useT } from "../../../app/I18n.js"
import { type ProcurementStatus, useStatusLabel } from "../../../app/Procurement.js"
import { QueryView } from "../../../app/QueryView.js"
import { Screen } from "../../../app/Screen.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { type ParamRows, Params } from "../../Params.js"
import { adminMessages } from "../../messages.js"
import type { AdminResult } from "../../Types.js"
import { useAdminCategories } from "../categories/AdminCategories.js"
import { GRID_ID, procurementKey, type ProcurementRow, useAdminProcurement } from "./AdminProcurement.js"
import { messages } from "./messages.js"

type Participant = AdminResult<"procurementParticipants">[number]

const decodeId = Schema.decodeUnknownOption(ProcurementId)

const participantsKey = (id: ProcurementId) => ["admin-procurement-participants", id] as const

const BackToList = () => {
  const t = useT(messages)
  return <Link href="/procurements">{t("backToList")}</Link>
}

const UserLink = ({ user }: { user: { readonly id: string; readonly name: string } }) => (
  <Link href={`/users/${user.id}`}>{user.name}</Link>
)

const Parameters = ({ view }: { view: ProcurementRow }) => {
  const t = useT(messages)
  const ta = useT(adminMessages)
  const { language } = useLanguage()
  const status = useStatusLabel()
  const categories = useAdminCategories()
  const p = view.procurement
  const money = (kopecks: bigint | null) => (kopecks === null ? "" : formatMoney(kopecks, language))
  const category = categories.flat.find((c) => c.category.id === p.categoryId)?.label.trim()
  const rows: ParamRows = [
    [t("id"), <code key="id">{p.id}</code>],
    [t("status"), status(p.status)],
    [t("category"), p.categoryId === null ? t("noCategory") : (category ?? p.categoryId)],
    [t("city"), p.city],
    [t("organizer"), <UserLink key="organizer" user={view.organizer} />],
    [t("supplier"), view.supplier === null ? "" : <UserLink key="supplier" user={view.supplier} />],
    [t("target"), money(p.targetAmount)],
    [t("pricePerUnit"), `${money(p.pricePerUnit)} / ${p.unit}`],
    [t("minQuantity"), String(p.minQuantity)],
    [t("stopAtAmount"), money(p.stopAtAmount)],
    [t("organizerFee"), `${p.organizerFeePercent}%`],
    [t("held"), money(p.heldAmount)],
    [t("deadline"), formatDateTime(p.deadline, language)],
    [t("paymentDeadline"), p.paymentDeadline === null ? "" : formatDateTime(p.paymentDeadline, language)],
    [t("deliveryAddress"), p.deliveryAddress ?? ""],
    [t("featured"), p.isFeatured ? ta("yes") : ta("no")],
    [t("created"), formatDateTime(p.createdAt, language)],
    [t("updated"), formatDateTime(p.updatedAt, language)]
  ]
  return (
    <section className="card" aria-labelledby="parameters-title">
      <h2 id="parameters-title">{t("parameters")}</h2>
      <p>
        {t("progress", {
          collected: money(view.progress.collectedAmount),
          target: money(p.targetAmount),
          percent: view.progress.percent
        })}
        {" · "}
        {t("participantCount", { count: view.progress.participantCount })}
      </p>
      <Params rows={rows} testId="procurement-parameters" />
      {p.description === "" ? null : (
        <>
          <h3>{t("description")}</h3>
          <p>{p.description}</p>
        </>
      )}
    </section>
  )
}

/** After a change: the page shows the server's answer, the grid and the participants load again. */
const useRefresh = (id: ProcurementId) => {
  const queryClient = useQueryClient()
  return async (view: ProcurementRow) => {
    queryClient.setQueryData(procurementKey(id), view)
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ["admin-grid", GRID_ID] }),
      queryClient.invalidateQueries({ queryKey: participantsKey(id) })
    ])
  }
}

const effectKey = (to: ProcurementStatus) =>
  to === "ACTIVE"
    ? "effectACTIVE"
    : to === "STOPPED"
      ? "effectSTOPPED"
      : to === "PAYMENT"
        ? "effectPAYMENT"
        : to === "COMPLETED"
          ? "effectCOMPLETED"
          : "effectCANCELLED"

const StatusMoves = ({ view }: { view: ProcurementRow }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const status = useStatusLabel()
  const p = view.procurement
  const refresh = useRefresh(p.id)
  const move = useMutation({
    mutationFn: (to: ProcurementStatus) =>
      api.run((c) => c.admin.setProcurementStatus({ path: { id: p.id }, payload: { status: to } })),
    onSuccess: refresh
  })
  const moves = procurementTransitions[p.status]
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">{t("statusSection")}</h2>
      <p data-testid="procurement-status" data-status={p.status}>
        {t("currentStatus", { status: status(p.status) })}
      </p>
      {moves.length === 0 ? (
        <p className="hint">{t("noMoves")}</p>
      ) : (
        <div className="row">
          {moves.map((to) => (
            <ConfirmAction
              key={to}
              label={t("moveTo", { status: status(to) })}
              danger={to === "CANCELLED"}
              question={
                <>
                  {t("confirmMove", { title: p.title, from: status(p.status), to: status(to) })} {t(effectKey(to))}
                </>
              }
              confirmLabel={t("moveTo", { status: status(to) })}
              onConfirm={() => move.mutateAsync(to)}
              testId={`move-${to}`}
            />
          ))}
        </div>
      )}
    </section>
  )
}

const Featured = ({ view }: { view: ProcurementRow }) => {
  const t = useT(messages)
  const api = useAdminApi()
  const p = view.procurement
  const refresh = useRefresh(p.id)
  const toggle = useMutation({
    mutationFn: (value: boolean) =>
      api.run((c) => c.admin.setProcurementFeatured({ path: { id: p.id }, payload: new FlagBody({ value }) })),
    onSuccess: refresh
  })
  return (
    <section className="card" aria-labelledby="featured-title">
      <h2 id="featured-title">{t("featuredSection")}</h2>
      <p>{p.isFeatured ? t("featuredOn") : t("featuredOff")}</p>
      <button
        type="button"
        className="secondary"
        aria-pressed={p.isFeatured}
        disabled={toggle.isPending}
        aria-busy={toggle.isPending}
        onClick={() => toggle.mutate(!p.isFeatured)}
        data-testid="toggle-featured"
      >
        {p.isFeatured ? t("unfeature") : t("feature")}
      </button>
      <ErrorMessage error={toggle.error} />
    </section>
  )
}

const Participants = ({ id }: { id: ProcurementId }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const status = useStatusLabel()
  const api = useAdminApi()
  const participants = useQuery({
    queryKey: participantsKey(id),
    queryFn: () => api.run((c) => c.admin.procurementParticipants({ path: { id } }))
  })
  const columns = useMemo(
    (): ReadonlyArray<DataColumn<Participant>> => [
      {
        id: "participant",
        header: t("participant"),
        cell: ({ user }) => (
          <>
            <Link href={`/users/${user.id}`}>{[user.firstName, user.lastName ?? ""].join(" ").trim()}</Link>
            {user.username === null ? null : <span className="hint"> @{user.username}</span>}
          </>
        )
      },
      { id: "status", header: t("status"), cell: ({ participant }) => status(participant.status) },
      { id: "quantity", header: t("quantity"), numeric: true, cell: ({ participant }) => participant.quantity },
      {
        id: "amount",
        header: t("amount"),
        numeric: true,
        cell: ({ participant }) => formatMoney(participant.amount, language)
      },
      { id: "joined", header: t("joined"), cell: ({ participant }) => formatDateTime(participant.createdAt, language) }
    ],
    [t, status, language]
  )
  return (
    <section className="card" aria-labelledby="participants-title">
      <h2 id="participants-title">{t("participantsSection")}</h2>
      <QueryView query={participants} empty={{ when: (rows) => rows.length === 0, say: t("noParticipants") }}>
        {(rows) => (
          <DataTable
            label={t("participantsSection")}
            testId="procurement-participants"
            rows={rows}
            rowKey={(r) => r.participant.id}
            rowData={(r) => ({ "data-status": r.participant.status })}
            columns={columns}
          />
        )}
      </QueryView>
    </section>
  )
}

const Procurement = ({ id }: { id: ProcurementId }) => {
  const t = useT(messages)
  const procurement = useAdminProcurement(id)
  return (
    <Screen title={procurement.data?.procurement.title ?? t("title")} actions={<BackToList />}>
      <QueryView query={procurement}>
        {(view) => (
          <>
            <div className="grid-2">
              <Parameters view={view} />
              <div className="side-stack">
                <StatusMoves view={view} />
                <Featured view={view} />
              </div>
            </div>
            <Participants id={id} />
          </>
        )}
      </QueryView>
    </Screen>
  )
}

const ProcurementPage = () => {
  const t = useT(messages)
  const params = useParams<{ id: string }>()
  return Option.match(decodeId(params.id), {
    onNone: () => (
      <Screen title={t("title")} actions={<BackToList />}>
        <p className="error" role="alert">
          {t("notFound")}
        </p>
      </Screen>
    ),
    onSome: (id) => <Procurement id={id} />
  })
}

export default ProcurementPage
