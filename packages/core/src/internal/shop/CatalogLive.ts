/** `Catalog` over PostgreSQL: products, DIGITAL items and the provider sync. */
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Schema } from "effect"
import type { Page } from "../../Common.js"
import { PageRequest } from "../../Common.js"
import { InvalidInput, NotFound, type ProviderError } from "../../Errors.js"
import { CategoryId, ProductId } from "../../Ids.js"
import { Category } from "../../Models.js"
import { Kopecks } from "../../Money.js"
import type { ProviderOffer } from "../../Providers.js"
import {
  Catalog,
  type CatalogCategory,
  CreateProduct,
  type Product,
  ProductFilter,
  type ProductSortColumn,
  ProviderSyncRun,
  type SyncChange,
  SyncLogFilter,
  type SyncResult,
  UpdateProduct
} from "../../Shop.js"
import { orderBy } from "../ListSql.js"
import { decodeInput, decodeValue, issue, refuseIfAny, validId } from "../money/InputDecoding.js"
import { inTransaction, orDie } from "../money/SqlEdge.js"
import { CountRow, decodeRows, escapeLike, parseJsonColumns, toJsonText } from "../people/Sql.js"
import { productColumns, productRows, textArray } from "./ProductRows.js"
import { productIssues, Refusal } from "./Refusals.js"

const decodeCreate = decodeInput(CreateProduct)
const decodeUpdate = decodeInput(UpdateProduct)
const decodeFilter = decodeInput(ProductFilter)
const decodePage = decodeInput(PageRequest)
const decodeMarkup = decodeValue(Schema.Number.pipe(Schema.between(0, 1000)), "markupPercent")

const decodeLogFilter = decodeInput(SyncLogFilter)

const SyncRunRow = Schema.Struct({ ...ProviderSyncRun.fields, createdAt: Schema.DateTimeUtcFromDate })

const changeOf = (product: Product, change: SyncChange["change"]): SyncChange => ({
  productId: product.id,
  offerKey: product.offerKey ?? "",
  title: product.title,
  change
})

const CategoryCountRow = Schema.Struct({ ...Category.fields, productCount: Schema.Number })
const CountsRow = Schema.Struct({ sold: Schema.Number })

const productOrder: { readonly [K in ProductSortColumn]: string } = {
  sortOrder: "p.sort_order",
  title: "p.title",
  price: "p.price",
  createdAt: "p.created_at",
  available: "available"
}

/** cost + markup%, rounded up to the kopeck (the markup in hundredths of a percent, so 12.5% is exact). */
export const markedUp = (cost: bigint, markupPercent: number): Kopecks => {
  const basisPoints = BigInt(Math.round(markupPercent * 100))
  const numerator = cost * (10_000n + basisPoints)
  return Kopecks.make((numerator + 9_999n) / 10_000n)
}

const offerIssues = (offers: ReadonlyArray<ProviderOffer>) => {
  const seen = new Set<string>()
  return offers.flatMap((o, i) => {
    const problems = [
      ...(o.offerKey.trim() === "" || seen.has(o.offerKey)
        ? [
            issue(
              `offers.${i}.offerKey`,
              "offer.key",
              "Offer keys must be unique and not empty",
              "Ключи предложений должны быть уникальны и непусты"
            )
          ]
        : []),
      ...(o.cost <= 0n
        ? [
            issue(
              `offers.${i}.cost`,
              "offer.cost",
              "An offer's cost must be above zero",
              "Цена предложения должна быть больше нуля"
            )
          ]
        : []),
      ...(!Number.isInteger(o.available) || o.available < 0
        ? [
            issue(
              `offers.${i}.available`,
              "offer.available",
              "An offer's availability must be a whole number ≥ 0",
              "Доступное количество — целое число ≥ 0"
            )
          ]
        : []),
      ...productIssues({ title: o.title, description: o.description, periodDays: o.periodDays })
    ]
    seen.add(o.offerKey)
    return problems
  })
}

export const CatalogLive = Layer.effect(
  Catalog,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const transaction = inTransaction(sql)
    const columns = productColumns(sql)

    const findProduct = (id: ProductId, lock = false) =>
      Effect.map(
        productRows(sql`SELECT ${columns} FROM products p WHERE p.id = ${id} ${sql.literal(lock ? "FOR UPDATE" : "")}`),
        (rows) => rows[0]
      )

    const existingProduct = (id: ProductId, lock = false) =>
      Effect.gen(function* () {
        if (!validId(ProductId)(id)) return yield* new NotFound({ entity: "product", id: String(id) })
        const product = yield* findProduct(id, lock)
        if (product === undefined) return yield* new NotFound({ entity: "product", id })
        return product
      })

    const categoryMustExist = (id: CategoryId | null | undefined) =>
      Effect.gen(function* () {
        if (id === null || id === undefined) return
        const [found] = yield* sql`SELECT 1 FROM categories WHERE id = ${id}`
        if (found === undefined) return yield* new NotFound({ entity: "category", id })
      })

    const pageOf = (where: ReturnType<typeof sql.and>, order: ReturnType<typeof sql.literal>, page: PageRequest) =>
      Effect.all(
        [
          productRows(
            sql`SELECT ${columns} FROM products p WHERE ${where} ORDER BY ${order}
                LIMIT ${page.limit} OFFSET ${page.offset}`
          ),
          decodeRows(CountRow)(sql`SELECT count(*)::int AS n FROM products p WHERE ${where}`)
        ],
        { concurrency: 1 }
      ).pipe(
        Effect.map(([items, [count]]): Page<Product> => ({
          items,
          total: count?.n ?? 0,
          offset: page.offset,
          limit: page.limit
        }))
      )

    const categories = Effect.fn("Catalog.categories")(function* () {
      const rows = yield* decodeRows(CategoryCountRow)(
        sql`SELECT c.*, count(p.id)::int AS product_count
              FROM categories c JOIN products p ON p.category_id = c.id AND p.is_active
              GROUP BY c.id ORDER BY c.sort_order, c.name, c.id`
      )
      return rows.map(({ productCount, ...category }): CatalogCategory => ({
        category: Category.make(category),
        productCount
      }))
    }, orDie)

    const products = Effect.fn("Catalog.products")(function* (categoryId: CategoryId | null, input: PageRequest) {
      const page = yield* decodePage(input).pipe(Effect.orElseSucceed(() => ({ offset: 0, limit: 20 })))
      if (categoryId !== null && !validId(CategoryId)(categoryId))
        return { items: [], total: 0, offset: page.offset, limit: page.limit }
      const where = sql.and([
        sql`p.is_active`,
        categoryId === null ? sql`p.category_id IS NULL` : sql`p.category_id = ${categoryId}`
      ])
      return yield* pageOf(where, sql.literal("p.sort_order, p.title, p.id"), page)
    }, orDie)

    const product = Effect.fn("Catalog.product")(function* (id: ProductId) {
      return yield* existingProduct(id)
    }, orDie)

    const list = Effect.fn("Catalog.list")(function* (input: ProductFilter) {
      const decoded = yield* decodeFilter(input).pipe(Effect.option)
      if (decoded._tag === "None") return { items: [], total: 0, offset: 0, limit: 20 }
      const filter = decoded.value
      const where = sql.and([
        ...(filter.categoryId === undefined ? [] : [sql`p.category_id = ${filter.categoryId}`]),
        ...(filter.kind === undefined ? [] : [sql`p.kind = ${filter.kind}`]),
        ...(filter.isActive === undefined ? [] : [sql`p.is_active = ${filter.isActive}`]),
        ...(filter.providerId === undefined ? [] : [sql`p.provider_id = ${filter.providerId}`]),
        ...(filter.search === undefined || filter.search.trim() === ""
          ? []
          : [sql`p.title ILIKE ${`%${escapeLike(filter.search.trim())}%`}`])
      ])
      const order = orderBy(sql, filter.sort, productOrder, "p.sort_order, p.title, p.id", "p.id")
      return yield* pageOf(where, order, filter)
    }, orDie)

    const create = Effect.fn("Catalog.create")(function* (input: CreateProduct) {
      const p = yield* decodeCreate(input)
      yield* refuseIfAny(productIssues(p))
      const provider = p.providerId !== undefined || p.offerKey !== undefined || p.periodDays !== undefined
      if (p.kind !== "STOCKED" && p.stock !== undefined) return yield* Refusal.kindFields("stock", p.kind)
      if (p.kind !== "PROVIDER" && provider) return yield* Refusal.kindFields("providerId", p.kind)
      if (p.kind === "PROVIDER" && (p.providerId === undefined || p.offerKey === undefined))
        return yield* Refusal.kindFields("offerKey", p.kind)
      if (p.kind === "PROVIDER" && p.periodDays === undefined) return yield* Refusal.kindFields("periodDays", p.kind)
      yield* categoryMustExist(p.categoryId)
      const [row] = yield* sql<{ id: ProductId }>`INSERT INTO products (category_id, title, description, price, images,
            is_active, sort_order, kind, stock, provider_id, offer_key, period_days, provider_available)
          VALUES (${p.categoryId ?? null}, ${p.title.trim()}, ${p.description}, ${p.price},
            ${textArray(sql, p.images)}, ${p.isActive}, ${p.sortOrder}, ${p.kind},
            ${p.kind === "STOCKED" ? (p.stock ?? 0) : null}, ${p.providerId ?? null}, ${p.offerKey ?? null},
            ${p.periodDays ?? null}, ${p.kind === "PROVIDER" ? 0 : null})
          RETURNING id`
      return yield* existingProduct(row!.id)
    }, orDie)

    const update = Effect.fn("Catalog.update")(function* (id: ProductId, input: UpdateProduct) {
      const patch = yield* decodeUpdate(input)
      yield* refuseIfAny(productIssues(patch))
      yield* categoryMustExist(patch.categoryId)
      return yield* transaction(
        Effect.gen(function* () {
          const current = yield* existingProduct(id, true)
          if (patch.stock !== undefined && current.kind !== "STOCKED")
            return yield* Refusal.kindFields("stock", current.kind)
          yield* sql`UPDATE products SET
              category_id = ${patch.categoryId === undefined ? current.categoryId : patch.categoryId},
              title = ${patch.title?.trim() ?? current.title},
              description = ${patch.description ?? current.description},
              price = ${patch.price ?? current.price},
              images = ${textArray(sql, patch.images ?? current.images)},
              is_active = ${patch.isActive ?? current.isActive},
              sync_deactivated = ${patch.isActive === undefined ? sql.literal("sync_deactivated") : false},
              sort_order = ${patch.sortOrder ?? current.sortOrder},
              stock = ${patch.stock ?? current.stock},
              updated_at = now()
            WHERE id = ${current.id}`
          return yield* existingProduct(current.id)
        })
      )
    }, orDie)

    const deactivate = Effect.fn("Catalog.deactivate")(function* (id: ProductId) {
      const current = yield* existingProduct(id)
      if (!current.isActive) return current
      yield* sql`UPDATE products SET is_active = false, sync_deactivated = false, updated_at = now()
                 WHERE id = ${current.id}`
      return yield* existingProduct(current.id)
    }, orDie)

    const remove = Effect.fn("Catalog.remove")(function* (id: ProductId) {
      yield* transaction(
        Effect.gen(function* () {
          const current = yield* existingProduct(id, true)
          const [ordered] = yield* sql`SELECT 1 FROM order_lines WHERE product_id = ${current.id} LIMIT 1`
          if (ordered !== undefined) return yield* Refusal.hasOrders()
          yield* sql`DELETE FROM products WHERE id = ${current.id}`
        })
      )
    }, orDie)

    const uploadItems = Effect.fn("Catalog.uploadItems")(function* (id: ProductId, text: string) {
      const current = yield* existingProduct(id)
      if (current.kind !== "DIGITAL") return yield* Refusal.notDigital()
      const body = text.replace(/(\r\n|\r|\n)$/u, "")
      const lines = body === "" ? [] : body.split(/\r\n|\r|\n/u).map((line) => line.trim())
      const tooLong = lines.findIndex((line) => line.length > 4000)
      if (tooLong !== -1) return yield* Refusal.itemTooLong(tooLong + 1)
      const filled = lines.filter((line) => line !== "")
      const distinct = [...new Set(filled)]
      const inserted =
        distinct.length === 0
          ? []
          : // items sell in the order they were uploaded (orders take the oldest first): one upload's lines get
            // created_at a microsecond apart, in their order, or they would share the transaction's now()
            yield* sql`INSERT INTO product_items (product_id, content, created_at)
                SELECT ${current.id}, value, now() + (ordinality - 1) * interval '1 microsecond'
                  FROM jsonb_array_elements_text(${JSON.stringify(distinct)}::jsonb) WITH ORDINALITY
                ON CONFLICT (product_id, content) DO NOTHING
                RETURNING 1`
      return {
        added: inserted.length,
        duplicates: filled.length - inserted.length,
        blanks: lines.length - filled.length
      }
    }, orDie)

    const stock = Effect.fn("Catalog.stock")(function* (id: ProductId) {
      const current = yield* existingProduct(id)
      const [counts] = yield* decodeRows(CountsRow)(
        sql`SELECT coalesce(sum(l.quantity), 0)::int AS sold FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE l.product_id = ${current.id} AND o.status IN ('PAID', 'DELIVERED')`
      )
      return { productId: current.id, kind: current.kind, onHand: current.available, sold: counts?.sold ?? 0 }
    }, orDie)

    const syncProviderOffers = Effect.fn("Catalog.syncProviderOffers")(function* (
      providerId: string,
      offers: ReadonlyArray<ProviderOffer>,
      markupPercent: number
    ) {
      const markup = yield* decodeMarkup(markupPercent)
      if (providerId.trim() === "")
        return yield* InvalidInput.single(
          "providerId",
          "provider.empty",
          "The provider id is empty",
          "Не указан поставщик"
        )
      yield* refuseIfAny(offerIssues(offers))
      return yield* transaction(
        Effect.gen(function* () {
          // every product of the provider is locked: two syncs of one provider run one after the other
          const existing = yield* productRows(
            sql`SELECT ${columns} FROM products p WHERE p.provider_id = ${providerId} ORDER BY p.id FOR UPDATE`
          )
          const byKey = new Map(existing.map((p) => [p.offerKey!, p]))
          const [flags] = yield* decodeRows(Schema.Struct({ ids: Schema.Array(ProductId) }))(
            sql`SELECT coalesce(array_agg(id::text), '{}') AS ids FROM products
                WHERE provider_id = ${providerId} AND sync_deactivated`
          )
          const syncDeactivated = new Set(flags?.ids ?? [])
          const created: Array<ProductId> = []
          const updated: Array<ProductId> = []
          let unchanged = 0
          for (const offer of offers) {
            const price = markedUp(offer.cost, markup)
            const known = byKey.get(offer.offerKey)
            if (known === undefined) {
              const [row] = yield* sql<{ id: ProductId }>`INSERT INTO products (title, description, price, kind,
                    provider_id, offer_key, provider_cost, period_days, provider_available)
                  VALUES (${offer.title}, ${offer.description}, ${price}, 'PROVIDER', ${providerId}, ${offer.offerKey},
                    ${offer.cost}, ${offer.periodDays}, ${offer.available})
                  RETURNING id`
              created.push(row!.id)
              continue
            }
            const reactivate = syncDeactivated.has(known.id)
            const same =
              !reactivate &&
              known.title === offer.title &&
              known.description === offer.description &&
              known.price === price &&
              known.providerCost === offer.cost &&
              known.periodDays === offer.periodDays &&
              known.available === offer.available
            if (same) {
              unchanged++
              continue
            }
            yield* sql`UPDATE products SET title = ${offer.title}, description = ${offer.description},
                price = ${price}, provider_cost = ${offer.cost}, period_days = ${offer.periodDays},
                provider_available = ${offer.available},
                is_active = ${reactivate ? true : sql.literal("is_active")}, sync_deactivated = false,
                updated_at = now()
              WHERE id = ${known.id}`
            updated.push(known.id)
          }
          const listed = new Set(offers.map((o) => o.offerKey))
          const gone = existing.filter((p) => !listed.has(p.offerKey!) && p.isActive)
          for (const product of gone)
            yield* sql`UPDATE products SET is_active = false, sync_deactivated = true, updated_at = now()
                       WHERE id = ${product.id}`
          const read = (ids: ReadonlyArray<ProductId>) =>
            ids.length === 0
              ? Effect.succeed([] as ReadonlyArray<Product>)
              : productRows(sql`SELECT ${columns} FROM products p WHERE ${sql.in("p.id", ids)} ORDER BY p.title`)
          const createdProducts = yield* read(created)
          const updatedProducts = yield* read(updated)
          const deactivatedProducts = yield* read(gone.map((p) => p.id))
          const changes = [
            ...createdProducts.map((p) => changeOf(p, "created")),
            ...updatedProducts.map((p) => changeOf(p, "updated")),
            ...deactivatedProducts.map((p) => changeOf(p, "deactivated"))
          ]
          const [run] = yield* sql<{
            id: string
          }>`INSERT INTO provider_sync_runs (provider_id, status, created, updated,
                deactivated, unchanged, changes)
              VALUES (${providerId}, 'OK', ${created.length}, ${updated.length}, ${gone.length}, ${unchanged},
                ${yield* toJsonText(changes)}::jsonb)
              RETURNING id`
          const result: SyncResult = {
            providerId,
            created: createdProducts,
            updated: updatedProducts,
            deactivated: deactivatedProducts,
            unchanged,
            runId: run!.id
          }
          return result
        })
      )
    }, orDie)

    const runSelect = sql.literal(`SELECT id, provider_id, status, created, updated, deactivated, unchanged,
        changes::text AS changes, error, created_at FROM provider_sync_runs`)
    const runRows = <E, R>(rows: Effect.Effect<ReadonlyArray<Record<string, unknown>>, E, R>) =>
      Effect.map(decodeRows(SyncRunRow)(parseJsonColumns("changes")(rows)), (runs) =>
        runs.map((run) => ProviderSyncRun.make(run))
      )

    const recordSyncFailure = Effect.fn("Catalog.recordSyncFailure")(function* (
      providerId: string,
      error: ProviderError
    ) {
      const [row] = yield* sql<{ id: string }>`INSERT INTO provider_sync_runs (provider_id, status, error)
          VALUES (${providerId}, 'FAILED', ${`${error.reason}: ${error.message}`.slice(0, 1000)}) RETURNING id`
      const [run] = yield* runRows(sql`${runSelect} WHERE id = ${row!.id}`)
      return run!
    }, orDie)

    const syncLog = Effect.fn("Catalog.syncLog")(function* (input: SyncLogFilter) {
      const decoded = yield* decodeLogFilter(input).pipe(Effect.option)
      if (decoded._tag === "None") return { items: [], total: 0, offset: 0, limit: 20 }
      const filter = decoded.value
      const where = sql.and([
        ...(filter.providerId === undefined ? [] : [sql`provider_id = ${filter.providerId}`]),
        ...(filter.status === undefined ? [] : [sql`status = ${filter.status}`])
      ])
      const [items, [count]] = yield* Effect.all(
        [
          runRows(
            sql`${runSelect} WHERE ${where} ORDER BY created_at DESC, id LIMIT ${filter.limit} OFFSET ${filter.offset}`
          ),
          decodeRows(CountRow)(sql`SELECT count(*)::int AS n FROM provider_sync_runs WHERE ${where}`)
        ],
        { concurrency: 1 }
      )
      return { items, total: count?.n ?? 0, offset: filter.offset, limit: filter.limit }
    }, orDie)

    return Catalog.of({
      recordSyncFailure,
      syncLog,
      categories,
      products,
      product,
      list,
      create,
      update,
      deactivate,
      remove,
      uploadItems,
      stock,
      syncProviderOffers
    })
  })
)
