/**
 * `Categories` over PostgreSQL: a forest of categories, names unique among siblings (case-insensitive), no cycles.
 * Moves that change a parent are serialised with a transaction-scoped advisory lock so two concurrent moves cannot
 * build a cycle together.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Either, Layer, Schema } from "effect"
import { Categories, type CategoryNode, CreateCategory, UpdateCategory } from "./Categories.js"
import { NotFound, type RuleViolation } from "./Errors.js"
import { CategoryId } from "./Ids.js"
import { decodeRows, orDie, uniqueViolation } from "./internal/people/Sql.js"
import { Violations } from "./internal/people/Violations.js"
import { Category } from "./Models.js"
import { clearable, decodeInput, emojiIcon, optionalText, Subjects, trimmedText, validate } from "./Validation.js"

const NAME_MAX = 60
const DESCRIPTION_MAX = 1000
/** Arbitrary constant key of the advisory lock that serialises re-parenting. */
const TREE_LOCK = 7_316_001

const IdRow = Schema.Struct({ id: CategoryId })

const mapDuplicate = (error: SqlError): Effect.Effect<never, RuleViolation | SqlError> =>
  uniqueViolation(error) === "categories_name_per_parent_key"
    ? Effect.fail(Violations.categoryDuplicate())
    : Effect.fail(error)

const fieldChecks = (input: {
  readonly name?: string | undefined
  readonly icon?: string | null | undefined
  readonly description?: string | null | undefined
}) =>
  validate({
    name:
      input.name === undefined
        ? Either.right(undefined)
        : trimmedText(input.name.replace(/\s+/gu, " "), {
            path: "name",
            subject: Subjects.categoryName,
            max: NAME_MAX
          }),
    icon: clearable(input.icon, (v) => emojiIcon(v, "icon")),
    description: optionalText(input.description, {
      path: "description",
      subject: Subjects.description,
      max: DESCRIPTION_MAX
    })
  })

/** Names sort as a Russian reader expects (ё next to е, case ignored, numbers by value), whatever the database collation. */
const collator = new Intl.Collator(["ru", "en"], { sensitivity: "base", numeric: true })

const byOrder = (a: Category, b: Category) =>
  a.sortOrder - b.sortOrder || collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const sorted = (rows: ReadonlyArray<Category>): ReadonlyArray<Category> => [...rows].sort(byOrder)

/** Builds the forest, each level ordered by sortOrder, then name. */
const forest = (rows: ReadonlyArray<Category>): ReadonlyArray<CategoryNode> => {
  const children = new Map<string | null, Array<Category>>()
  const ids = new Set(rows.map((c) => c.id as string))
  for (const row of sorted(rows)) {
    // a parent that is not in the list cannot happen (FK), but keep such rows visible as roots
    const parent = row.parentId !== null && ids.has(row.parentId) ? row.parentId : null
    const list = children.get(parent) ?? []
    list.push(row)
    children.set(parent, list)
  }
  const build = (parent: string | null): ReadonlyArray<CategoryNode> =>
    (children.get(parent) ?? []).map((category) => ({ category, children: build(category.id) }))
  return build(null)
}

export const CategoriesLive = Layer.effect(
  Categories,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const categories = decodeRows(Category)

    const find = (id: CategoryId) => categories(sql`SELECT * FROM categories WHERE id = ${id}`)

    const get = (id: CategoryId) =>
      Effect.flatMap(find(id), ([row]) =>
        row ? Effect.succeed(row) : Effect.fail(new NotFound({ entity: "category", id }))
      )

    const descendants = (id: CategoryId) =>
      decodeRows(IdRow)(
        sql`WITH RECURSIVE tree AS (
              SELECT id, 0 AS depth FROM categories WHERE id = ${id}
              UNION ALL
              SELECT c.id, t.depth + 1 FROM categories c JOIN tree t ON c.parent_id = t.id
            )
            SELECT id FROM tree ORDER BY depth, id`
      ).pipe(Effect.map((rows) => rows.map((r) => r.id)))

    const tree = () => categories(sql`SELECT * FROM categories`).pipe(Effect.map(forest), orDie)

    const children = (parentId: CategoryId | null) =>
      categories(
        parentId === null
          ? sql`SELECT * FROM categories WHERE parent_id IS NULL`
          : sql`SELECT * FROM categories WHERE parent_id = ${parentId}`
      ).pipe(Effect.map(sorted), orDie)

    const descendantIds = Effect.fn("Categories.descendantIds")(function* (id: CategoryId) {
      const ids = yield* descendants(id)
      if (ids.length === 0) return yield* new NotFound({ entity: "category", id })
      return ids
    }, orDie)

    const create = Effect.fn("Categories.create")(function* (input: CreateCategory) {
      const raw = yield* decodeInput(CreateCategory)(input)
      const checked = yield* fieldChecks(raw)
      return yield* sql
        .withTransaction(
          Effect.gen(function* () {
            // the parent must exist and stay while we insert under it
            if (raw.parentId != null) {
              const parent = yield* sql`SELECT id FROM categories WHERE id = ${raw.parentId} FOR SHARE`
              if (parent.length === 0) return yield* new NotFound({ entity: "category", id: raw.parentId })
            }
            const [row] = yield* categories(
              sql`INSERT INTO categories ${sql.insert({
                name: checked.name!,
                parentId: raw.parentId ?? null,
                icon: checked.icon ?? null,
                description: checked.description ?? null,
                sortOrder: raw.sortOrder ?? 0
              })} RETURNING *`
            )
            return row!
          })
        )
        .pipe(Effect.catchTag("SqlError", mapDuplicate))
    }, orDie)

    const update = Effect.fn("Categories.update")(function* (id: CategoryId, patch: UpdateCategory) {
      const raw = yield* decodeInput(UpdateCategory)(patch)
      const checked = yield* fieldChecks(raw)
      const fields: Record<string, unknown> = {}
      if (checked.name !== undefined) fields.name = checked.name
      if (checked.icon !== undefined) fields.icon = checked.icon
      if (checked.description !== undefined) fields.description = checked.description
      if (raw.sortOrder !== undefined) fields.sortOrder = raw.sortOrder
      if (raw.parentId !== undefined) fields.parentId = raw.parentId
      return yield* sql
        .withTransaction(
          Effect.gen(function* () {
            if (raw.parentId != null) {
              yield* sql`SELECT pg_advisory_xact_lock(${TREE_LOCK})`
              const parent = yield* find(raw.parentId)
              if (parent.length === 0) return yield* new NotFound({ entity: "category", id: raw.parentId })
              const below = yield* descendants(id)
              if (below.length === 0) return yield* new NotFound({ entity: "category", id })
              if (below.includes(raw.parentId)) return yield* Violations.categoryCycle()
            }
            if (Object.keys(fields).length === 0) return yield* get(id)
            const [row] = yield* categories(
              sql`UPDATE categories SET ${sql.update(fields)}, updated_at = now() WHERE id = ${id} RETURNING *`
            )
            return row ?? (yield* new NotFound({ entity: "category", id }))
          })
        )
        .pipe(Effect.catchTag("SqlError", mapDuplicate))
    }, orDie)

    const remove = Effect.fn("Categories.remove")(function* (id: CategoryId) {
      yield* sql.withTransaction(
        Effect.gen(function* () {
          // lock the row so a concurrent create under it waits and then sees it gone
          const found = yield* sql`SELECT id FROM categories WHERE id = ${id} FOR UPDATE`
          if (found.length === 0) return yield* new NotFound({ entity: "category", id })
          const child = yield* sql`SELECT 1 FROM categories WHERE parent_id = ${id} LIMIT 1`
          if (child.length > 0) return yield* Violations.categoryHasChildren()
          yield* sql`DELETE FROM categories WHERE id = ${id}`
        })
      )
    }, orDie)

    return Categories.of({ tree, children, get: (id) => get(id).pipe(orDie), descendantIds, create, update, remove })
  })
)
