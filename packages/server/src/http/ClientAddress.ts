/**
 * The client's address, the one place that decides it (the audit log and the sign-in throttle use it): the socket
 * peer, and `X-Forwarded-For` only as far as its hops were added by proxies listed in `TRUSTED_PROXIES`. With no
 * trusted proxies the header is ignored, since any client can send it.
 */
import { HttpServerRequest } from "@effect/platform"
import { Effect, Either, Option } from "effect"
import { ServerConfig } from "../config/ServerConfig.js"
import { canonicalIp, inRanges, parseIpRange } from "../internal/IpRange.js"

/**
 * Walks `X-Forwarded-For` from the right while the current hop is a trusted proxy: the first address that is not
 * one is the client. A hop that is not an address stops the walk at the proxy that sent it.
 */
export const clientAddressOf = (
  peer: string | null,
  forwardedFor: string | undefined,
  trustedProxies: ReadonlyArray<string>
): string | null => {
  let address = canonicalIp(peer ?? undefined)
  if (address === undefined) return peer
  const ranges = trustedProxies.flatMap((entry) =>
    Either.getOrElse(
      Either.map(parseIpRange(entry), (r) => [r]),
      () => []
    )
  )
  const hops = (forwardedFor ?? "").split(",")
  while (hops.length > 0 && inRanges(address, ranges)) {
    const next = canonicalIp(hops.pop())
    if (next === undefined) break
    address = next
  }
  return address.toString()
}

/** The address of the client of the current request (see the module comment); null when the socket has none. */
export const clientAddress = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  const config = yield* ServerConfig
  return clientAddressOf(
    Option.getOrNull(request.remoteAddress),
    request.headers["x-forwarded-for"],
    config.trustedProxies
  )
})
