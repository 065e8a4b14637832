/**
 * `Orders` over PostgreSQL. A purchase is one SQL transaction under two row locks taken in a fixed order — the buyer,
 * then the product — so one buyer's double taps queue (the second finds the first order by its key) and all buyers
 * of one product queue on its row: the stock check, the decrement (or the choice of unsold DIGITAL items), the order
 * and the ledger's `PURCHASE` debit see no concurrent sale, which makes overselling impossible. A refund locks the
 * order, then (through the ledger write) the buyer, then the product: the same buyer → product order.
 *
 * A PROVIDER order commits PAID first; the provider's `buy` runs outside any SQL transaction, then a conditional
 * update (`WHERE status = 'PAID'`) moves it to DELIVERED or to FAILED — only the one that wins writes the refund,
 * whose ledger key `order:<id>:refund` is unique as well.
 *
 * An order sold through a referral shop's bot (`shop_bot_id`) credits the shop's owner a COMMISSION in the purchase's
 * transaction, and its refund or failure reverses it once in the same transaction (see `ReferralCommission.ts`).
 */
import { Duration, Effect, Layer, Option, Schema } from "effect"
import type { Page } from "../../Common.js"
import { PageRequest } from "../../Common.js"
import { InvalidQuantity, NotFound, ProductUnavailable, ProviderError, SoldOut } from "../../Errors.js"
import type { DomainEvent } from "../../Events.js"
import { OrderId, ProductId, SubscriptionId, UserId } from "../../Ids.js"
import { Kopecks } from "../../Money.js"
import { Providers } from "../../Providers.js"
import {
  MAX_ORDER_QUANTITY,
  Order,
  OrderFilter,
  Orders,
  type OrderSortColumn,
  type OwnOrder,
  type Product,
  PurchaseRequest,
  ShopSettings
} from "../../Shop.js"
import { dateRange, orderBy } from "../ListSql.js"
import { decodeInput, validId } from "../money/InputDecoding.js"
import { makeMoneyWork } from "../money/MoneyWork.js"
import { orDie } from "../money/SqlEdge.js"
import { CountRow, decodeRows, parseJsonColumns } from "../people/Sql.js"
import { productColumns, productRows, textArray } from "./ProductRows.js"
import { makeReferralCommission } from "./ReferralCommission.js"
import { Refusal } from "./Refusals.js"

const decodePurchase = decodeInput(PurchaseRequest)
const decodeFilter = decodeInput(OrderFilter)
const decodePage = decodeInput(PageRequest)

const orderOrder: { readonly [K in OrderSortColumn]: string } = {
  createdAt: "o.created_at",
  number: "o.number",
  total: "o.total",
  status: "o.status"
}

const DeliveryRow = Schema.Struct({
  kind: Schema.String,
  delivery: Schema.NullOr(Schema.Array(Schema.String)),
  items: Schema.Array(Schema.String),
  subscriptionId: Schema.NullOr(SubscriptionId),
  expiresAt: Schema.NullOr(Schema.DateTimeUtcFromDate)
})
const PlacedRow = Schema.Struct({ id: OrderId, number: Schema.Number })
const ItemRow = Schema.Struct({ id: Schema.String })

export const OrdersLive = Layer.effect(
  Orders,
  Effect.gen(function* () {
    const { publishAll, sql, transaction, writes } = yield* makeMoneyWork
    const providers = yield* Providers
    const settings = yield* ShopSettings
    const commission = yield* makeReferralCommission
    const columns = productColumns(sql)

    const orderSelect = sql.literal(`SELECT o.id, o.number, o.buyer_id, o.status, o.total, o.shop_bot_id, o.note,
        o.created_at, o.updated_at, o.delivered_at, o.refunded_at,
        (SELECT json_agg(json_build_object('productId', l.product_id, 'title', l.title, 'kind', l.kind,
            'quantity', l.quantity, 'unitPrice', l.unit_price::text) ORDER BY l.line)
          FROM order_lines l WHERE l.order_id = o.id)::text AS lines
      FROM orders o`)
    const orderRows = <E, R>(rows: Effect.Effect<ReadonlyArray<Record<string, unknown>>, E, R>) =>
      decodeRows(Order)(parseJsonColumns("lines")(rows))

    const findOrder = (id: OrderId) => Effect.map(orderRows(sql`${orderSelect} WHERE o.id = ${id}`), (rows) => rows[0])

    const findByKey = (buyerId: UserId, key: string) =>
      Effect.map(
        orderRows(sql`${orderSelect} WHERE o.buyer_id = ${buyerId} AND o.idempotency_key = ${key}`),
        (rows) => rows[0]
      )

    /** What the buyer received (DIGITAL items, provider credentials), once the order was delivered. */
    const ownView = (order: Order) =>
      Effect.gen(function* () {
        if (order.deliveredAt === null) return { order, delivery: null } satisfies OwnOrder
        const [row] = yield* decodeRows(DeliveryRow)(
          sql`SELECT (SELECT kind FROM order_lines WHERE order_id = o.id ORDER BY line LIMIT 1) AS kind, o.delivery,
                ARRAY(SELECT content FROM product_items WHERE order_id = o.id ORDER BY created_at, id) AS items,
                s.id AS subscription_id, s.expires_at
              FROM orders o LEFT JOIN subscriptions s ON s.order_id = o.id WHERE o.id = ${order.id}`
        )
        if (row === undefined) return { order, delivery: null }
        return {
          order,
          delivery: {
            items: row.kind === "PROVIDER" ? (row.delivery ?? []) : row.items,
            subscriptionId: row.subscriptionId,
            expiresAt: row.expiresAt
          }
        }
      })

    const onHandCrossed = (product: Product, sold: number) =>
      Effect.gen(function* () {
        if (product.kind === "PROVIDER") return []
        const { lowStockThreshold } = yield* settings.get()
        const before = product.available
        const after = before - sold
        // only the sale that crosses the threshold tells the admins (not every sale below it)
        return before > lowStockThreshold && after <= lowStockThreshold
          ? [
              {
                _tag: "LowStock",
                productId: product.id,
                title: product.title,
                onHand: after,
                threshold: lowStockThreshold
              } satisfies DomainEvent
            ]
          : []
      })

    /** The first transaction of a purchase: checks, debit, stock, order (delivered at once unless PROVIDER). */
    const place = (request: PurchaseRequest, quantity: number) =>
      transaction(
        Effect.gen(function* () {
          const buyer = yield* writes.lockUser(request.buyerId)
          if (Option.isNone(buyer)) return yield* new NotFound({ entity: "user", id: request.buyerId })
          const replay = yield* findByKey(request.buyerId, request.idempotencyKey)
          if (replay !== undefined) return { fresh: false as const, order: replay }
          if (!buyer.value.isActive) return yield* Refusal.accountBlocked()
          const [product] = yield* productRows(
            sql`SELECT ${columns} FROM products p WHERE p.id = ${request.productId} FOR UPDATE`
          )
          if (product === undefined) return yield* new NotFound({ entity: "product", id: request.productId })
          if (!product.isActive) return yield* new ProductUnavailable({ productId: product.id })
          const items =
            product.kind === "DIGITAL"
              ? yield* decodeRows(ItemRow)(
                  sql`SELECT id FROM product_items WHERE product_id = ${product.id} AND order_id IS NULL
                      ORDER BY created_at, id LIMIT ${quantity} FOR UPDATE`
                )
              : []
          const available = product.kind === "DIGITAL" ? items.length : product.available
          if (available < quantity) return yield* new SoldOut({ productId: product.id, requested: quantity, available })
          const total = Kopecks.make(product.price * BigInt(quantity))
          const [placed] = yield* decodeRows(PlacedRow)(
            sql`INSERT INTO orders (buyer_id, status, total, shop_bot_id, idempotency_key)
                VALUES (${request.buyerId}, 'PAID', ${total}, ${request.shopBotId ?? null}, ${request.idempotencyKey})
                RETURNING id, number`
          )
          const orderId = placed!.id
          yield* sql`INSERT INTO order_lines (order_id, line, product_id, title, kind, quantity, unit_price)
                     VALUES (${orderId}, 1, ${product.id}, ${product.title}, ${product.kind}, ${quantity},
                       ${product.price})`
          const debit = yield* writes.apply({
            userId: request.buyerId,
            amount: Kopecks.make(-total),
            type: "PURCHASE",
            idempotencyKey: `order:${orderId}:purchase`,
            description: `Order #${placed!.number}: ${product.title} × ${quantity}`
          })
          switch (product.kind) {
            case "STOCKED":
              yield* sql`UPDATE products SET stock = stock - ${quantity}, updated_at = now() WHERE id = ${product.id}`
              break
            case "DIGITAL":
              yield* sql`UPDATE product_items SET order_id = ${orderId}, sold_at = now()
                         WHERE ${sql.in(
                           "id",
                           items.map((i) => i.id)
                         )}`
              break
            case "PROVIDER":
              yield* sql`UPDATE products SET provider_available = provider_available - ${quantity}
                         WHERE id = ${product.id}`
          }
          if (product.kind !== "PROVIDER")
            yield* sql`UPDATE orders SET status = 'DELIVERED', delivered_at = now(), updated_at = now()
                       WHERE id = ${orderId}`
          const order = (yield* findOrder(orderId))!
          const commissionEvents = yield* commission.credit(order)
          const events: Array<DomainEvent> = [
            { _tag: "BalanceChanged", userId: request.buyerId, balance: debit.balanceAfter },
            ...commissionEvents,
            ...(product.kind === "PROVIDER"
              ? []
              : [
                  {
                    _tag: "OrderDelivered",
                    orderId,
                    number: order.number,
                    buyerId: order.buyerId,
                    total,
                    title: product.title
                  } satisfies DomainEvent
                ]),
            ...(yield* onHandCrossed(product, quantity))
          ]
          return { fresh: true as const, order, product, events }
        })
      ).pipe(Effect.catchTag("EntryConflict", (e) => Effect.die(e)))

    /** The provider delivered: DELIVERED with the credentials and a subscription, if the order is still PAID. */
    const delivered = (
      order: Order,
      product: Product,
      delivery: { externalIds: ReadonlyArray<string>; credentials: ReadonlyArray<string>; expiresAt: Date }
    ) =>
      transaction(
        Effect.gen(function* () {
          const [won] =
            yield* sql`UPDATE orders SET status = 'DELIVERED', delivery = ${textArray(sql, delivery.credentials)},
                delivered_at = now(), updated_at = now()
              WHERE id = ${order.id} AND status = 'PAID' RETURNING id`
          if (won === undefined) return false
          yield* sql`INSERT INTO subscriptions (user_id, product_id, order_id, provider_id, external_ids, credentials,
                period_days, expires_at)
              VALUES (${order.buyerId}, ${product.id}, ${order.id}, ${product.providerId!},
                ${textArray(sql, delivery.externalIds)}, ${textArray(sql, delivery.credentials)},
                ${product.periodDays!}, ${delivery.expiresAt})`
          return true
        })
      ).pipe(
        Effect.tap((won) =>
          won
            ? publishAll([
                {
                  _tag: "OrderDelivered",
                  orderId: order.id,
                  number: order.number,
                  buyerId: order.buyerId,
                  total: order.total,
                  title: product.title
                }
              ])
            : Effect.logWarning("shop: the provider delivered an order that was no longer PAID (refunded meanwhile)", {
                orderId: order.id,
                providerId: product.providerId
              })
        )
      )

    /** The provider failed: FAILED and the money back, once (only the update that finds it PAID refunds). */
    const failed = (order: Order, product: Product, error: ProviderError) =>
      transaction(
        Effect.gen(function* () {
          const note = `${error.reason}: ${error.message}`.slice(0, 500)
          const [won] = yield* sql`UPDATE orders SET status = 'FAILED', note = ${note}, updated_at = now()
              WHERE id = ${order.id} AND status = 'PAID' RETURNING id`
          if (won === undefined) return []
          const quantity = order.lines.reduce((sum, line) => sum + line.quantity, 0)
          yield* sql`UPDATE products SET provider_available = provider_available + ${quantity} WHERE id = ${product.id}`
          const refund = yield* writes.apply({
            userId: order.buyerId,
            amount: order.total,
            type: "PURCHASE_REFUND",
            idempotencyKey: `order:${order.id}:refund`,
            description: `Order #${order.number} failed: refund`
          })
          const reversal = yield* commission.reverse(order)
          return [
            { _tag: "BalanceChanged", userId: order.buyerId, balance: refund.balanceAfter },
            ...reversal,
            {
              _tag: "OrderFailed",
              orderId: order.id,
              number: order.number,
              buyerId: order.buyerId,
              refunded: order.total,
              title: product.title,
              reason: error.reason
            }
          ] satisfies Array<DomainEvent>
        })
      ).pipe(
        Effect.catchTag("EntryConflict", (e) => Effect.die(e)),
        Effect.catchTag("InsufficientFunds", (e) => Effect.die(e)),
        Effect.tap(publishAll)
      )

    const fulfil = (order: Order, product: Product) =>
      providers.client(product.providerId!).pipe(
        Effect.flatMap((client) =>
          client.buy(
            product.offerKey!,
            order.lines.reduce((sum, line) => sum + line.quantity, 0),
            `order:${order.id}`
          )
        ),
        Effect.matchEffect({
          onFailure: (error) =>
            Effect.zipRight(
              Effect.logWarning("shop: the provider could not deliver an order", {
                orderId: order.id,
                providerId: product.providerId,
                reason: error.reason
              }),
              failed(order, product, error)
            ),
          onSuccess: (delivery) => delivered(order, product, delivery)
        })
      )

    const purchase = Effect.fn("Orders.purchase")(function* (input: PurchaseRequest) {
      const request = yield* decodePurchase(input)
      const quantity = request.quantity
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_ORDER_QUANTITY)
        return yield* new InvalidQuantity({ quantity, min: 1, max: MAX_ORDER_QUANTITY })
      if (!validId(ProductId)(request.productId))
        return yield* new NotFound({ entity: "product", id: request.productId })
      // a replay needs no lock: the first order is there already
      const known = yield* findByKey(request.buyerId, request.idempotencyKey)
      if (known !== undefined) return yield* ownView(known)
      const placed = yield* place(request, quantity)
      if (!placed.fresh) return yield* ownView(placed.order)
      yield* publishAll(placed.events)
      if (placed.product.kind === "PROVIDER") yield* fulfil(placed.order, placed.product)
      return yield* ownView((yield* findOrder(placed.order.id))!)
    }, orDie)

    const pageOf = (where: ReturnType<typeof sql.and>, order: ReturnType<typeof sql.literal>, page: PageRequest) =>
      Effect.all(
        [
          orderRows(sql`${orderSelect} WHERE ${where} ORDER BY ${order} LIMIT ${page.limit} OFFSET ${page.offset}`),
          decodeRows(CountRow)(sql`SELECT count(*)::int AS n FROM orders o WHERE ${where}`)
        ],
        { concurrency: 1 }
      ).pipe(
        Effect.map(([items, [count]]): Page<Order> => ({
          items,
          total: count?.n ?? 0,
          offset: page.offset,
          limit: page.limit
        }))
      )

    const mine = Effect.fn("Orders.mine")(function* (buyerId: UserId, input: PageRequest) {
      const page = yield* decodePage(input).pipe(Effect.orElseSucceed(() => ({ offset: 0, limit: 20 })))
      if (!validId(UserId)(buyerId)) return { items: [], total: 0, offset: page.offset, limit: page.limit }
      return yield* pageOf(
        sql.and([sql`o.buyer_id = ${buyerId}`]),
        sql.literal("o.created_at DESC, o.number DESC"),
        page
      )
    }, orDie)

    const own = Effect.fn("Orders.own")(function* (buyerId: UserId, orderId: OrderId) {
      const order = validId(OrderId)(orderId) ? yield* findOrder(orderId) : undefined
      if (order === undefined || order.buyerId !== buyerId)
        return yield* new NotFound({ entity: "order", id: String(orderId) })
      return yield* ownView(order)
    }, orDie)

    const list = Effect.fn("Orders.list")(function* (input: OrderFilter) {
      const decoded = yield* decodeFilter(input).pipe(Effect.option)
      if (Option.isNone(decoded)) return { items: [], total: 0, offset: 0, limit: 20 }
      const filter = decoded.value
      const where = sql.and([
        ...(filter.status === undefined ? [] : [sql`o.status = ${filter.status}`]),
        ...(filter.buyerId === undefined ? [] : [sql`o.buyer_id = ${filter.buyerId}`]),
        ...(filter.shopBotId === undefined ? [] : [sql`o.shop_bot_id = ${filter.shopBotId}`]),
        ...(filter.productId === undefined
          ? []
          : [sql`EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.product_id = ${filter.productId})`]),
        dateRange(sql, "o.created_at", filter)
      ])
      const order = orderBy(sql, filter.sort, orderOrder, "o.created_at DESC, o.number DESC", "o.number DESC")
      return yield* pageOf(where, order, filter)
    }, orDie)

    const get = Effect.fn("Orders.get")(function* (orderId: OrderId) {
      const order = validId(OrderId)(orderId) ? yield* findOrder(orderId) : undefined
      if (order === undefined) return yield* new NotFound({ entity: "order", id: String(orderId) })
      return order
    }, orDie)

    const refund = Effect.fn("Orders.refund")(function* (orderId: OrderId, by: UserId | null, reason: string | null) {
      if (!validId(OrderId)(orderId)) return yield* new NotFound({ entity: "order", id: String(orderId) })
      const outcome = yield* transaction(
        Effect.gen(function* () {
          const [locked] = yield* sql`SELECT id FROM orders WHERE id = ${orderId} FOR UPDATE`
          if (locked === undefined) return yield* new NotFound({ entity: "order", id: orderId })
          const order = (yield* findOrder(orderId))!
          if (order.status === "REFUNDED") return { order, changed: false, events: [] as Array<DomainEvent> }
          if (order.status !== "PAID" && order.status !== "DELIVERED") return yield* Refusal.notRefundable(order.status)
          const credit = yield* writes.apply({
            userId: order.buyerId,
            amount: order.total,
            type: "PURCHASE_REFUND",
            idempotencyKey: `order:${order.id}:refund`,
            description: `Order #${order.number} refunded${reason === null || reason.trim() === "" ? "" : `: ${reason.trim()}`}`,
            createdBy: by
          })
          for (const line of order.lines) {
            // STOCKED units go back on the shelf; sold DIGITAL items stay sold (the buyer has seen them)
            if (line.kind === "STOCKED")
              yield* sql`UPDATE products SET stock = stock + ${line.quantity}, updated_at = now()
                         WHERE id = ${line.productId}`
          }
          yield* sql`UPDATE subscriptions SET status = 'CANCELLED', auto_renew = false, updated_at = now()
                     WHERE order_id = ${order.id} AND status = 'ACTIVE'`
          const note = reason === null || reason.trim() === "" ? null : reason.trim().slice(0, 500)
          yield* sql`UPDATE orders SET status = 'REFUNDED', refunded_at = now(), updated_at = now(),
                       note = coalesce(${note}, note)
                     WHERE id = ${order.id}`
          const reversal = yield* commission.reverse(order)
          const refunded = (yield* findOrder(order.id))!
          const events: Array<DomainEvent> = [
            { _tag: "BalanceChanged", userId: order.buyerId, balance: credit.balanceAfter },
            ...reversal,
            {
              _tag: "OrderRefunded",
              orderId: order.id,
              number: order.number,
              buyerId: order.buyerId,
              amount: order.total,
              title: order.lines[0]?.title ?? ""
            }
          ]
          return { order: refunded, changed: true, events }
        })
      ).pipe(
        Effect.catchTag("EntryConflict", (e) => Effect.die(e)),
        Effect.catchTag("InsufficientFunds", (e) => Effect.die(e))
      )
      yield* publishAll(outcome.events)
      return { order: outcome.order, changed: outcome.changed }
    }, orDie)

    const failStale = Effect.fn("Orders.failStale")(function* (olderThan: Duration.DurationInput) {
      const millis = Duration.toMillis(Duration.decode(olderThan))
      const stale = yield* orderRows(
        sql`${orderSelect} WHERE o.status = 'PAID'
              AND o.updated_at < now() - ${millis} * interval '1 millisecond'
              AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.kind = 'PROVIDER')
            ORDER BY o.created_at LIMIT 100`
      )
      let failedCount = 0
      for (const order of stale) {
        const line = order.lines[0]!
        const [product] = yield* productRows(sql`SELECT ${columns} FROM products p WHERE p.id = ${line.productId}`)
        if (product === undefined) continue
        yield* Effect.logWarning("shop: a PROVIDER order stayed PAID without the provider's answer; refunding it", {
          orderId: order.id,
          providerId: product.providerId,
          reference: `order:${order.id}`
        })
        const reason = new ProviderError({
          providerId: product.providerId ?? "",
          reason: "unavailable",
          message: "no answer from the provider"
        })
        const events = yield* failed(order, product, reason).pipe(Effect.catchTag("NotFound", (e) => Effect.die(e)))
        if (events.length > 0) failedCount++
      }
      return failedCount
    }, orDie)

    return Orders.of({ purchase, mine, own, list, get, refund, failStale })
  })
)
