/** The shop's refusals and input checks, in English and Russian. */
import { RuleViolation } from "../../Errors.js"
import type { Issue } from "../../Errors.js"
import { formatRubles } from "../../Money.js"
import { issue } from "../money/InputDecoding.js"

/** The most one product may cost (1 million rubles). */
export const MAX_PRICE = 100_000_000n
/** The most images one product may have. */
export const MAX_IMAGES = 10

const rule = (code: string, en: string, ru: string, params: Record<string, string> = {}) =>
  new RuleViolation({ code, en, ru, params })

export const Refusal = {
  subscriptionNotActive: (status: string) =>
    rule(
      "subscription.not-active",
      status === "EXPIRED"
        ? "This subscription has expired: buy it again in the catalogue."
        : "This subscription was cancelled, so it cannot be renewed.",
      status === "EXPIRED"
        ? "Срок подписки истёк — купите её заново в каталоге."
        : "Подписка отменена, продлить её нельзя.",
      { status }
    ),
  subscriptionProductGone: () =>
    rule(
      "subscription.product-gone",
      "This product is no longer sold, so the subscription cannot be renewed.",
      "Этот товар больше не продаётся, подписку продлить нельзя."
    ),
  accountBlocked: () =>
    rule(
      "purchase.account-blocked",
      "Your account is blocked, so it cannot buy.",
      "Ваш аккаунт заблокирован, покупки недоступны."
    ),
  kindFields: (field: string, kind: string) =>
    rule(
      "product.kind-fields",
      `A ${kind} product cannot have the field "${field}" (or is missing it).`,
      `У товара типа ${kind} поле «${field}» не задаётся (или обязательно).`,
      { field, kind }
    ),
  hasOrders: () =>
    rule(
      "product.has-orders",
      "This product has orders, so it cannot be deleted: deactivate it instead.",
      "По этому товару есть заказы, удалить его нельзя — отключите его."
    ),
  notDigital: () =>
    rule(
      "product.not-digital",
      "Items can only be uploaded to a digital product.",
      "Загружать позиции можно только в цифровой товар."
    ),
  itemTooLong: (line: number) =>
    rule(
      "product.item-too-long",
      `Line ${line} is longer than 4000 characters; nothing was uploaded.`,
      `Строка ${line} длиннее 4000 символов; ничего не загружено.`,
      { line: String(line) }
    ),
  notRefundable: (status: string) =>
    rule(
      "order.not-refundable",
      status === "FAILED"
        ? "This order failed and its money has already been returned."
        : `An order in status ${status} cannot be refunded.`,
      status === "FAILED"
        ? "Этот заказ не выполнен, деньги за него уже возвращены."
        : `Заказ в статусе ${status} нельзя вернуть.`,
      { status }
    )
}

const text = (
  path: string,
  value: string | undefined,
  label: { en: string; ru: string },
  min: number,
  max: number
): ReadonlyArray<Issue> => {
  if (value === undefined) return []
  const length = value.trim().length
  if (length < min)
    return [issue(path, `${path}.empty`, `The ${label.en} must not be empty`, `Поле «${label.ru}» не заполнено`)]
  if (value.length > max)
    return [
      issue(
        path,
        `${path}.too-long`,
        `The ${label.en} may be at most ${max} characters`,
        `Поле «${label.ru}» — не длиннее ${max} символов`
      )
    ]
  return []
}

export const productIssues = (input: {
  readonly title?: string | undefined
  readonly description?: string | undefined
  readonly price?: bigint | undefined
  readonly images?: ReadonlyArray<string> | undefined
  readonly periodDays?: number | undefined
}): ReadonlyArray<Issue> => [
  ...text("title", input.title, { en: "title", ru: "название" }, 1, 200),
  ...text("description", input.description, { en: "description", ru: "описание" }, 0, 4000),
  ...(input.price === undefined || (input.price > 0n && input.price <= MAX_PRICE)
    ? []
    : [
        issue(
          "price",
          "price.out-of-range",
          `The price must be above zero and at most ${formatRubles(MAX_PRICE)}`,
          `Цена должна быть больше нуля и не больше ${formatRubles(MAX_PRICE)}`
        )
      ]),
  ...(input.images === undefined
    ? []
    : input.images.length > MAX_IMAGES
      ? [issue("images", "images.too-many", `At most ${MAX_IMAGES} images`, `Не больше ${MAX_IMAGES} изображений`)]
      : input.images.flatMap((url, i) =>
          /^https?:\/\/\S+$/u.test(url) && url.length <= 2000
            ? []
            : [
                issue(
                  `images.${i}`,
                  "images.not-a-link",
                  `Image ${i + 1} is not an http(s) link`,
                  `Изображение ${i + 1} — не ссылка http(s)`
                )
              ]
        )),
  ...(input.periodDays === undefined || (Number.isInteger(input.periodDays) && input.periodDays > 0)
    ? []
    : [
        issue(
          "periodDays",
          "period.invalid",
          "The period must be a whole number of days above zero",
          "Срок — целое число дней больше нуля"
        )
      ])
]

export const settingsIssues = (input: {
  readonly name?: string | undefined
  readonly description?: string | undefined
  readonly supportContact?: string | undefined
  readonly currencyDisplay?: string | undefined
  readonly offer?: { readonly groupBuys: boolean; readonly shop: boolean } | undefined
}): ReadonlyArray<Issue> => [
  ...text("name", input.name, { en: "shop name", ru: "название магазина" }, 1, 100),
  ...text("description", input.description, { en: "description", ru: "описание" }, 0, 2000),
  ...text("supportContact", input.supportContact, { en: "support contact", ru: "контакт поддержки" }, 0, 200),
  ...text("currencyDisplay", input.currencyDisplay, { en: "currency sign", ru: "знак валюты" }, 1, 8),
  ...(input.offer !== undefined && !input.offer.groupBuys && !input.offer.shop
    ? [
        issue(
          "offer",
          "offer.none",
          "The bots must offer group purchases, the shop or both",
          "Боты должны предлагать совместные закупки, магазин или и то и другое"
        )
      ]
    : [])
]
