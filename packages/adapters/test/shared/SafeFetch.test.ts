import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as SafeFetch from "../../src/shared/SafeFetch.js"
import { allowLoopbackFake, imageServer, PNG } from "./ImageServer.js"

/** The reason a fetch was refused (fails the test when it was not). */
const refusal = (fetch: SafeFetch.SafeFetch, url: string) =>
  fetch(url).pipe(
    Effect.flip,
    Effect.map((e) => e.reason)
  )

describe("isPublicAddress", () => {
  it("refuses loopback, private, link-local, CGNAT, multicast, unspecified, mapped and unique-local addresses", () => {
    for (const address of [
      "127.0.0.1",
      "127.8.9.10",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "192.0.2.1",
      "::1",
      "::",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "::ffff:169.254.169.254",
      "::7f00:1",
      "64:ff9b::a00:1",
      "2002:7f00:1::",
      "fe80::1",
      "fd00::1",
      "fc00::1",
      "ff02::1",
      "fec0::1",
      "not an address"
    ])
      assert.isFalse(SafeFetch.isPublicAddress(address), address)
  })

  it("allows public unicast addresses, IPv4 inside IPv6 judged as the IPv4", () => {
    for (const address of ["93.184.215.14", "8.8.8.8", "87.240.129.133", "2a00:1450:4010:c05::64", "::ffff:8.8.8.8"])
      assert.isTrue(SafeFetch.isPublicAddress(address), address)
  })
})

describe("SafeFetch with the default policy", () => {
  const fetch = SafeFetch.make()

  it.scopedLive("refuses loopback, metadata, IPv6 loopback and private addresses before connecting", () =>
    Effect.gen(function* () {
      const server = yield* imageServer
      const port = server.port
      for (const url of [
        `${server.url}/ok.png`,
        `http://127.0.0.1:${port}/ok.png`,
        "http://169.254.169.254/latest/meta-data/",
        `http://[::1]:${port}/ok.png`,
        "http://10.0.0.1/a.png",
        "http://192.168.0.1/a.png",
        "http://[::ffff:127.0.0.1]/a.png",
        "http://0.0.0.0/a.png",
        "http://2130706433/a.png"
      ])
        assert.strictEqual(yield* refusal(fetch, url), "address", url)
      assert.strictEqual(server.connections(), 0, "nothing was connected to")
    })
  )

  it.scopedLive("refuses a host name that resolves to loopback (localhost)", () =>
    Effect.gen(function* () {
      const server = yield* imageServer
      assert.strictEqual(yield* refusal(fetch, `http://localhost:${server.port}/ok.png`), "address")
      assert.strictEqual(server.connections(), 0)
    })
  )

  it.effect("refuses other schemes", () =>
    Effect.gen(function* () {
      for (const url of ["file:///etc/passwd", "ftp://example.org/a.png", "/etc/passwd", "telegram-file:abc", ""])
        assert.strictEqual(yield* refusal(fetch, url), "scheme", url)
    })
  )

  it.effect("refuses a name when any of its addresses is private", () =>
    Effect.gen(function* () {
      const resolved: Array<string> = []
      const rebinding = SafeFetch.make({
        resolve: async (host) => {
          resolved.push(host)
          return [
            { address: "93.184.215.14", family: 4 },
            { address: "10.1.2.3", family: 4 }
          ]
        }
      })
      assert.strictEqual(yield* refusal(rebinding, "https://images.example/a.png"), "address")
      assert.deepStrictEqual(resolved, ["images.example"])
    })
  )
})

describe("SafeFetch with the loopback fake allowed", () => {
  const fetch = SafeFetch.make({ allowAddress: allowLoopbackFake, maxBytes: 1024 * 1024, timeout: "1 second" })

  it.scopedLive("fetches an image", () =>
    Effect.gen(function* () {
      const server = yield* imageServer
      const fetched = yield* fetch(`${server.url}/ok.png`)
      assert.deepStrictEqual(fetched.bytes, PNG)
      assert.strictEqual(fetched.contentType, "image/png")
    })
  )

  it.scopedLive("connects to the checked address: the name is resolved once, by the policy's resolver", () =>
    Effect.gen(function* () {
      const server = yield* imageServer
      const resolved: Array<string> = []
      const pinned = SafeFetch.make({
        allowAddress: allowLoopbackFake,
        resolve: async (host) => {
          resolved.push(host)
          return [{ address: "127.0.0.1", family: 4 }]
        }
      })
      // `.invalid` never resolves: the fetch only works when the socket uses the address that was checked.
      const fetched = yield* pinned(`http://images.invalid:${server.port}/ok.png`)
      assert.deepStrictEqual(fetched.bytes, PNG)
      assert.deepStrictEqual(resolved, ["images.invalid"])
    })
  )

  it.scopedLive(
    "re-checks every redirect: one to loopback IPv6, the metadata address or a private name is refused",
    () =>
      Effect.gen(function* () {
        const server = yield* imageServer
        const to = (target: string) => `${server.url}/redirect?to=${encodeURIComponent(target)}`
        assert.deepStrictEqual((yield* fetch(to("/ok.png"))).bytes, PNG)
        assert.strictEqual(yield* refusal(fetch, to(`http://[::1]:${server.port}/ok.png`)), "address")
        assert.strictEqual(yield* refusal(fetch, to("http://169.254.169.254/latest/meta-data/")), "address")
        const internal = SafeFetch.make({
          allowAddress: allowLoopbackFake,
          resolve: async (host) => [{ address: host === "internal.invalid" ? "10.0.0.5" : "127.0.0.1", family: 4 }]
        })
        assert.strictEqual(yield* refusal(internal, to("http://internal.invalid/a.png")), "address")
        assert.strictEqual(yield* refusal(fetch, to("file:///etc/passwd")), "scheme")
        assert.strictEqual(yield* refusal(fetch, `${server.url}/bad-redirect`), "redirect")
        assert.strictEqual(yield* refusal(fetch, `${server.url}/loop`), "redirect")
        assert.strictEqual(
          server.requests.filter((path) => path === "/loop").length,
          4,
          "the first try and 3 redirects"
        )
      })
  )

  it.scopedLive("refuses oversized bodies, declared or streamed", () =>
    Effect.gen(function* () {
      const server = yield* imageServer
      assert.strictEqual(yield* refusal(fetch, `${server.url}/declared-large.png`), "too_large")
      assert.strictEqual(yield* refusal(fetch, `${server.url}/streamed-large.png`), "too_large")
    })
  )

  it.scopedLive("gives up on a body that never ends", () =>
    Effect.gen(function* () {
      const server = yield* imageServer
      assert.strictEqual(yield* refusal(fetch, `${server.url}/slow.png`), "timeout")
    })
  )

  it.scopedLive("refuses error statuses and, when asked, what is not an image", () =>
    Effect.gen(function* () {
      const server = yield* imageServer
      assert.strictEqual(yield* refusal(fetch, `${server.url}/missing.png`), "status")
      const images = SafeFetch.make({ allowAddress: allowLoopbackFake, accept: SafeFetch.isImage })
      assert.strictEqual(yield* refusal(images, `${server.url}/page.html`), "content_type")
      assert.deepStrictEqual((yield* images(`${server.url}/ok.png`)).bytes, PNG)
    })
  )
})
