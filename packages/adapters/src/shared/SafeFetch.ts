/**
 * The one way the server fetches a URL that users control (procurement images, re-uploaded to VK and WhatsApp):
 * http(s) only; the host is resolved and *every* address it resolves to must be public (no loopback, private,
 * link-local, CGNAT, multicast, unspecified, IPv4-mapped or unique-local address), and the connection goes to that
 * checked address (the socket's `lookup` is pinned to it, so there is no second resolution to race); redirects are
 * followed by hand and checked again (at most 3); the body is capped (Content-Length and while streaming) and the
 * whole fetch has one timeout. A refusal happens before connecting.
 */
import * as Dns from "node:dns"
import * as Http from "node:http"
import * as Https from "node:https"
import * as Net from "node:net"
import { Data, Duration, Effect } from "effect"
import ipaddr from "ipaddr.js"

export class SafeFetchError extends Data.TaggedError("SafeFetchError")<{
  readonly reason:
    "scheme" | "address" | "dns" | "redirect" | "status" | "content_type" | "too_large" | "timeout" | "network"
  readonly url: string
  readonly message: string
}> {}

/** Decides whether the server may connect to one resolved IP address (plain form, no brackets). */
export type AddressPolicy = (address: string) => boolean

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3")

/**
 * A public unicast address: ipaddr.js classifies it as plain `unicast` (not loopback, private, link-local, CGNAT,
 * multicast, broadcast, unspecified, reserved, documentation, 6to4/Teredo/NAT64, unique-local, ...), IPv4-mapped IPv6
 * is judged as the IPv4 it carries, and IPv6 must lie in the global unicast block 2000::/3 (so `::7f00:1` is refused).
 */
export const isPublicAddress: AddressPolicy = (address) => {
  if (!ipaddr.isValid(address)) return false
  const parsed = ipaddr.process(address)
  if (parsed.range() !== "unicast") return false
  return parsed.kind() === "ipv4" || parsed.match(GLOBAL_UNICAST_V6)
}

/** Resolves a host name to every address it has (`dns.lookup` with `all`, what the OS resolver answers). */
export type Resolve = (
  hostname: string
) => Promise<ReadonlyArray<{ readonly address: string; readonly family: number }>>

const systemResolve: Resolve = (hostname) => Dns.promises.lookup(hostname, { all: true, verbatim: true })

export interface SafeFetchOptions {
  /** the largest body accepted, in bytes (default 10 MiB) */
  readonly maxBytes?: number | undefined
  /** the whole fetch, redirects included (default 15 s) */
  readonly timeout?: Duration.DurationInput | undefined
  /** redirects followed (default 3) */
  readonly maxRedirects?: number | undefined
  /** which resolved addresses may be connected to (default `isPublicAddress`; tests add their loopback server) */
  readonly allowAddress?: AddressPolicy | undefined
  /** the resolver (default the system's `dns.lookup`) */
  readonly resolve?: Resolve | undefined
  /** which `Content-Type` answers are taken (default any) */
  readonly accept?: ((contentType: string) => boolean) | undefined
}

/** A fetched body and what the server said it is. */
export interface Fetched {
  readonly bytes: Buffer
  readonly contentType: string
  /** the URL the body came from, after redirects */
  readonly url: string
}

/** A configured fetcher: `make(options)`. */
export type SafeFetch = (url: string) => Effect.Effect<Fetched, SafeFetchError>

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024

/** Only images: what the adapters re-upload. */
export const isImage = (contentType: string): boolean => /^image\//i.test(contentType.trim())

const REDIRECTS = new Set([301, 302, 303, 307, 308])

interface Target {
  readonly url: URL
  readonly address: string
  readonly family: 4 | 6
}

type Hop = { readonly _tag: "Redirect"; readonly location: string } | { readonly _tag: "Body"; readonly body: Fetched }

/** A fetcher with these limits and this address policy. */
export const make = (options: SafeFetchOptions = {}): SafeFetch => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  const timeout = options.timeout ?? Duration.seconds(15)
  const maxRedirects = options.maxRedirects ?? 3
  const allow = options.allowAddress ?? isPublicAddress
  const resolve = options.resolve ?? systemResolve
  const accept = options.accept ?? (() => true)

  /** Scheme, resolution, and every address checked; the address to connect to. */
  const check = (raw: string): Effect.Effect<Target, SafeFetchError> =>
    Effect.gen(function* () {
      const url = URL.canParse(raw) ? new URL(raw) : undefined
      if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
        return yield* new SafeFetchError({
          reason: "scheme",
          url: raw,
          message: "only http and https URLs are fetched"
        })
      }
      const host = url.hostname.replace(/^\[(.*)\]$/, "$1")
      const literal = Net.isIP(host)
      const addresses =
        literal !== 0
          ? [{ address: host, family: literal }]
          : yield* Effect.tryPromise({
              try: () => resolve(host),
              catch: () => new SafeFetchError({ reason: "dns", url: raw, message: `${host} does not resolve` })
            })
      const refused = addresses.find((a) => !allow(a.address))
      if (addresses.length === 0 || refused !== undefined) {
        return yield* new SafeFetchError({
          reason: "address",
          url: raw,
          message: `${host} resolves to ${refused?.address ?? "nothing"}, which is not a public address`
        })
      }
      const first = addresses[0]!
      return { url, address: first.address, family: first.family === 6 ? 6 : 4 }
    })

  /** One request to the checked address; a redirect is returned, not followed. */
  const request = (target: Target): Effect.Effect<Hop, SafeFetchError> =>
    Effect.async<Hop, SafeFetchError>((callback) => {
      const href = target.url.href
      // The request and the response both report errors, and a destroyed body may still emit: answer once.
      let answered = false
      const resume = (effect: Effect.Effect<Hop, SafeFetchError>) => {
        if (answered) return
        answered = true
        callback(effect)
      }
      const fail = (reason: SafeFetchError["reason"], message: string) =>
        resume(Effect.fail(new SafeFetchError({ reason, url: href, message })))
      // The socket connects to the address that was checked, whatever the name resolves to now.
      const lookup = (
        _hostname: string,
        lookupOptions: Dns.LookupOptions,
        done: (error: null, address: string | Array<Dns.LookupAddress>, family?: number) => void
      ) =>
        lookupOptions.all === true
          ? done(null, [{ address: target.address, family: target.family }])
          : done(null, target.address, target.family)
      const client = target.url.protocol === "https:" ? Https : Http
      const req = client.request(target.url, {
        method: "GET",
        agent: false,
        lookup,
        headers: { accept: "*/*", "user-agent": "GroupBuy" }
      })
      req.on("error", (error) => fail("network", error.message))
      req.on("response", (res) => {
        const status = res.statusCode ?? 0
        if (REDIRECTS.has(status)) {
          res.destroy()
          const location = res.headers.location
          return location === undefined || !URL.canParse(location, href)
            ? fail("redirect", `${status} without a usable Location`)
            : resume(Effect.succeed({ _tag: "Redirect", location: new URL(location, href).href }))
        }
        if (status < 200 || status > 299) {
          res.destroy()
          return fail("status", `the server answered ${status}`)
        }
        const contentType = res.headers["content-type"] ?? ""
        if (!accept(contentType)) {
          res.destroy()
          return fail("content_type", `not accepted: ${contentType === "" ? "no Content-Type" : contentType}`)
        }
        const declared = Number(res.headers["content-length"] ?? Number.NaN)
        if (declared > maxBytes) {
          res.destroy()
          return fail("too_large", `Content-Length ${declared} exceeds ${maxBytes} bytes`)
        }
        const chunks: Array<Buffer> = []
        let size = 0
        res.on("data", (chunk: Buffer) => {
          size += chunk.length
          if (size > maxBytes) {
            res.destroy()
            fail("too_large", `the body exceeds ${maxBytes} bytes`)
          } else chunks.push(chunk)
        })
        res.on("error", (error) => fail("network", error.message))
        res.on("end", () =>
          resume(Effect.succeed({ _tag: "Body", body: { bytes: Buffer.concat(chunks), contentType, url: href } }))
        )
      })
      req.end()
      // interrupted (the timeout): nobody waits for an answer any more
      return Effect.sync(() => {
        answered = true
        req.destroy()
      })
    })

  return (url) =>
    Effect.gen(function* () {
      let current = url
      for (let redirects = 0; ; redirects++) {
        const hop = yield* Effect.flatMap(check(current), request)
        if (hop._tag === "Body") return hop.body
        if (redirects >= maxRedirects) {
          return yield* new SafeFetchError({ reason: "redirect", url, message: `more than ${maxRedirects} redirects` })
        }
        current = hop.location
      }
    }).pipe(
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () => new SafeFetchError({ reason: "timeout", url, message: "the fetch took too long" })
      }),
      Effect.withSpan("SafeFetch.fetch")
    )
}
