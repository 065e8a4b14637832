/**
 * A loopback image host for the guarded fetcher's tests: a small PNG, a body that is too large (declared or streamed),
 * a body that never ends, redirects, and a page that is not an image. Counts the TCP connections it accepted, so a
 * test can show that a refused URL was never connected to.
 */
import { Effect, type Scope } from "effect"
import type * as Http from "node:http"
import { isPublicAddress } from "../../src/shared/SafeFetch.js"
import { close, listen } from "./FakeServerSupport.js"

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex"
)

export interface ImageServer {
  readonly url: string
  readonly port: number
  /** TCP connections accepted so far */
  readonly connections: () => number
  /** request paths served so far */
  readonly requests: ReadonlyArray<string>
}

/** The default policy plus this machine's IPv4 loopback (where the fake listens). */
export const allowLoopbackFake = (address: string): boolean => address === "127.0.0.1" || isPublicAddress(address)

const handler = (req: Http.IncomingMessage, res: Http.ServerResponse) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1")
  switch (url.pathname) {
    case "/ok.png":
      return res.writeHead(200, { "content-type": "image/png", "content-length": PNG.length }).end(PNG)
    case "/declared-large.png":
      // Declares more than the cap; a fetcher that believed it would read 11 MiB.
      res.writeHead(200, { "content-type": "image/png", "content-length": 11 * 1024 * 1024 })
      return res.write(Buffer.alloc(1024))
    case "/streamed-large.png": {
      // No Content-Length: the cap has to be counted while streaming.
      res.writeHead(200, { "content-type": "image/png" })
      const chunk = Buffer.alloc(64 * 1024)
      let sent = 0
      const pump = () => {
        while (sent < 64 && !res.destroyed) {
          sent += 1
          if (!res.write(chunk)) return void res.once("drain", pump)
        }
        res.end()
      }
      return pump()
    }
    case "/slow.png":
      // Headers and a few bytes, then nothing: only the total timeout ends it.
      res.writeHead(200, { "content-type": "image/png" })
      return res.write(PNG.subarray(0, 8))
    case "/page.html":
      return res.writeHead(200, { "content-type": "text/html" }).end("<html></html>")
    case "/redirect":
      return res.writeHead(302, { location: url.searchParams.get("to") ?? "/ok.png" }).end()
    case "/bad-redirect":
      return res.writeHead(302, { location: "http://[bad" }).end()
    case "/loop":
      return res.writeHead(301, { location: "/loop" }).end()
    default:
      return res.writeHead(404).end()
  }
}

/** Starts the image host on 127.0.0.1 for the scope. */
export const imageServer: Effect.Effect<ImageServer, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(async () => {
    const requests: Array<string> = []
    const { server, url } = await listen((req, res) => {
      requests.push(req.url ?? "/")
      handler(req, res)
    })
    let connections = 0
    server.on("connection", () => void (connections += 1))
    return { server, url, port: Number(new URL(url).port), connections: () => connections, requests }
  }),
  ({ server }) => Effect.promise(() => close(server))
)
