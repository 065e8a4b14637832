/**
 * One procurement: every parameter, joining with a quantity inside its limits, leaving, paying from the balance in
 * PAYMENT; the organizer also sees the participants (confirm, mark delivered), the status moves the lifecycle allows,
 * editing while DRAFT or ACTIVE, and announcing an ACTIVE one in the broadcast channels (after a confirmation).
 */
import {
  AnnounceRefusal,
  JoinBody,
  OnBehalf,
  ProcurementId,
  ProcurementRules,
  StatusBody,
  procurementTransitions,
  type ParticipantViewJson
} from "@groupbuy/core/api"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { DateTime, Either, Option, Schema } from "effect"
import { useState } from "react"
import { Link, useParams } from "wouter"
import {
  ApiError,
  ConfirmAction,
  DataTable,
  ErrorMessage,
  Loading,
  QueryView,
  Screen,
  formatDate,
  formatDateTime,
  formatMoney,
  useApi,
  useDescribeError,
  useLanguage,
  useSession,
  useStatusLabel,
  useT,
  type DataColumn
} from "../../app/index.js"
import { messages } from "./messages.js"

const decodeId = Schema.decodeUnknownOption(ProcurementId)

export default function ProcurementScreen() {
  const params = useParams<{ id: string }>()
  const id = decodeId(params.id)
  const t = useT(messages)
  if (Option.isNone(id)) return <Screen title={t("notFound")}>{null}</Screen>
  return <ProcurementDetails id={id.value} />
}

type Id = typeof ProcurementId.Type

const ProcurementDetails = ({ id }: { id: Id }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const statusLabel = useStatusLabel()
  const api = useApi()
  const { user } = useSession()
  const queryClient = useQueryClient()

  const view = useQuery({
    queryKey: ["procurement", id],
    queryFn: () => api.run((c) => c.procurements.get({ path: { id } }))
  })
  const mine = useQuery({
    queryKey: ["my-procurements", user?.id],
    queryFn: () => api.run((c) => c.procurements.forUser({ path: { userId: user!.id } })),
    enabled: user !== undefined
  })
  const p = view.data?.procurement
  const isOrganizer = p !== undefined && user !== undefined && (p.organizerId === user.id || user.isAdmin)
  const myPart = mine.data?.joined.find((j) => j.view.procurement.id === id)?.participant
  const active = myPart !== undefined && myPart.status !== "CANCELLED" ? myPart : undefined
  const history = useQuery({
    queryKey: ["procurement", id, "history"],
    queryFn: () => api.run((c) => c.procurements.history({ path: { id } }))
  })
  const participants = useQuery({
    queryKey: ["participants", id],
    queryFn: () => api.run((c) => c.procurements.participants({ path: { id } })),
    enabled: isOrganizer
  })

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["procurement", id] })
    void queryClient.invalidateQueries({ queryKey: ["participants", id] })
    void queryClient.invalidateQueries({ queryKey: ["my-procurements"] })
    void queryClient.invalidateQueries({ queryKey: ["procurements"] })
    void queryClient.invalidateQueries({ queryKey: ["balance"] })
  }

  const [quantityText, setQuantityText] = useState("")
  const join = useMutation({
    mutationFn: (quantity: number) =>
      api.run((c) => c.procurements.join({ path: { id }, payload: new JoinBody({ quantity }) })),
    onSuccess: refresh
  })
  const leave = useMutation({
    mutationFn: () => api.run((c) => c.procurements.leave({ path: { id }, payload: new OnBehalf({}) })),
    onSuccess: refresh
  })
  const pay = useMutation({
    mutationFn: () => api.run((c) => c.procurements.pay({ path: { id }, payload: new OnBehalf({}) })),
    onSuccess: refresh
  })
  const move = useMutation({
    mutationFn: (status: (typeof StatusBody.Type)["status"]) =>
      api.run((c) => c.procurements.setStatus({ path: { id }, payload: new StatusBody({ status }) })),
    onSuccess: refresh
  })

  const announce = useMutation({
    mutationFn: () => api.run((c) => c.procurements.announce({ path: { id }, payload: new OnBehalf({}) }))
  })

  if (view.isPending) return <Loading />
  if (view.isError || p === undefined) {
    return (
      <Screen title={t("notFound")}>
        <ErrorMessage error={view.error} />
      </Screen>
    )
  }
  const progress = view.data.progress
  const money = (k: bigint) => formatMoney(k, language)
  const min = Math.max(1, p.minQuantity)
  const remaining = p.stopAtAmount === null ? undefined : p.stopAtAmount - progress.collectedAmount
  const max =
    remaining === undefined || p.pricePerUnit <= 0n ? undefined : Math.max(0, Number(remaining / p.pricePerUnit))
  const quantity = quantityText === "" ? min : Number(quantityText)
  // core's join rule (the server's and the bots'): its refusal, in the person's language, stands under the input
  const joinRule =
    user === undefined || !Number.isInteger(quantity)
      ? undefined
      : ProcurementRules.checkJoin({
          procurement: p,
          userId: user.id,
          userActive: user.isActive,
          quantity,
          collected: progress.collectedAmount,
          alreadyJoined: false,
          now: DateTime.unsafeNow()
        })
  const joinRefusal =
    joinRule === undefined
      ? t("quantityRange", { min, max: max ?? "∞" })
      : Either.isLeft(joinRule)
        ? joinRule.left[language]
        : undefined
  const quantityValid = joinRefusal === undefined
  const canJoin = p.status === "ACTIVE" && active === undefined && !isOrganizer
  const moves = procurementTransitions[p.status]
  const editable = isOrganizer && (p.status === "DRAFT" || p.status === "ACTIVE")

  return (
    <Screen
      title={p.title}
      actions={
        <>
          <Link href={`/procurements/${id}/chat`}>{t("chat")}</Link>
          {editable ? <Link href={`/procurements/${id}/edit`}>{t("edit")}</Link> : null}
        </>
      }
    >
      {p.imageUrl === null ? null : <img className="cover" src={p.imageUrl} alt="" />}
      <div className="grid-2">
        <section aria-labelledby="params-title" className="card">
          <h2 id="params-title">{t("params")}</h2>
          <dl className="params">
            <dt>{t("status")}</dt>
            <dd data-testid="procurement-status" data-status={p.status}>
              {statusLabel(p.status)}
            </dd>
            <dt>{t("collected")}</dt>
            <dd>
              {money(progress.collectedAmount)} / {money(p.targetAmount)} ({progress.percent}%)
            </dd>
            <dt>{t("participants")}</dt>
            <dd>{progress.participantCount}</dd>
            <dt>{t("price", { unit: p.unit })}</dt>
            <dd>{money(p.pricePerUnit)}</dd>
            <dt>{t("minQuantity")}</dt>
            <dd>
              {p.minQuantity} {p.unit}
            </dd>
            {p.stopAtAmount === null ? null : (
              <>
                <dt>{t("stopAt")}</dt>
                <dd>{money(p.stopAtAmount)}</dd>
              </>
            )}
            <dt>{t("fee")}</dt>
            <dd>{p.organizerFeePercent}%</dd>
            <dt>{t("deadline")}</dt>
            <dd>{formatDateTime(p.deadline, language)}</dd>
            {p.paymentDeadline === null ? null : (
              <>
                <dt>{t("paymentDeadline")}</dt>
                <dd>{formatDateTime(p.paymentDeadline, language)}</dd>
              </>
            )}
            <dt>{t("city")}</dt>
            <dd>{p.city}</dd>
            <dt>{t("deliveryAddress")}</dt>
            <dd>{p.deliveryAddress ?? t("none")}</dd>
            <dt>{t("organizerName")}</dt>
            <dd data-testid="organizer-name">{view.data.organizer.name}</dd>
            <dt>{t("supplier")}</dt>
            <dd data-testid="supplier-name">{view.data.supplier?.name ?? t("supplierNone")}</dd>
          </dl>
          <h3>{t("description")}</h3>
          <p className="description">{p.description}</p>
          <h3>{t("history")}</h3>
          <ul data-testid="history">
            <li>{t("created", { date: formatDate(p.createdAt, language) })}</li>
            {(history.data ?? []).map((change) => (
              <li key={`${change.from}-${change.to}`} data-to={change.to}>
                {t("historyMove", {
                  date: formatDateTime(change.at, language),
                  from: statusLabel(change.from),
                  to: statusLabel(change.to),
                  who:
                    change.userId === null
                      ? t("bySystem")
                      : change.userId === p.organizerId
                        ? t("byOrganizer")
                        : t("byAdmin")
                })}
              </li>
            ))}
          </ul>
          <ErrorMessage error={history.error} />
        </section>

        {isOrganizer && active === undefined ? null : (
          <section aria-labelledby="part-title" className="card">
            <h2 id="part-title">{t("yourPart")}</h2>
            {active === undefined ? null : (
              <p data-testid="my-participation" data-status={active.status}>
                {t("joined", {
                  quantity: active.quantity,
                  unit: p.unit,
                  amount: money(active.amount),
                  status: statusLabel(active.status)
                })}
              </p>
            )}
            {canJoin ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault()
                  if (quantityValid) join.mutate(quantity)
                }}
              >
                <label htmlFor="join-quantity">{t("quantity", { unit: p.unit })}</label>
                <input
                  id="join-quantity"
                  type="number"
                  inputMode="numeric"
                  min={min}
                  {...(max === undefined ? {} : { max })}
                  step={1}
                  value={quantityText === "" ? String(min) : quantityText}
                  onChange={(e) => setQuantityText(e.target.value)}
                  aria-invalid={!quantityValid}
                  aria-describedby="join-hint join-error"
                />
                <p className="hint" id="join-hint">
                  {quantityValid
                    ? max === undefined
                      ? t("quantityHintNoMax", { min, amount: money(p.pricePerUnit * BigInt(quantity)) })
                      : t("quantityHint", { min, max, amount: money(p.pricePerUnit * BigInt(quantity)) })
                    : null}
                </p>
                {quantityValid ? null : (
                  <p className="error" role="alert">
                    {joinRefusal}
                  </p>
                )}
                <button type="submit" disabled={join.isPending || !quantityValid} data-testid="join">
                  {t("join")}
                </button>
                <ErrorMessage error={join.error} id="join-error" />
              </form>
            ) : null}
            {active !== undefined && active.status === "CONFIRMED" && p.status === "PAYMENT" ? (
              <div>
                <button type="button" onClick={() => pay.mutate()} disabled={pay.isPending} data-testid="pay">
                  {t("pay", { amount: money(active.amount) })}
                </button>
                <ErrorMessage error={pay.error} />
              </div>
            ) : null}
            {pay.isSuccess ? <p className="ok">{t("paid")}</p> : null}
            {active !== undefined && (p.status === "ACTIVE" || p.status === "DRAFT") ? (
              <div>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => leave.mutate()}
                  disabled={leave.isPending}
                  data-testid="leave"
                >
                  {t("leave")}
                </button>
                <ErrorMessage error={leave.error} />
              </div>
            ) : null}
          </section>
        )}
      </div>

      {isOrganizer ? (
        <section aria-labelledby="org-title" className="card" data-testid="organizer">
          <h2 id="org-title">{t("organizer")}</h2>
          <div className="row">
            {moves.map((to) => (
              <button
                key={to}
                type="button"
                className={to === "CANCELLED" ? "danger" : undefined}
                disabled={move.isPending}
                onClick={() => move.mutate(to)}
                data-testid={`move-${to}`}
              >
                {t("moveTo", { status: statusLabel(to) })}
              </button>
            ))}
          </div>
          <ErrorMessage error={move.error} />
          {p.status === "ACTIVE" ? (
            <div className="announce">
              <ConfirmAction
                label={t("announce")}
                question={t("announceQuestion", { title: p.title })}
                confirmLabel={t("announceConfirm")}
                disabled={announce.isPending}
                // the answer or the refusal is shown beside the button, so the dialog closes either way
                onConfirm={() => announce.mutateAsync().catch(() => undefined)}
                testId="announce"
              />
              <AnnounceOutcome announced={announce.data} error={announce.error} />
            </div>
          ) : null}
          <h3>{t("participants")}</h3>
          <QueryView query={participants} empty={{ when: (rows) => rows.length === 0, say: t("noParticipants") }}>
            {(rows) => <Participants rows={rows} unit={p.unit} onChange={refresh} />}
          </QueryView>
        </section>
      ) : null}
    </Screen>
  )
}

/** What the announcement did: "posted to N of M channels", or the refusal in words. */
const AnnounceOutcome = ({
  announced,
  error
}: {
  announced: { readonly sent: number; readonly channels: number } | undefined
  error: unknown
}) => {
  const t = useT(messages)
  const describe = useDescribeError()
  if (error !== null && error !== undefined) {
    const code =
      error instanceof ApiError && error.tag === "RuleViolation" ? (error.error as { code?: unknown }).code : ""
    const refusal =
      code === AnnounceRefusal.notActive
        ? t("announceNotActive")
        : code === AnnounceRefusal.noChannels
          ? t("announceNoChannels")
          : code === AnnounceRefusal.tooSoon
            ? t("announceTooSoon")
            : describe(error)
    return (
      <p className="error" role="alert" data-testid="announce-refusal">
        {refusal}
      </p>
    )
  }
  if (announced === undefined) return null
  return (
    <p className={announced.sent === 0 ? "error" : "ok"} role="status" data-testid="announce-result">
      {announced.sent === 0 ? t("announcedNowhere") : t("announced", announced)}
    </p>
  )
}

type Row = typeof ParticipantViewJson.Type

const Participants = ({ rows, unit, onChange }: { rows: ReadonlyArray<Row>; unit: string; onChange: () => void }) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const statusLabel = useStatusLabel()
  const api = useApi()
  const act = useMutation({
    mutationFn: ({ id, action }: { id: (typeof rows)[number]["participant"]["id"]; action: "confirm" | "deliver" }) =>
      api.run((c) =>
        action === "confirm"
          ? c.procurements.confirmParticipant({ path: { id }, payload: new OnBehalf({}) })
          : c.procurements.markDelivered({ path: { id }, payload: new OnBehalf({}) })
      ),
    onSuccess: onChange
  })
  // the one move the organizer makes next for a participant, if any
  const next = (status: Row["participant"]["status"]) =>
    status === "PENDING" ? ("confirm" as const) : status === "PAID" ? ("deliver" as const) : undefined
  const columns: ReadonlyArray<DataColumn<Row>> = [
    {
      id: "name",
      header: t("participantName"),
      cell: ({ user }) =>
        [user.firstName, user.lastName].filter((s) => s !== null).join(" ") +
        (user.username === null ? "" : ` @${user.username}`)
    },
    {
      id: "quantity",
      header: t("participantQty"),
      cell: ({ participant }) => `${participant.quantity} ${unit}`,
      numeric: true
    },
    {
      id: "amount",
      header: t("participantAmount"),
      cell: ({ participant }) => formatMoney(participant.amount, language),
      numeric: true
    },
    { id: "status", header: t("participantStatus"), cell: ({ participant }) => statusLabel(participant.status) },
    {
      id: "actions",
      header: t("participantActions"),
      cell: ({ participant }) => {
        const action = next(participant.status)
        return action === undefined ? null : (
          <button type="button" disabled={act.isPending} onClick={() => act.mutate({ id: participant.id, action })}>
            {t(action)}
          </button>
        )
      }
    }
  ]
  return (
    <DataTable
      label={t("participants")}
      testId="participants"
      rows={rows}
      rowKey={(row) => row.participant.id}
      columns={columns}
      rowData={(row) => ({ "data-status": row.participant.status })}
      footer={<ErrorMessage error={act.error} />}
    />
  )
}
