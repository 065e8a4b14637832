/**
 * Shared pieces of procurement screens: status names, the status filter, and the card of a procurement with the list
 * of them.
 */
import type { ProcurementViewJson } from "@groupbuy/core/api"
import type { ReactNode } from "react"
import { Link } from "wouter"
import { formatMoney } from "./Format.js"
import { defineMessages, useLanguage, useT } from "./I18n.js"
import { Empty } from "./Screen.js"
import { SelectField, type SelectOption } from "./SelectField.js"

export type ProcurementView = ProcurementViewJson
export type ProcurementStatus = ProcurementView["procurement"]["status"]

export const STATUSES: ReadonlyArray<ProcurementStatus> = [
  "DRAFT",
  "ACTIVE",
  "STOPPED",
  "PAYMENT",
  "COMPLETED",
  "CANCELLED"
]

const messages = defineMessages({
  ru: {
    DRAFT: "Черновик",
    ACTIVE: "Сбор заявок",
    STOPPED: "Сбор остановлен",
    PAYMENT: "Оплата",
    COMPLETED: "Завершена",
    CANCELLED: "Отменена",
    PENDING: "Ожидает подтверждения",
    CONFIRMED: "Подтверждён",
    PAID: "Оплачено",
    DELIVERED: "Доставлено",
    status: "Статус",
    collected: "Собрано {collected} из {target}",
    participants: "Участников: {count}",
    daysLeft: "Осталось дней: {days}",
    ended: "Срок истёк",
    progress: "Собрано {percent}%"
  },
  en: {
    DRAFT: "Draft",
    ACTIVE: "Collecting",
    STOPPED: "Collection stopped",
    PAYMENT: "Payment",
    COMPLETED: "Completed",
    CANCELLED: "Cancelled",
    PENDING: "Awaiting confirmation",
    CONFIRMED: "Confirmed",
    PAID: "Paid",
    DELIVERED: "Delivered",
    status: "Status",
    collected: "{collected} of {target} collected",
    participants: "Participants: {count}",
    daysLeft: "Days left: {days}",
    ended: "Deadline passed",
    progress: "{percent}% collected"
  }
})

export type StatusKey = ProcurementStatus | "PENDING" | "CONFIRMED" | "PAID" | "DELIVERED"

/** The readable name of a procurement or participant status. */
export const useStatusLabel = () => {
  const t = useT(messages)
  return (status: StatusKey) => t(status)
}

/** Every procurement status as a select's options, in lifecycle order. */
export const useStatusOptions = (): ReadonlyArray<SelectOption<ProcurementStatus>> => {
  const label = useStatusLabel()
  return STATUSES.map((status) => ({ value: status, label: label(status) }))
}

/** A select of the procurement status to show: the choices it starts with (all, the open ones…), then every status. */
export const StatusFilter = <V extends string>({
  id,
  value,
  onChange,
  first
}: {
  id: string
  value: V | ProcurementStatus
  onChange: (value: V | ProcurementStatus) => void
  first: ReadonlyArray<SelectOption<V>>
}) => {
  const t = useT(messages)
  const statuses = useStatusOptions()
  return <SelectField id={id} label={t("status")} value={value} onChange={onChange} options={[...first, ...statuses]} />
}

/** Figures of a card, from the wasm/JS kernels when the list went through them. */
export interface CardFigures {
  readonly percent: number
  readonly daysLeft: number
  readonly collected: string
  readonly target: string
}

export const ProcurementCard = ({
  view,
  figures,
  headingLevel = 2,
  extra
}: {
  view: ProcurementView
  figures?: CardFigures | undefined
  headingLevel?: 2 | 3
  extra?: string
}) => {
  const t = useT(messages)
  const { language } = useLanguage()
  const p = view.procurement
  const f: CardFigures = figures ?? {
    percent: view.progress.percent,
    daysLeft: view.progress.daysLeft,
    collected: formatMoney(view.progress.collectedAmount, language),
    target: formatMoney(p.targetAmount, language)
  }
  const Heading = headingLevel === 2 ? "h2" : "h3"
  const width = Math.max(0, Math.min(100, f.percent))
  return (
    <article className="card" data-testid="procurement-card" data-id={p.id}>
      <Heading>
        <Link href={`/procurements/${p.id}`} className="title">
          {p.title}
        </Link>
      </Heading>
      <div className="meta">
        <span className="status">{t(p.status)}</span>
        <span>{p.city}</span>
        {extra === undefined ? null : <span>{extra}</span>}
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label={t("progress", { percent: Math.floor(f.percent) })}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.floor(width)}
      >
        <span style={{ width: `${width}%` }} />
      </div>
      <div className="meta">
        <span>{t("collected", { collected: f.collected, target: f.target })}</span>
        <span>{t("participants", { count: view.progress.participantCount })}</span>
        <span>{f.daysLeft > 0 ? t("daysLeft", { days: f.daysLeft }) : t("ended")}</span>
      </div>
    </article>
  )
}

/** One card of a list: the procurement, the kernels' figures for it, a line of its own in the card's meta. */
export interface CardItem {
  readonly view: ProcurementView
  readonly figures?: CardFigures | undefined
  readonly extra?: string | undefined
}

/** Procurements as a list of cards, or `empty` when there are none. */
export const ProcurementCards = ({
  items,
  empty,
  className = "cards",
  testId,
  headingLevel
}: {
  items: ReadonlyArray<CardItem>
  empty?: ReactNode
  className?: string
  testId?: string
  headingLevel?: 2 | 3
}) =>
  items.length === 0 && empty !== undefined ? (
    <Empty>{empty}</Empty>
  ) : (
    <ul className={className} data-testid={testId}>
      {items.map(({ view, figures, extra }) => (
        <li key={view.procurement.id}>
          <ProcurementCard
            view={view}
            figures={figures}
            {...(headingLevel === undefined ? {} : { headingLevel })}
            {...(extra === undefined ? {} : { extra })}
          />
        </li>
      ))}
    </ul>
  )
