/**
 * A JSON-RPC 2.0 client for Tochka Bank's Cyclops (nominal account) API. Every request body is signed with the
 * platform's RSA key — PKCS#1 v1.5 over SHA-256 of the exact body bytes, base64 — and sent with the `sign-data`,
 * `sign-thumbprint` and `sign-system` headers.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Redacted, Schema } from "effect"
import { createPrivateKey, randomUUID, sign, type KeyObject } from "node:crypto"
import { ProviderError } from "./PaymentProvider.js"

export const TOCHKA = "tochka"

/** RSA PKCS#1 v1.5 / SHA-256 signature of the exact body bytes, base64. */
export const signBody = (body: Uint8Array | string, key: KeyObject) =>
  sign("sha256", typeof body === "string" ? Buffer.from(body, "utf8") : body, key).toString("base64")

export interface CyclopsOptions {
  readonly url: string
  readonly signSystem: string
  readonly signThumbprint: string
  readonly privateKey: Redacted.Redacted
}

const RpcResponse = Schema.Struct({
  jsonrpc: Schema.optional(Schema.String),
  id: Schema.optional(Schema.Unknown),
  result: Schema.optional(Schema.Unknown),
  error: Schema.optional(
    Schema.Struct({ code: Schema.Number, message: Schema.String, data: Schema.optional(Schema.Unknown) })
  )
})

/** `cyclops.call("list_payments", {...})` → the decoded `result`. */
export const makeCyclopsClient = (options: CyclopsOptions) =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    const key = createPrivateKey(Redacted.value(options.privateKey))
    const fail = (message: string, cause?: unknown) => new ProviderError({ provider: TOCHKA, message, cause })

    const call = <A, I>(method: string, params: Record<string, unknown>, result: Schema.Schema<A, I>) =>
      Effect.gen(function* () {
        const body = JSON.stringify({ jsonrpc: "2.0", id: randomUUID(), method, params })
        const request = HttpClientRequest.post(options.url).pipe(
          HttpClientRequest.setHeaders({
            "content-type": "application/json",
            "sign-data": signBody(body, key),
            "sign-thumbprint": options.signThumbprint,
            "sign-system": options.signSystem
          }),
          HttpClientRequest.bodyText(body, "application/json")
        )
        const response = yield* http.execute(request).pipe(Effect.mapError((e) => fail(`${method}: ${e.message}`, e)))
        const text = yield* response.text.pipe(Effect.mapError((e) => fail(`${method}: ${e.message}`, e)))
        const decoded = yield* Schema.decodeUnknown(Schema.parseJson(RpcResponse))(text).pipe(
          Effect.mapError(() => fail(`${method}: HTTP ${response.status}, not a JSON-RPC response`))
        )
        if (decoded.error !== undefined) {
          return yield* fail(`${method}: ${decoded.error.message} (code ${decoded.error.code})`, decoded.error)
        }
        if (response.status >= 400) return yield* fail(`${method}: HTTP ${response.status}`)
        return yield* Schema.decodeUnknown(result)(decoded.result).pipe(
          Effect.mapError((e) => fail(`${method}: unexpected result: ${e.message}`, e))
        )
      }).pipe(Effect.withSpan(`Cyclops.${method}`))

    return { call }
  })

export type CyclopsClient = Effect.Effect.Success<ReturnType<typeof makeCyclopsClient>>

/** Rubles as the bank writes them (a JSON number, at most two decimals) → kopecks; exact for sane amounts. */
export const rublesToKopecks = (rubles: number): bigint | null => {
  if (!Number.isFinite(rubles) || rubles <= 0 || rubles > 1e12) return null
  const kopecks = Math.round(rubles * 100)
  return Math.abs(kopecks - rubles * 100) < 1e-6 ? BigInt(kopecks) : null
}

/** Kopecks → the rubles number the bank expects (e.g. 150050n → 1500.5). */
export const kopecksToRubles = (kopecks: bigint): number => Number(kopecks) / 100
