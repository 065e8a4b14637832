/**
 * Security headers, once for every route (a global middleware, so pages added later get them too): every response
 * says `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` (page URLs carry one-time secrets such as
 * the sandbox `sig`); every HTML page gets a Content-Security-Policy with `frame-ancestors 'none'` and
 * `X-Frame-Options: DENY`. Inline scripts are allowed by their SHA-256 only (the docs page is one), never by
 * `'unsafe-inline'`; a page that sets its own policy keeps it, with `frame-ancestors` added when it lacks one.
 */
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { ServerConfig } from "../config/ServerConfig.js"

const decoder = new TextDecoder()
const INLINE_SCRIPT = /<script(\s[^>]*)?>([\s\S]*?)<\/script\s*>/gi
// JSON data blocks are not run, so CSP does not ask for their hashes
const NOT_JAVASCRIPT = /\btype\s*=\s*["']?(application\/(ld\+)?json|text\/plain)/i

/** The `'sha256-…'` sources of the inline scripts of a page. */
export const inlineScriptHashes = (html: string): ReadonlyArray<string> => {
  const hashes = new Set<string>()
  for (const [, attributes = "", body = ""] of html.matchAll(INLINE_SCRIPT)) {
    if (/\bsrc\s*=/i.test(attributes) || NOT_JAVASCRIPT.test(attributes) || body === "") continue
    hashes.add(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`)
  }
  return [...hashes]
}

/** The policy of our pages: own scripts and the hashed inline ones; the web chat may connect to `PUBLIC_URL`. */
export const contentSecurityPolicy = (publicUrl: string, scriptHashes: ReadonlyArray<string>) => {
  const origin = new URL(publicUrl).origin
  const socketOrigin = origin.replace(/^http/, "ws")
  return [
    "default-src 'self'",
    // WebAssembly may be compiled (the docs and our wasm kernels); JavaScript eval stays refused
    `script-src 'self' 'wasm-unsafe-eval' ${scriptHashes.join(" ")}`.trimEnd(),
    // the widget and the docs add <style> elements at run time
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    `connect-src 'self' ${origin} ${socketOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'"
  ].join("; ")
}

const contentTypeOf = (response: HttpServerResponse.HttpServerResponse) =>
  response.headers["content-type"] ?? ("contentType" in response.body ? response.body.contentType : "") ?? ""

/** Adds the headers to one response; the body is only read for HTML (the hashes are cached per body). */
export const withSecurityHeaders = (publicUrl: string) => {
  const policies = new WeakMap<object, string>()
  const policyOf = (response: HttpServerResponse.HttpServerResponse) => {
    const own = response.headers["content-security-policy"]
    if (own !== undefined) return /(^|;)\s*frame-ancestors\s/i.test(own) ? own : `${own}; frame-ancestors 'none'`
    const body = response.body
    if (body._tag !== "Uint8Array") return contentSecurityPolicy(publicUrl, [])
    const cached = policies.get(body)
    if (cached !== undefined) return cached
    const policy = contentSecurityPolicy(publicUrl, inlineScriptHashes(decoder.decode(body.body)))
    policies.set(body, policy)
    return policy
  }
  return (response: HttpServerResponse.HttpServerResponse) => {
    const common = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" }
    return /^text\/html\b/i.test(contentTypeOf(response))
      ? HttpServerResponse.setHeaders(response, {
          ...common,
          "content-security-policy": policyOf(response),
          "x-frame-options": "DENY"
        })
      : HttpServerResponse.setHeaders(response, common)
  }
}

/** The headers on every route of the router it is provided to. */
export const SecurityHeadersMiddleware = HttpLayerRouter.middleware(
  Effect.map(ServerConfig, (config) => {
    const secure = withSecurityHeaders(config.publicUrl)
    return (app) => Effect.map(app, secure)
  }),
  { global: true }
)
