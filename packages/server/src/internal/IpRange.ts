/** IP ranges of configuration settings such as `TRUSTED_PROXIES`: an address or a CIDR range, in canonical form. */
import { Either } from "effect"
import ipaddr from "ipaddr.js"

export type IpRange = readonly [ipaddr.IPv4 | ipaddr.IPv6, number]

/** An address in its canonical form (IPv4-mapped IPv6 as plain IPv4), or undefined when it is not an IP address. */
export const canonicalIp = (text: string | undefined): ipaddr.IPv4 | ipaddr.IPv6 | undefined => {
  const trimmed = text?.trim() ?? ""
  return ipaddr.isValid(trimmed) ? ipaddr.process(trimmed) : undefined
}

/** Parses an address (`10.0.0.5`, `::1`) or a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
export const parseIpRange = (entry: string): Either.Either<IpRange, string> => {
  const text = entry.trim()
  try {
    if (text.includes("/")) {
      const [base, bits] = ipaddr.parseCIDR(text)
      return Either.right([base, bits] as const)
    }
    const address = ipaddr.process(text)
    return Either.right([address, address.kind() === "ipv4" ? 32 : 128] as const)
  } catch {
    return Either.left(`"${text}" is neither an IP address nor a CIDR range`)
  }
}

/** Whether the address lies in one of the ranges (an IPv4 address never matches an IPv6 range, and back). */
export const inRanges = (address: ipaddr.IPv4 | ipaddr.IPv6, ranges: ReadonlyArray<IpRange>) =>
  ranges.some(([base, bits]) =>
    base.kind() === "ipv4" && address.kind() === "ipv4"
      ? (address as ipaddr.IPv4).match(base as ipaddr.IPv4, bits)
      : base.kind() === "ipv6" && address.kind() === "ipv6"
        ? (address as ipaddr.IPv6).match(base as ipaddr.IPv6, bits)
        : false
  )
