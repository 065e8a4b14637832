/**
 * A fake Tochka Cyclops JSON-RPC server on 127.0.0.1: it verifies every request's `sign-data` (RSA PKCS#1 v1.5 /
 * SHA-256 over the exact body bytes) with the platform's public key, checks `sign-system` / `sign-thumbprint`, and
 * keeps virtual accounts, incoming payments (unidentified until `identification_payment`), refunds and deals (payouts:
 * `create_deal` keyed by `ext_key`, `execute_deal` takes the payers' cash once).
 */
import { randomUUID, verify, type KeyObject } from "node:crypto"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"

export interface FakePayment {
  id: string
  amount: number
  purpose: string
  incoming: boolean
  identify: boolean
  payer_name: string
  payer_account: string
  payer_bank_code: string
}

export interface FakeDeal {
  id: string
  ext_key: string
  amount: number
  payers: Array<{ virtual_account: string; amount: number }>
  recipients: Array<{ number: number; type: string; amount: number; account: string; bank_code: string; name: string }>
  status: "new" | "executed"
}

export interface FakeCyclops {
  readonly url: string
  readonly calls: Array<{ method: string; params: Record<string, any> }>
  readonly rejected: Array<string>
  readonly accounts: Map<string, { beneficiaryId: string; cash: number }>
  readonly payments: Map<string, FakePayment>
  readonly refunds: Map<string, { virtual_account: string; amount: number }>
  /** deals by id */
  readonly deals: Map<string, FakeDeal>
  /** an incoming transfer that the platform has not identified yet */
  addIncoming: (amount: number, purpose: string) => string
  /** the next `identification_payment` fails with a JSON-RPC error */
  failNextIdentification: () => void
  close: () => Promise<void>
}

export const startFakeCyclops = async (options: {
  publicKey: KeyObject
  signSystem: string
  signThumbprint: string
}): Promise<FakeCyclops> => {
  const calls: FakeCyclops["calls"] = []
  const rejected: Array<string> = []
  const accounts = new Map<string, { beneficiaryId: string; cash: number }>()
  const payments = new Map<string, FakePayment>()
  const refunds = new Map<string, { virtual_account: string; amount: number }>()
  const deals = new Map<string, FakeDeal>()
  let failIdentification = false

  const handle = (method: string, params: Record<string, any>): { result?: unknown; error?: unknown } => {
    switch (method) {
      case "echo":
        return { result: params }
      case "create_virtual_account": {
        if (typeof params["beneficiary_id"] !== "string") return { error: { code: 4100, message: "beneficiary_id" } }
        const code = randomUUID()
        accounts.set(code, { beneficiaryId: params["beneficiary_id"], cash: 0 })
        return { result: { virtual_account: code } }
      }
      case "list_payments": {
        const filters = params["filters"] ?? {}
        const ids = [...payments.values()]
          .filter((p) => filters.incoming === undefined || p.incoming === filters.incoming)
          .filter((p) => filters.identify === undefined || p.identify === filters.identify)
          .map((p) => p.id)
        return { result: { payments: ids } }
      }
      case "get_payment": {
        const payment = payments.get(params["payment_id"])
        return payment ? { result: { payment } } : { error: { code: 4404, message: "payment not found" } }
      }
      case "identification_payment": {
        if (failIdentification) {
          failIdentification = false
          return { error: { code: 5000, message: "temporarily unavailable" } }
        }
        const payment = payments.get(params["payment_id"])
        if (!payment) return { error: { code: 4404, message: "payment not found" } }
        if (payment.identify) return { error: { code: 4409, message: "payment already identified" } }
        const owners = params["owners"] as Array<{ virtual_account: string; amount: number }>
        const total = owners.reduce((s, o) => s + o.amount, 0)
        if (Math.abs(total - payment.amount) > 1e-9) return { error: { code: 4422, message: "amount mismatch" } }
        for (const o of owners) if (!accounts.has(o.virtual_account)) return { error: { code: 4404, message: "va" } }
        payment.identify = true
        for (const o of owners) accounts.get(o.virtual_account)!.cash += o.amount
        return {
          result: {
            virtual_accounts: owners.map((o) => ({
              code: o.virtual_account,
              cash: accounts.get(o.virtual_account)!.cash
            }))
          }
        }
      }
      case "refund_virtual_account": {
        const key = params["ext_key"] as string
        const previous = refunds.get(key)
        if (previous) return { result: { payment_id: `refund-${key}` } }
        const account = accounts.get(params["virtual_account"])
        if (!account) return { error: { code: 4404, message: "virtual account not found" } }
        if (account.cash < params["amount"]) return { error: { code: 4402, message: "insufficient funds" } }
        account.cash -= params["amount"]
        refunds.set(key, { virtual_account: params["virtual_account"], amount: params["amount"] })
        return { result: { payment_id: `refund-${key}` } }
      }
      case "create_deal": {
        const ext = params["ext_key"]
        if (typeof ext !== "string" || ext === "") return { error: { code: 4100, message: "ext_key" } }
        const same = [...deals.values()].find((d) => d.ext_key === ext)
        if (same) return { result: { deal_id: same.id } }
        const payers = params["payers"] as FakeDeal["payers"]
        const recipients = params["recipients"] as FakeDeal["recipients"]
        if (!Array.isArray(payers) || payers.length === 0) return { error: { code: 4100, message: "payers" } }
        if (!Array.isArray(recipients) || recipients.length === 0)
          return { error: { code: 4100, message: "recipients" } }
        for (const p of payers) if (!accounts.has(p.virtual_account)) return { error: { code: 4404, message: "va" } }
        for (const r of recipients) {
          if (!/^\d{20}$/.test(r.account ?? "") || !/^\d{9}$/.test(r.bank_code ?? "") || !r.name)
            return { error: { code: 4422, message: "recipient requisites" } }
        }
        const paid = payers.reduce((s, p) => s + p.amount, 0)
        const received = recipients.reduce((s, r) => s + r.amount, 0)
        if (Math.abs(paid - params["amount"]) > 1e-9 || Math.abs(received - params["amount"]) > 1e-9)
          return { error: { code: 4422, message: "amount mismatch" } }
        const id = `deal-${randomUUID()}`
        deals.set(id, { id, ext_key: ext, amount: params["amount"], payers, recipients, status: "new" })
        return { result: { deal_id: id } }
      }
      case "execute_deal": {
        const deal = deals.get(params["deal_id"])
        if (!deal) return { error: { code: 4404, message: "deal not found" } }
        if (deal.status === "executed") return { result: { deal_id: deal.id } }
        for (const p of deal.payers)
          if (accounts.get(p.virtual_account)!.cash < p.amount - 1e-9)
            return { error: { code: 4402, message: "insufficient funds on the virtual account" } }
        for (const p of deal.payers) accounts.get(p.virtual_account)!.cash -= p.amount
        deal.status = "executed"
        return { result: { deal_id: deal.id } }
      }
      case "get_deal": {
        const deal = deals.get(params["deal_id"])
        return deal ? { result: { deal } } : { error: { code: 4404, message: "deal not found" } }
      }
      default:
        return { error: { code: -32601, message: `method ${method} not found` } }
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const body = Buffer.concat(chunks)
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" })
        res.end(JSON.stringify(payload))
      }
      const signature = req.headers["sign-data"]
      const valid =
        typeof signature === "string" &&
        req.headers["sign-system"] === options.signSystem &&
        req.headers["sign-thumbprint"] === options.signThumbprint &&
        verify("sha256", body, options.publicKey, Buffer.from(signature, "base64"))
      let request: { id?: unknown; method?: string; params?: Record<string, any> }
      try {
        request = JSON.parse(body.toString("utf8"))
      } catch {
        return reply(400, { jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } })
      }
      if (!valid) {
        rejected.push(request.method ?? "?")
        return reply(401, {
          jsonrpc: "2.0",
          id: request.id ?? null,
          error: { code: 4001, message: "invalid signature" }
        })
      }
      calls.push({ method: request.method ?? "", params: request.params ?? {} })
      const outcome = handle(request.method ?? "", request.params ?? {})
      reply(200, { jsonrpc: "2.0", id: request.id ?? null, ...outcome })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api/v1/cyclops/v2/jsonrpc`,
    calls,
    rejected,
    accounts,
    payments,
    refunds,
    deals,
    addIncoming: (amount, purpose) => {
      const id = `cyclops-${randomUUID()}`
      payments.set(id, {
        id,
        amount,
        purpose,
        incoming: true,
        identify: false,
        payer_name: "Иванов Иван",
        payer_account: "40817810000000000001",
        payer_bank_code: "044525225"
      })
      return id
    },
    failNextIdentification: () => {
      failIdentification = true
    },
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}
