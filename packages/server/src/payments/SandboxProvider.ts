/**
 * The sandbox payment provider (the default outside production; with `NODE_ENV=production` only when chosen with
 * `PAYMENT_PROVIDER=sandbox`): test money. A deposit links to a local payment page; pressing Pay settles it through
 * core (credit once, notification through the domain event). It also accepts HMAC-signed webhooks, the way a real
 * card provider would push `payment.succeeded` / `payment.canceled`. A procurement share paid by card is a two-step
 * payment, as card acquirers hold money first: Pay on the page (or `payment.waiting_for_capture`) authorizes it
 * (WAITING_FOR_CAPTURE); capture takes the money and cancel releases it (both are bookkeeping: test money).
 */
import { PaymentId } from "@groupbuy/core"
import { Effect, Layer, Redacted, Schema } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"
import { ServerConfig } from "../config/ServerConfig.js"
import { PaymentProvider, WebhookRejected } from "./PaymentProvider.js"

export const SANDBOX = "sandbox"
export const SANDBOX_SIGNATURE_HEADER = "x-sandbox-signature"

const SandboxWebhook = Schema.Struct({
  event: Schema.Literal("payment.succeeded", "payment.canceled", "payment.waiting_for_capture"),
  paymentId: PaymentId
})

const hmac = (secret: Redacted.Redacted, data: string | Uint8Array) =>
  createHmac("sha256", Redacted.value(secret)).update(data).digest()

const sameHex = (expected: Buffer, given: string) => {
  const buf = Buffer.from(given, "hex")
  return buf.length === expected.length && timingSafeEqual(buf, expected)
}

/** Signs and checks the payment page links and sandbox webhooks. */
export const sandboxSigner = (secret: Redacted.Redacted) => ({
  /** the `sig` of a payment page link */
  pageSignature: (paymentId: string) => hmac(secret, `page:${paymentId}`).toString("hex"),
  checkPage: (paymentId: string, sig: string) => sameHex(hmac(secret, `page:${paymentId}`), sig),
  /** the signature header of a webhook body */
  bodySignature: (body: string | Uint8Array) => hmac(secret, body).toString("hex"),
  checkBody: (body: Uint8Array, sig: string) => sameHex(hmac(secret, body), sig)
})

export const SandboxProviderLive = Layer.effect(
  PaymentProvider,
  Effect.gen(function* () {
    const config = yield* ServerConfig
    const signer = sandboxSigner(config.sandboxWebhookSecret)
    yield* Effect.logWarning(
      "SANDBOX PAYMENTS: deposits are TEST MONEY that anyone can give themselves with one click; it is spent and " +
        "transferred like real money inside this platform. Never run it where real money is expected: set " +
        "PAYMENT_PROVIDER=tochka (with NODE_ENV=production the sandbox runs only when PAYMENT_PROVIDER=sandbox is set)."
    )
    return PaymentProvider.of({
      name: SANDBOX,
      testMoney: true,
      cardPayments: true,
      authorizesFirst: true,
      capture: () => Effect.void,
      cancelAuthorization: () => Effect.void,
      startDeposit: (payment) =>
        Effect.succeed({
          providerPaymentId: `sandbox-${payment.id}`,
          url: `${config.publicUrl}/pay/sandbox/${payment.id}?sig=${signer.pageSignature(payment.id)}`,
          instructions: null
        }),
      refund: () => Effect.void,
      settleIncoming: () => Effect.void,
      // test money has nowhere to go: the request is marked paid
      payout: (request) => Effect.succeed({ provider: SANDBOX, reference: `sandbox-payout-${request.id}` }),
      verifyWebhook: (headers, body) =>
        Effect.gen(function* () {
          const sig = headers[SANDBOX_SIGNATURE_HEADER]
          if (sig === undefined || !signer.checkBody(body, sig)) {
            return yield* new WebhookRejected({ reason: "missing or invalid signature" })
          }
          const parsed = yield* Schema.decodeUnknown(Schema.parseJson(SandboxWebhook))(
            new TextDecoder().decode(body)
          ).pipe(Effect.mapError(() => new WebhookRejected({ reason: "malformed notification" })))
          const tag =
            parsed.event === "payment.succeeded"
              ? ("Succeeded" as const)
              : parsed.event === "payment.waiting_for_capture"
                ? ("Authorized" as const)
                : ("Cancelled" as const)
          return [{ _tag: tag, paymentId: parsed.paymentId }]
        })
    })
  })
)
