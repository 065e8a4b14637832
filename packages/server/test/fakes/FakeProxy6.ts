/**
 * A fake proxy6.net partner API on loopback that follows its public documentation: `GET /api/{key}/{method}/?params`,
 * JSON answers with `status`, `user_id`, `balance`, `currency`, the methods the shop uses (`getcountry`, `getcount`,
 * `getprice`, `buy`, `prolong`, `getproxy`, `check`, and the method-less account call), the documented error replies
 * (`status: "no"`, `error_id`, `error`) for what the real API refuses (a wrong key, method, count, period, country,
 * version, ids, too few proxies, too little money), and its limit: more than 3 requests beginning in one second
 * answer HTTP 503 (or 429, as the newer documentation says). Every request is recorded with its time, so a test can
 * check the client kept the limit. A test can also script the next answer of a method to be any error id.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

export interface FakeProxy6Request {
  readonly method: string
  readonly params: Readonly<Record<string, string>>
  readonly at: number
  readonly status: number
}

interface Proxy {
  readonly id: number
  readonly version: number
  readonly country: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly pass: string
  readonly descr: string
  unixtimeEnd: number
}

const ERRORS: Record<number, string> = {
  30: "Error unknown",
  100: "Error key",
  105: "Error ip",
  110: "Error method",
  200: "Error count",
  210: "Error period",
  220: "Error country",
  230: "Error ids",
  240: "Error version",
  250: "Error descr",
  260: "Error type",
  300: "Error active proxy allow",
  400: "Error no money",
  404: "Error not found",
  410: "Error price"
}

const PERIODS = [3, 7, 14, 30, 60, 90]

export class FakeProxy6 {
  /** the account's money, kopecks */
  balance = 100_000n
  currency = "RUB"
  /** what answers beyond the limit: 503 (the documentation) or 429 (its newer wording) */
  throttleStatus = 503
  /** how many proxies can be bought, by version then country */
  readonly stock = new Map<number, Map<string, number>>([
    [
      4,
      new Map([
        ["ru", 50],
        ["de", 5]
      ])
    ],
    [6, new Map([["ru", 1000]])]
  ])
  /** kopecks per proxy per day, by version */
  readonly dailyPrice = new Map<number, bigint>([
    [3, 50n],
    [4, 330n],
    [6, 21n]
  ])
  readonly requests: Array<FakeProxy6Request> = []
  readonly proxies: Array<Proxy> = []
  private readonly scripted: Array<{ method: string; errorId: number }> = []
  private nextId = 1000
  now = () => Date.now()

  private constructor(
    private readonly server: Http.Server,
    readonly apiKey: string,
    /** pass as the provider's base URL */
    readonly baseUrl: string
  ) {}

  static async start(apiKey = "fake-proxy6-key-0123456789"): Promise<FakeProxy6> {
    let fake: FakeProxy6 | undefined
    const server = Http.createServer((req, res) => fake!.handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    fake = new FakeProxy6(server, apiKey, `http://127.0.0.1:${port}/api`)
    return fake
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections()
      this.server.close(() => resolve())
    })
  }

  /** The next call of `method` answers error `errorId` (then the method works again). */
  failNext(method: string, errorId: number): void {
    this.scripted.push({ method, errorId })
  }

  /** The most requests that began within any one second. */
  maxPerSecond(): number {
    const times = this.requests.map((r) => r.at).sort((a, b) => a - b)
    let most = 0
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++
      most = Math.max(most, i - j + 1)
    }
    return most
  }

  private rubles(kopecks: bigint) {
    return `${kopecks / 100n}.${(kopecks % 100n).toString().padStart(2, "0")}`
  }

  private handle(req: Http.IncomingMessage, res: Http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake")
    const parts = url.pathname.split("/").filter((p) => p !== "")
    const params = Object.fromEntries(url.searchParams.entries())
    const method = parts[2] ?? ""
    const at = this.now()
    const recent = this.requests.filter((r) => at - r.at < 1000 && r.status !== this.throttleStatus).length
    const answer = (status: number, body: unknown) => {
      this.requests.push({ method, params, at, status })
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" })
      res.end(JSON.stringify(body))
    }
    if (recent >= 3) return answer(this.throttleStatus, { status: "no", error: "Too Many Requests" })
    const account = { status: "yes", user_id: "1", balance: this.rubles(this.balance), currency: this.currency }
    const error = (id: number) => answer(200, { status: "no", error_id: id, error: ERRORS[id] })
    if (parts[0] !== "api" || parts[1] !== this.apiKey) return error(100)
    const scripted = this.scripted.findIndex((s) => s.method === method)
    if (scripted >= 0) return error(this.scripted.splice(scripted, 1)[0]!.errorId)
    const version = Number(params.version ?? 6)
    const period = Number(params.period)
    const count = Number(params.count)
    const validVersion = [3, 4, 6].includes(version)
    switch (method) {
      case "":
        return answer(200, account)
      case "getcountry": {
        if (!validVersion) return error(240)
        return answer(200, { ...account, list: [...(this.stock.get(version)?.keys() ?? [])] })
      }
      case "getcount": {
        if (!validVersion) return error(240)
        if (!/^[a-z]{2}$/.test(params.country ?? "")) return error(220)
        return answer(200, { ...account, count: this.stock.get(version)?.get(params.country!) ?? 0 })
      }
      case "getprice": {
        if (!validVersion) return error(240)
        if (!Number.isInteger(count) || count < 1) return error(200)
        if (!PERIODS.includes(period) || (period === 3 && version !== 6)) return error(210)
        const price = this.dailyPrice.get(version)! * BigInt(period) * BigInt(count)
        return answer(200, {
          ...account,
          price: Number(this.rubles(price)),
          price_single: Number(this.rubles(price / BigInt(count))),
          period,
          count
        })
      }
      case "buy": {
        if (!validVersion) return error(240)
        if (!Number.isInteger(count) || count < 1) return error(200)
        if (!PERIODS.includes(period) || (period === 3 && version !== 6)) return error(210)
        const country = params.country ?? ""
        const available = this.stock.get(version)?.get(country)
        if (available === undefined) return error(220)
        if ((params.descr ?? "").length > 50) return error(250)
        if (available < count) return error(300)
        const price = this.dailyPrice.get(version)! * BigInt(period) * BigInt(count)
        if (price > this.balance) return error(400)
        this.balance -= price
        this.stock.get(version)!.set(country, available - count)
        const now = Math.floor(at / 1000)
        const bought = Array.from({ length: count }, () => {
          const id = this.nextId++
          const proxy: Proxy = {
            id,
            version,
            country,
            host: `185.22.${Math.floor(id / 256) % 256}.${id % 256}`,
            port: 8000 + (id % 1000),
            user: `u${id}`,
            pass: `p${id}x`,
            descr: params.descr ?? "",
            unixtimeEnd: now + period * 86_400
          }
          this.proxies.push(proxy)
          return proxy
        })
        return answer(200, {
          ...account,
          balance: this.rubles(this.balance),
          count,
          price: Number(this.rubles(price)),
          period,
          country,
          list: Object.fromEntries(bought.map((p) => [String(p.id), this.view(p, now)]))
        })
      }
      case "prolong": {
        if (!PERIODS.includes(period)) return error(210)
        const ids = (params.ids ?? "").split(",").filter((id) => id !== "")
        const found = ids.map((id) => this.proxies.find((p) => String(p.id) === id))
        if (ids.length === 0 || found.some((p) => p === undefined)) return error(230)
        const price = found.reduce((sum, p) => sum + this.dailyPrice.get(p!.version)! * BigInt(period), 0n)
        if (price > this.balance) return error(400)
        this.balance -= price
        for (const p of found) p!.unixtimeEnd += period * 86_400
        return answer(200, {
          ...account,
          balance: this.rubles(this.balance),
          price: Number(this.rubles(price)),
          period,
          count: found.length,
          list: Object.fromEntries(
            found.map((p) => [String(p!.id), { id: p!.id, date_end: "", unixtime_end: p!.unixtimeEnd }])
          )
        })
      }
      case "getproxy": {
        const now = Math.floor(at / 1000)
        const listed = this.proxies.filter((p) => params.descr === undefined || p.descr === params.descr)
        const views = listed.map((p) => this.view(p, now))
        return answer(200, {
          ...account,
          list_count: listed.length,
          list: "nokey" in params ? views : Object.fromEntries(views.map((v) => [v.id, v]))
        })
      }
      case "check": {
        const proxy = this.proxies.find((p) => String(p.id) === params.ids)
        if (proxy === undefined) return error(404)
        return answer(200, { ...account, proxy_id: proxy.id, proxy_status: true })
      }
      default:
        return error(110)
    }
  }

  private view(p: Proxy, now: number) {
    return {
      id: String(p.id),
      ip: p.host,
      host: p.host,
      port: String(p.port),
      user: p.user,
      pass: p.pass,
      type: "http",
      country: p.country,
      date: new Date(now * 1000).toISOString().slice(0, 19).replace("T", " "),
      date_end: new Date(p.unixtimeEnd * 1000).toISOString().slice(0, 19).replace("T", " "),
      unixtime: now,
      unixtime_end: p.unixtimeEnd,
      descr: p.descr,
      active: p.unixtimeEnd > now ? "1" : "0"
    }
  }
}
