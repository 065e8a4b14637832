/**
 * The texts of the notification rows the dispatcher writes: one table per language, Russian (default) and English,
 * with the same keys (the type of `en` checks it). Placeholders `{name}` are filled from the event in one pass, so a
 * title that contains braces stays as it is. A new language is one table here: core's `Language` makes a missing
 * table a type error.
 */
import type { Language, ProcurementStatus } from "@groupbuy/core"

/** The language of users whose account cannot be read. */
export const DEFAULT_LANGUAGE: Language = "ru"

const ru = {
  "status.DRAFT": "черновик",
  "status.ACTIVE": "идёт сбор",
  "status.STOPPED": "сбор остановлен",
  "status.PAYMENT": "оплата",
  "status.COMPLETED": "завершена",
  "status.CANCELLED": "отменена",
  "statusChanged.title": "«{title}»: {status}",
  "statusChanged.body": "Статус закупки «{title}» изменился: {from} → {to}.",
  "paymentRequired.title": "Оплатите участие в «{title}»",
  "paymentRequired.body": "К оплате: {amount}.",
  "paymentReceived.title": "Платёж получен",
  "paymentReceived.body": "Зачислено {amount}.",
  "chatMessage.title": "Новое сообщение в чате закупки"
} as const

export type NotificationTextKey = keyof typeof ru

const en: Record<NotificationTextKey, string> = {
  "status.DRAFT": "draft",
  "status.ACTIVE": "collecting",
  "status.STOPPED": "collection stopped",
  "status.PAYMENT": "payment",
  "status.COMPLETED": "completed",
  "status.CANCELLED": "cancelled",
  "statusChanged.title": "“{title}”: {status}",
  "statusChanged.body": "The status of “{title}” changed: {from} → {to}.",
  "paymentRequired.title": "Please pay for “{title}”",
  "paymentRequired.body": "Amount due: {amount}.",
  "paymentReceived.title": "Payment received",
  "paymentReceived.body": "{amount} credited.",
  "chatMessage.title": "New message in a procurement chat"
}

/** Every table (for the completeness test and for tools). */
export const notificationCatalogues: Readonly<Record<Language, Readonly<Record<NotificationTextKey, string>>>> = {
  ru,
  en
}

/** A text of the table of `language` with its placeholders filled. */
export const notificationText = (
  language: Language,
  key: NotificationTextKey,
  params: Readonly<Record<string, string>> = {}
): string => notificationCatalogues[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole)

/** A procurement status as people read it. */
export const statusText = (language: Language, status: ProcurementStatus): string =>
  notificationText(language, `status.${status}`)
