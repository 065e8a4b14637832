/**
 * `shopAdmin` group: products, DIGITAL stock uploads, orders and refunds, the shop's settings. Every change is audited
 * with the admin and their address; a request that changed nothing (deactivating an inactive product, refunding a
 * refunded order) is not audited again. Item contents never reach the audit log, only counts.
 */
import { HttpApiBuilder } from "@effect/platform"
import {
  Catalog,
  CurrentAdmin,
  GroupBuyApi,
  OrderFilter,
  Orders,
  ProductFilter,
  InvalidInput,
  ProviderConfigs,
  type ShopSettingsData,
  ShopSettings,
  SyncLogFilter
} from "@groupbuy/core"
import { Effect, Option } from "effect"
import { auditAdminAction } from "../../admin/AdminAudit.js"
import { compact } from "../../internal/Compact.js"
import { proxy6SettingsIssues } from "../../shop/Proxy6Client.js"
import { providerDefaults, syncProvider } from "../../shop/ProvidersLive.js"

/** Audit details are JSON: amounts (bigint) as kopeck strings. */
const jsonable = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]))

/** The settings fields a patch changed, before and after. */
const settingsChange = (before: ShopSettingsData, after: ShopSettingsData, fields: ReadonlyArray<string>) => {
  const pick = (s: ShopSettingsData) => Object.fromEntries(fields.map((f) => [f, s[f as keyof ShopSettingsData]]))
  return { before: pick(before), after: pick(after) }
}

export const ShopAdminHandlers = HttpApiBuilder.group(GroupBuyApi, "shopAdmin", (handlers) =>
  Effect.gen(function* () {
    const catalog = yield* Catalog
    const orders = yield* Orders
    const settings = yield* ShopSettings
    const configs = yield* ProviderConfigs
    return handlers
      .handle("products", ({ urlParams }) => catalog.list(new ProductFilter(compact(urlParams))))
      .handle("product", ({ path }) => catalog.product(path.id))
      .handle("createProduct", ({ payload }) =>
        Effect.tap(catalog.create(payload), (p) =>
          auditAdminAction("product.create", "product", p.id, {
            title: p.title,
            kind: p.kind,
            price: p.price.toString(),
            categoryId: p.categoryId
          })
        )
      )
      .handle("updateProduct", ({ path, payload }) =>
        Effect.tap(catalog.update(path.id, payload), () =>
          auditAdminAction("product.update", "product", path.id, jsonable(compact({ ...payload })))
        )
      )
      .handle("deactivateProduct", ({ path }) =>
        Effect.gen(function* () {
          const before = yield* catalog.product(path.id)
          const after = yield* catalog.deactivate(path.id)
          if (before.isActive) yield* auditAdminAction("product.deactivate", "product", path.id, { title: after.title })
          return after
        })
      )
      .handle("deleteProduct", ({ path }) =>
        Effect.gen(function* () {
          const product = yield* catalog.product(path.id)
          yield* catalog.remove(path.id)
          yield* auditAdminAction("product.delete", "product", path.id, {
            title: product.title,
            kind: product.kind
          })
        })
      )
      .handle("uploadItems", ({ path, payload }) =>
        Effect.gen(function* () {
          const uploaded = yield* catalog.uploadItems(path.id, payload.text)
          const stock = yield* catalog.stock(path.id)
          // counts only: the items are secrets
          yield* auditAdminAction("product.upload_items", "product", path.id, {
            added: uploaded.added,
            duplicates: uploaded.duplicates,
            blanks: uploaded.blanks
          })
          return {
            ...uploaded,
            stock: { onHand: stock.onHand, sold: stock.sold }
          }
        })
      )
      .handle("stock", ({ path }) => catalog.stock(path.id))
      .handle("orders", ({ urlParams }) => orders.list(new OrderFilter(compact(urlParams))))
      .handle("order", ({ path }) => orders.get(path.id))
      .handle("refundOrder", ({ path, payload }) =>
        Effect.gen(function* () {
          const admin = yield* CurrentAdmin
          const { changed, order } = yield* orders.refund(path.id, admin.userId, payload.reason ?? null)
          if (changed) {
            yield* auditAdminAction("order.refund", "order", order.id, {
              number: order.number,
              buyerId: order.buyerId,
              amount: order.total.toString(),
              reason: payload.reason ?? null
            })
          }
          return order
        })
      )
      .handle("settings", () => settings.get())
      .handle("updateSettings", ({ payload }) =>
        Effect.gen(function* () {
          const before = yield* settings.get()
          const after = yield* settings.update(payload)
          const fields = Object.keys(compact({ ...payload }))
          yield* auditAdminAction("shop.settings_update", "shop_settings", null, settingsChange(before, after, fields))
          return after
        })
      )
      .handle("providers", () => configs.list())
      .handle("configureProvider", ({ path, payload }) =>
        Effect.gen(function* () {
          const current = yield* configs.get(path.providerId)
          const versions =
            payload.versions ?? Option.getOrUndefined(current)?.view.versions ?? providerDefaults.versions
          const periods = payload.periods ?? Option.getOrUndefined(current)?.view.periods ?? providerDefaults.periods
          const issues = proxy6SettingsIssues({ versions, periods })
          if (issues.length > 0) return yield* new InvalidInput({ issues: [issues[0]!, ...issues.slice(1)] })
          const saved = yield* configs.configure(path.providerId, payload, providerDefaults)
          // never the key: whether it changed
          const { apiKey, ...rest } = payload
          yield* auditAdminAction("provider.configure", "provider", path.providerId, {
            ...compact({ ...rest }),
            apiKeyChanged: apiKey !== undefined
          })
          return saved
        })
      )
      .handle("syncProvider", ({ path }) =>
        Effect.gen(function* () {
          const run = yield* syncProvider(path.providerId)
          yield* auditAdminAction("provider.sync", "provider", path.providerId, {
            status: run.status,
            created: run.created,
            updated: run.updated,
            deactivated: run.deactivated,
            error: run.error
          })
          return run
        })
      )
      .handle("syncLog", ({ urlParams }) => catalog.syncLog(new SyncLogFilter(compact(urlParams))))
  })
)
