/**
 * A `ProviderClient` for the proxy6.net partner API, from its public documentation (proxy6.net/developers):
 * `GET {baseUrl}/{api_key}/{method}/?{params}`, UTF-8 JSON answers with `status: "yes"` (and the account's `balance`
 * and `currency`) or `status: "no"` with `error_id` and `error`.
 *
 * - **Offers**: for each configured version (4 = IPv4, 3 = IPv4 shared, 6 = IPv6), the configured countries (or every
 *   country `getcountry` lists), how many can be bought (`getcount`), and per configured period the price of one proxy
 *   (`getprice`, count 1) — an offer per version × country × period, keyed `v{version}:{country}:{period}`.
 * - **buy**: `buy` with the order's reference as the technical comment (`descr`). Before buying it asks `getproxy`
 *   for proxies already bought under that comment, so a retry after a lost answer delivers what was bought instead of
 *   buying twice.
 * - **prolong**: `prolong` of the subscription's proxy ids for the period.
 * - **The limit**: the API takes at most 3 requests a second (extra ones answer HTTP 503, some deployments 429). The
 *   client keeps a sliding window per API key in this process — never more than 3 requests began in any second — and
 *   retries a 503 / 429 (another process sharing the key) with backoff.
 * - **Errors**: every documented `error_id` becomes a `ProviderError` with a reason the shop acts on and a message for
 *   admins that names the method and the provider's own words; the API key (part of the URL) never appears in an
 *   error or a log.
 * - **Money**: prices are decimals in the account's currency; only RUB accounts are accepted, and rubles are turned into
 *   kopecks by their digits, never through floating point.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Issue, Kopecks, ProviderError, type ProviderClient, type ProviderOffer } from "@groupbuy/core"
import { Clock, Duration, Effect, Option, Redacted, Ref, Schedule, Schema } from "effect"
import { createHash } from "node:crypto"

export const PROXY6 = "proxy6"
export const PROXY6_API = "https://proxy6.net/api"

export const Proxy6Version = Schema.Literal(3, 4, 6)
export type Proxy6Version = typeof Proxy6Version.Type

export interface Proxy6Settings {
  /** the API's root, `https://proxy6.net/api` (a test or a mirror such as px6.me points elsewhere) */
  readonly baseUrl: string
  readonly apiKey: Redacted.Redacted<string>
  readonly versions: ReadonlyArray<Proxy6Version>
  /** ISO 3166 alpha-2 codes, lower case; empty: every country the provider lists */
  readonly countries: ReadonlyArray<string>
  /** days; the API sells 3 (IPv6 only), 7, 14, 30, 60 and 90 */
  readonly periods: ReadonlyArray<number>
  /** the provider id products and subscriptions store (`proxy6`) */
  readonly providerId?: string
}

/** What each documented error means for the shop. */
export const PROXY6_ERRORS: Readonly<
  Record<number, { readonly reason: ProviderError["reason"]; readonly what: string }>
> = {
  30: { reason: "unavailable", what: "unknown error" },
  100: { reason: "not_configured", what: "wrong API key" },
  105: { reason: "not_configured", what: "the API was called from an IP address the account does not allow" },
  110: { reason: "rejected", what: "wrong method" },
  200: { reason: "rejected", what: "wrong number of proxies" },
  210: { reason: "rejected", what: "wrong period" },
  220: { reason: "rejected", what: "wrong country" },
  230: { reason: "rejected", what: "wrong proxy ids" },
  240: { reason: "rejected", what: "wrong proxy version" },
  250: { reason: "rejected", what: "wrong technical comment" },
  260: { reason: "rejected", what: "wrong proxy type" },
  300: { reason: "unavailable", what: "not enough proxies of this kind are available" },
  400: { reason: "no_funds", what: "not enough money on the provider account" },
  404: { reason: "rejected", what: "not found" },
  410: { reason: "rejected", what: "the order's price could not be calculated" }
}

const Answer = Schema.Struct({
  status: Schema.Literal("yes", "no"),
  currency: Schema.optional(Schema.String),
  error_id: Schema.optional(Schema.Union(Schema.Number, Schema.NumberFromString)),
  error: Schema.optional(Schema.String)
})

const Num = Schema.Union(Schema.Number, Schema.NumberFromString)
const Money = Schema.Union(Schema.Number, Schema.String)

const CountryList = Schema.Struct({ list: Schema.Array(Schema.String) })
const Count = Schema.Struct({ count: Num })
const Price = Schema.Struct({ price: Money, period: Num, count: Num })

const BoughtProxy = Schema.Struct({
  id: Schema.Union(Schema.String, Schema.Number),
  host: Schema.String,
  port: Schema.Union(Schema.String, Schema.Number),
  user: Schema.String,
  pass: Schema.String,
  unixtime_end: Num
})
/** `list` is an object keyed by proxy id (an empty list may come as `[]`) */
const ProxyList = Schema.Union(Schema.Record({ key: Schema.String, value: BoughtProxy }), Schema.Array(BoughtProxy))
const Bought = Schema.Struct({ list: ProxyList })
const Listed = Schema.Struct({ list_count: Schema.optional(Num), list: ProxyList })
const Prolonged = Schema.Struct({
  list: Schema.Union(
    Schema.Record({ key: Schema.String, value: Schema.Struct({ unixtime_end: Num }) }),
    Schema.Array(Schema.Struct({ unixtime_end: Num }))
  )
})

const values = <A>(list: Readonly<Record<string, A>> | ReadonlyArray<A>): ReadonlyArray<A> =>
  Array.isArray(list) ? list : Object.values(list)

/** `"48.8"`, `48.8`, `"1 800,50"` → kopecks, by the digits (a fraction of a kopeck rounds up: it is our cost). */
export const rublesOf = (value: number | string): Option.Option<bigint> => {
  const text = (typeof value === "number" ? value.toFixed(6) : value).replace(/\s/g, "").replace(",", ".")
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text)
  if (match === null) return Option.none()
  const fraction = (match[2] ?? "").padEnd(2, "0")
  const whole = BigInt(match[1]!) * 100n + BigInt(fraction.slice(0, 2))
  return Option.some(/[1-9]/.test(fraction.slice(2)) ? whole + 1n : whole)
}

export const offerKeyOf = (version: Proxy6Version, country: string, period: number) =>
  `v${version}:${country}:${period}`

export const parseOfferKey = (key: string) => {
  const match = /^v([346]):([a-z]{2}):(\d{1,3})$/.exec(key)
  return match === null
    ? Option.none()
    : Option.some({ version: Number(match[1]) as Proxy6Version, country: match[2]!, period: Number(match[3]) })
}

const VERSION_NAMES: Record<Proxy6Version, string> = { 3: "IPv4 Shared", 4: "IPv4", 6: "IPv6" }

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(["ru"], { type: "region" })
  } catch {
    return undefined
  }
})()

const countryName = (code: string) => regionNames?.of(code.toUpperCase()) ?? code.toUpperCase()

/** A sliding window: at most `limit` requests begin in any `windowMs`; callers wait their turn in order. */
const makeWindow = (limit: number, windowMs: number) =>
  Effect.gen(function* () {
    const starts = yield* Ref.make<ReadonlyArray<number>>([])
    const turn = yield* Effect.makeSemaphore(1)
    return turn.withPermits(1)(
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const recent = (yield* Ref.get(starts)).filter((at) => now - at < windowMs)
        const wait = recent.length < limit ? 0 : recent[recent.length - limit]! + windowMs - now
        if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
        const at = yield* Clock.currentTimeMillis
        yield* Ref.set(starts, [...recent.filter((t) => at - t < windowMs), at].slice(-limit))
      })
    )
  })

/** One window per API key in this process (several configurations may share a key); the key itself is not kept. */
const windows = new Map<string, Effect.Effect<void>>()
const windowFor = (apiKey: string) =>
  Effect.gen(function* () {
    const id = createHash("sha256").update(apiKey).digest("hex")
    const existing = windows.get(id)
    if (existing !== undefined) return existing
    // 3 a second by the documentation; a little more than a second, so the provider's clock never sees 4
    const created = yield* makeWindow(3, 1_050)
    windows.set(id, created)
    return created
  })

/** A 503 / 429 answer: the limit was hit (another process on the same key); retried. */
class Throttled {
  readonly _tag = "Throttled"
  constructor(readonly status: number) {}
}

export const makeProxy6Client = (settings: Proxy6Settings) =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    const providerId = settings.providerId ?? PROXY6
    const apiKey = Redacted.value(settings.apiKey)
    const window = yield* windowFor(apiKey)
    const base = settings.baseUrl.replace(/\/+$/, "")
    const fail = (reason: ProviderError["reason"], message: string) =>
      new ProviderError({ providerId, reason, message })

    /** One method call: `status: "yes"` decoded as `result`, or the documented error as a ProviderError. */
    const call = <A, I>(method: string, params: Record<string, string | number>, result: Schema.Schema<A, I>) =>
      Effect.gen(function* () {
        const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()
        const url =
          method === ""
            ? `${base}/${encodeURIComponent(apiKey)}`
            : `${base}/${encodeURIComponent(apiKey)}/${method}/${query === "" ? "" : `?${query}`}`
        const attempt = Effect.gen(function* () {
          yield* window
          // the URL holds the key: transport errors are reported without it
          const response = yield* http
            .execute(HttpClientRequest.get(url).pipe(HttpClientRequest.acceptJson))
            .pipe(Effect.mapError(() => fail("unavailable", `proxy6 ${method}: the API could not be reached`)))
          if (response.status === 503 || response.status === 429)
            return yield* Effect.fail(new Throttled(response.status))
          const text = yield* response.text.pipe(
            Effect.mapError(() => fail("unavailable", `proxy6 ${method}: the answer could not be read`))
          )
          return { status: response.status, text }
        })
        const { status, text } = yield* attempt.pipe(
          Effect.retry({
            while: (e) => e instanceof Throttled,
            schedule: Schedule.exponential("400 millis").pipe(Schedule.intersect(Schedule.recurs(4)))
          }),
          Effect.catchIf(
            (e): e is Throttled => e instanceof Throttled,
            (e) =>
              Effect.fail(fail("rate_limited", `proxy6 ${method}: still over the request limit (HTTP ${e.status})`))
          )
        )
        const json = yield* Effect.try({
          try: () => JSON.parse(text) as unknown,
          catch: () => fail("unavailable", `proxy6 ${method}: HTTP ${status}, not a JSON answer`)
        })
        const answer = yield* Schema.decodeUnknown(Answer)(json).pipe(
          Effect.mapError(() => fail("unavailable", `proxy6 ${method}: HTTP ${status}, not an API answer`))
        )
        if (answer.status === "no") {
          const id = answer.error_id ?? 30
          const known = PROXY6_ERRORS[id] ?? { reason: "unavailable" as const, what: "undocumented error" }
          return yield* fail(
            known.reason,
            `proxy6 ${method}: error ${id}, ${known.what} (${answer.error ?? "no text"})`
          )
        }
        if (answer.currency !== undefined && answer.currency !== "RUB")
          return yield* fail("not_configured", `proxy6 account currency is ${answer.currency}; only RUB is supported`)
        return yield* Schema.decodeUnknown(result)(json).pipe(
          Effect.mapError(() => fail("unavailable", `proxy6 ${method}: an answer of an unexpected shape`))
        )
      }).pipe(Effect.withSpan(`Proxy6.${method}`))

    const kopecksOf = (method: string, value: number | string) =>
      Option.match(rublesOf(value), {
        onNone: () => Effect.fail(fail("unavailable", `proxy6 ${method}: price ${String(value)} is not an amount`)),
        onSome: (k) => Effect.succeed(k)
      })

    const offers = () =>
      Effect.gen(function* () {
        const result: Array<ProviderOffer> = []
        for (const version of settings.versions) {
          const countries =
            settings.countries.length > 0
              ? settings.countries
              : (yield* call("getcountry", { version }, CountryList)).list.map((c) => c.toLowerCase())
          const prices = new Map<number, bigint>()
          for (const period of settings.periods) {
            const price = yield* call("getprice", { count: 1, period, version }, Price)
            prices.set(period, yield* kopecksOf("getprice", price.price))
          }
          for (const country of countries) {
            const { count } = yield* call("getcount", { country, version }, Count)
            for (const period of settings.periods) {
              const cost = prices.get(period)!
              if (cost <= 0n) continue
              const name = countryName(country)
              result.push({
                offerKey: offerKeyOf(version, country, period),
                title: `Прокси ${VERSION_NAMES[version]} — ${name}, ${period} дн.`,
                description:
                  `Личный прокси ${VERSION_NAMES[version]} (HTTPS и SOCKS5), страна: ${name}, срок ${period} дн. ` +
                  `Выдаётся сразу после оплаты: адрес, порт, логин и пароль.`,
                cost: Kopecks.make(cost),
                available: Math.max(0, Math.trunc(count)),
                periodDays: period,
                meta: { version: String(version), country, period: String(period) }
              })
            }
          }
        }
        return result
      })

    const delivered = (list: ReadonlyArray<typeof BoughtProxy.Type>) => ({
      externalIds: list.map((p) => String(p.id)),
      credentials: list.map((p) => `${p.host}:${p.port}:${p.user}:${p.pass}`),
      expiresAt: new Date(Math.min(...list.map((p) => p.unixtime_end)) * 1000)
    })

    const buy = (offerKey: string, quantity: number, reference: string) =>
      Effect.gen(function* () {
        const offer = yield* Option.match(parseOfferKey(offerKey), {
          onNone: () => Effect.fail(fail("rejected", `proxy6: ${offerKey} is not an offer of this provider`)),
          onSome: Effect.succeed
        })
        // the API keeps a technical comment of up to 50 characters: the reference finds an earlier purchase
        const descr = reference.slice(0, 50)
        const earlier = values((yield* call("getproxy", { descr, nokey: "" }, Listed)).list)
        if (earlier.length > 0) return delivered(earlier)
        const bought = yield* call(
          "buy",
          { count: quantity, period: offer.period, country: offer.country, version: offer.version, descr },
          Bought
        )
        const list = values(bought.list)
        if (list.length === 0) return yield* fail("unavailable", "proxy6 buy: the answer listed no proxies")
        return delivered(list)
      })

    const prolong = (externalIds: ReadonlyArray<string>, periodDays: number, _reference: string) =>
      Effect.gen(function* () {
        if (externalIds.length === 0) return yield* fail("rejected", "proxy6 prolong: no proxy ids")
        const answer = yield* call("prolong", { period: periodDays, ids: externalIds.join(",") }, Prolonged)
        const ends = values(answer.list).map((p) => p.unixtime_end)
        if (ends.length === 0) return yield* fail("unavailable", "proxy6 prolong: the answer listed no proxies")
        return { expiresAt: new Date(Math.min(...ends) * 1000) }
      })

    /** The account answers (any method-less call): the key works and the account is in rubles. */
    const check = call("", {}, Schema.Unknown).pipe(Effect.asVoid)

    const client: ProviderClient & { readonly check: Effect.Effect<void, ProviderError> } = {
      offers,
      buy,
      prolong,
      check
    }
    return client
  })

/** What proxy6 does not sell, as issues of an admin's configuration (bilingual, for `InvalidInput`). */
export const proxy6SettingsIssues = (input: {
  readonly versions: ReadonlyArray<number>
  readonly periods: ReadonlyArray<number>
}): ReadonlyArray<Issue> => [
  ...(input.versions.length === 0
    ? [
        new Issue({
          path: "versions",
          code: "provider.versions",
          en: "Name at least one version: 3, 4 or 6",
          ru: "Укажите хотя бы одну версию: 3, 4 или 6"
        })
      ]
    : []),
  ...input.versions
    .filter((v) => ![3, 4, 6].includes(v))
    .map(
      (v) =>
        new Issue({
          path: "versions",
          code: "provider.version",
          en: `${v} is not a proxy6 version (3, 4 or 6)`,
          ru: `${v} — не версия proxy6 (3, 4 или 6)`
        })
    ),
  ...(input.periods.length === 0
    ? [
        new Issue({
          path: "periods",
          code: "provider.periods",
          en: "Name at least one period",
          ru: "Укажите хотя бы один срок"
        })
      ]
    : []),
  ...input.periods
    .filter((p) => ![3, 7, 14, 30, 60, 90].includes(p) || (p === 3 && input.versions.some((v) => v !== 6)))
    .map(
      (p) =>
        new Issue({
          path: "periods",
          code: "provider.period",
          en: `proxy6 does not sell ${p} days for these versions (3 days: IPv6 only; else 7, 14, 30, 60, 90)`,
          ru: `proxy6 не продаёт срок ${p} дн. для этих версий (3 дня — только IPv6; иначе 7, 14, 30, 60, 90)`
        })
    )
]
