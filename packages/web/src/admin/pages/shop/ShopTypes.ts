/** The shop admin API's types as the panel sees them, derived from core's contract. */
import type { Effect } from "effect"
import type { Client } from "../../../app/Api.js"

type ShopAdmin = Client["shopAdmin"]

/** What a shop admin endpoint answers (a `withResponse` call's [data, response] left out). */
export type ShopResult<K extends keyof ShopAdmin> = Exclude<
  Effect.Effect.Success<ReturnType<ShopAdmin[K]>>,
  readonly [unknown, unknown]
>

export type ProductRow = ShopResult<"products">["items"][number]
export type OrderRow = ShopResult<"orders">["items"][number]
export type ProductKind = ProductRow["kind"]
export type OrderStatus = OrderRow["status"]
export type ShopSettings = ShopResult<"settings">
export type ProviderView = ShopResult<"providers">[number]
export type SyncRun = ShopResult<"syncLog">["items"][number]

export const KINDS: ReadonlyArray<ProductKind> = ["STOCKED", "DIGITAL", "PROVIDER"]
export const ORDER_STATUSES: ReadonlyArray<OrderStatus> = ["PAID", "DELIVERED", "FAILED", "REFUNDED", "CANCELLED"]

/** An order's lines in one phrase: "Ключ ×2, Чай ×1". */
export const linesText = (order: OrderRow) => order.lines.map((l) => `${l.title} ×${l.quantity}`).join(", ")
