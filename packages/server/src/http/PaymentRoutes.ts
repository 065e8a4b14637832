/**
 * Non-JSON payment routes: the sandbox payment page (`/pay/sandbox/{id}`, a Pay and a Cancel button) and the
 * provider webhook (`/api/payments/webhook/{provider}`), which reads the raw body to check its signature. Paying a
 * procurement share on the page authorizes it (a two-step card payment), captured at once when the share may be paid.
 */
import { HttpLayerRouter, HttpServerRequest, HttpServerResponse, UrlParams } from "@effect/platform"
import { formatRubles, type Language, type Payment, PaymentId, Payments, systemActor, Users } from "@groupbuy/core"
import { text } from "@groupbuy/router"
import { Effect, Either, Layer, Option, Schema } from "effect"
import { ServerConfig } from "../config/ServerConfig.js"
import { Deposits } from "../payments/Deposits.js"
import { SANDBOX, sandboxSigner } from "../payments/SandboxProvider.js"

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)

/** The sandbox pages' words; the router's catalogue gives the test-money warning the bots show too. */
const WORDS = {
  ru: {
    badLink: "Ссылка недействительна",
    notFound: "Платёж не найден",
    alreadyPaid: "Платёж уже оплачен",
    closed: "Платёж закрыт",
    status: "Статус",
    title: "Тестовая оплата",
    topUp: "Пополнение баланса на",
    share: "Оплата участия в закупке",
    sharePaid: "Участие оплачено:",
    shareHeld: "Сумма удержана на карте и будет списана, когда организатор откроет оплату:",
    sandbox: "Это песочница: деньги не списываются.",
    pay: "Оплатить",
    cancel: "Отменить",
    paid: "Оплачено",
    credited: "Баланс пополнен на",
    failed: "Платёж не прошёл",
    failedWhy: "Этот платёж уже нельзя оплатить: он закрыт.",
    cancelled: "Платёж отменён",
    cannotCancel: "Отменить нельзя",
    cannotCancelWhy: "Этот платёж уже закрыт.",
    unknownAction: "Неизвестное действие"
  },
  en: {
    badLink: "This link is not valid",
    notFound: "Payment not found",
    alreadyPaid: "This payment is already paid",
    closed: "This payment is closed",
    status: "Status",
    title: "Test payment",
    topUp: "Topping up your balance by",
    share: "Paying your share of the procurement",
    sharePaid: "Your share is paid:",
    shareHeld: "The amount is held on your card and will be charged when the organizer opens payment:",
    sandbox: "This is a sandbox: no money is charged.",
    pay: "Pay",
    cancel: "Cancel",
    paid: "Paid",
    credited: "Your balance was topped up by",
    failed: "The payment did not go through",
    failedWhy: "This payment can no longer be paid: it is closed.",
    cancelled: "Payment cancelled",
    cannotCancel: "Cannot cancel",
    cannotCancelWhy: "This payment is already closed.",
    unknownAction: "Unknown action"
  }
} as const satisfies Record<Language, Record<string, string>>

type Words = (typeof WORDS)[Language]

const page = (language: Language, title: string, body: string, status = 200) =>
  HttpServerResponse.text(
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${escape(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;` +
      `padding:0 1rem}button{font-size:1rem;padding:.6rem 1.4rem;margin-right:.5rem}</style></head>` +
      `<body><h1>${escape(title)}</h1>${body}</body></html>`,
    {
      status,
      contentType: "text/html; charset=utf-8",
      headers: { "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" }
    }
  )

/** The payer's language (Russian when the payment names no one we know), its words and the test-money warning. */
const payerLanguage = (payment: Payment) =>
  Effect.flatMap(Users, (users) => users.get(payment.userId)).pipe(
    Effect.map((user) => user.language),
    Effect.orElseSucceed((): Language => "ru"),
    Effect.map((language) => ({
      language,
      w: WORDS[language] as Words,
      banner: `<p role="alert"><strong>${escape(text(language, "deposit.testMoney"))}</strong></p>`
    }))
  )

const paymentIdParam = Effect.map(HttpLayerRouter.params, (p) => Schema.decodeUnknownOption(PaymentId)(p["id"]))

/**
 * The sandbox payment the route's `:id` names when `sig` signs that link, or the 404 page that refuses it (in both
 * languages: an unsigned link names no payer whose language we may look up).
 */
const signedSandboxPayment = (sig: string) =>
  Effect.gen(function* () {
    const config = yield* ServerConfig
    const payments = yield* Payments
    const id = yield* paymentIdParam
    if (Option.isNone(id) || !sandboxSigner(config.sandboxWebhookSecret).checkPage(id.value, sig)) {
      return Either.left(page("ru", `${WORDS.ru.badLink} / ${WORDS.en.badLink}`, "", 404))
    }
    const payment = yield* payments.get(systemActor("sandbox page"), id.value).pipe(Effect.option)
    if (Option.isNone(payment) || payment.value.provider !== SANDBOX) {
      return Either.left(page("ru", `${WORDS.ru.notFound} / ${WORDS.en.notFound}`, "", 404))
    }
    return Either.right(payment.value)
  })

const sandboxPage = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  const sig = new URL(request.url, "http://x").searchParams.get("sig") ?? ""
  const found = yield* signedSandboxPayment(sig)
  if (Either.isLeft(found)) return found.left
  const p = found.right
  const { banner, language, w } = yield* payerLanguage(p)
  if (p.status === "WAITING_FOR_CAPTURE") {
    return page(language, w.paid, `${banner}<p>${w.shareHeld} ${escape(formatRubles(p.amount))}.</p>`)
  }
  if (p.status !== "PENDING") {
    return page(
      language,
      p.status === "SUCCEEDED" ? w.alreadyPaid : w.closed,
      `${banner}<p>${w.status}: ${escape(p.status)}</p>`
    )
  }
  return page(
    language,
    w.title,
    banner +
      (p.type === "PROCUREMENT_PAYMENT"
        ? `<p>${w.share} «${escape(p.description ?? "")}»: <b>${escape(formatRubles(p.amount))}</b>.</p>`
        : `<p>${w.topUp} <b>${escape(formatRubles(p.amount))}</b>.</p>`) +
      `<p>${w.sandbox}</p>` +
      `<form method="post"><input type="hidden" name="sig" value="${escape(sig)}">` +
      `<button name="action" value="pay">${w.pay}</button><button name="action" value="cancel">${w.cancel}</button></form>`
  )
})

const sandboxSubmit = Effect.gen(function* () {
  const payments = yield* Payments
  const request = yield* HttpServerRequest.HttpServerRequest
  const form = yield* request.urlParamsBody.pipe(Effect.orElseSucceed(() => UrlParams.empty))
  const action = Option.getOrElse(UrlParams.getFirst(form, "action"), () => "")
  const found = yield* signedSandboxPayment(Option.getOrElse(UrlParams.getFirst(form, "sig"), () => ""))
  if (Either.isLeft(found)) return found.left
  const payment = found.right
  const { banner, language, w } = yield* payerLanguage(payment)
  if (action === "pay" && payment.type === "PROCUREMENT_PAYMENT") {
    const result = yield* (yield* Deposits).authorized(payment.id).pipe(Effect.either)
    if (result._tag === "Left") return page(language, w.failed, `<p>${w.failedWhy}</p>`, 409)
    const amount = escape(formatRubles(result.right.amount))
    return result.right.status === "SUCCEEDED"
      ? page(language, w.paid, `${banner}<p>${w.sharePaid} ${amount}.</p>`)
      : page(language, w.paid, `${banner}<p>${w.shareHeld} ${amount}.</p>`)
  }
  if (action === "pay") {
    const result = yield* payments.succeed(payment.id).pipe(Effect.either)
    return result._tag === "Right"
      ? page(language, w.paid, `${banner}<p>${w.credited} ${escape(formatRubles(result.right.payment.amount))}.</p>`)
      : page(language, w.failed, `<p>${w.failedWhy}</p>`, 409)
  }
  if (action === "cancel") {
    const result = yield* payments.cancel(payment.id).pipe(Effect.either)
    return result._tag === "Right"
      ? page(language, w.cancelled, "")
      : page(language, w.cannotCancel, `<p>${w.cannotCancelWhy}</p>`, 409)
  }
  return page(language, w.unknownAction, "", 400)
})

const webhook = Effect.gen(function* () {
  const deposits = yield* Deposits
  const request = yield* HttpServerRequest.HttpServerRequest
  const params = yield* HttpLayerRouter.params
  const body = yield* request.arrayBuffer.pipe(Effect.orElseSucceed(() => new ArrayBuffer(0)))
  const outcome = yield* deposits
    .applyWebhook(params["provider"] ?? "", request.headers, new Uint8Array(body))
    .pipe(Effect.either)
  if (outcome._tag === "Right") return HttpServerResponse.unsafeJson({ ok: true, events: outcome.right })
  const e = outcome.left
  return e._tag === "UnknownProvider"
    ? HttpServerResponse.unsafeJson({ ok: false, error: `unknown provider ${e.provider}` }, { status: 404 })
    : HttpServerResponse.unsafeJson({ ok: false, error: e.reason }, { status: 401 })
})

export const PaymentRoutes = Layer.mergeAll(
  HttpLayerRouter.add("GET", "/pay/sandbox/:id", sandboxPage),
  HttpLayerRouter.add("POST", "/pay/sandbox/:id", sandboxSubmit),
  HttpLayerRouter.add("POST", "/api/payments/webhook/:provider", webhook)
)
