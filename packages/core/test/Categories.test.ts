import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import { Categories, type CategoryNode, CreateCategory, UpdateCategory } from "../src/Categories.js"
import { CategoriesLive } from "../src/CategoriesLive.js"
import type { CategoryId } from "../src/Ids.js"
import { insertProcurement, insertUser } from "../src/testing/Fixtures.js"
import { databaseProfiles } from "../src/testing/index.js"

const names = (nodes: ReadonlyArray<CategoryNode>): Array<unknown> =>
  nodes.map((n) => (n.children.length === 0 ? n.category.name : [n.category.name, names(n.children)]))

for (const profile of databaseProfiles()) {
  describe(`Categories (${profile.name})`, () => {
    it.layer(Layer.fresh(CategoriesLive).pipe(Layer.provideMerge(profile.layer)), { timeout: "120 seconds" })((it) => {
      it.effect("builds a forest ordered by sortOrder then name; children and descendants", () =>
        Effect.gen(function* () {
          const categories = yield* Categories
          const food = yield* categories.create(CreateCategory.make({ name: " Продукты ", icon: "🍎", sortOrder: 1 }))
          const home = yield* categories.create(CreateCategory.make({ name: "Дом", sortOrder: 2 }))
          const clothes = yield* categories.create(CreateCategory.make({ name: "Одежда", sortOrder: 1 }))
          const honey = yield* categories.create(
            CreateCategory.make({ name: "Мёд", parentId: food.id, description: "  с пасеки  " })
          )
          const dairy = yield* categories.create(CreateCategory.make({ name: "Молочное", parentId: food.id }))
          const cheese = yield* categories.create(CreateCategory.make({ name: "Сыр", parentId: dairy.id }))
          assert.strictEqual(food.name, "Продукты")
          assert.strictEqual(food.icon, "🍎")
          assert.strictEqual(honey.description, "с пасеки")
          assert.deepStrictEqual(names(yield* categories.tree()), [
            "Одежда",
            ["Продукты", ["Мёд", ["Молочное", ["Сыр"]]]],
            "Дом"
          ])
          assert.deepStrictEqual(
            (yield* categories.children(food.id)).map((c) => c.name),
            ["Мёд", "Молочное"]
          )
          assert.deepStrictEqual(
            (yield* categories.children(null)).map((c) => c.id),
            [clothes.id, food.id, home.id]
          )
          const below = yield* categories.descendantIds(food.id)
          assert.strictEqual(below[0], food.id)
          assert.sameMembers([...below], [food.id, honey.id, dairy.id, cheese.id])
          assert.deepStrictEqual(yield* categories.descendantIds(cheese.id), [cheese.id])
          const missing = randomUUID() as CategoryId
          assert.strictEqual((yield* categories.descendantIds(missing).pipe(Effect.flip))._tag, "NotFound")
          assert.strictEqual((yield* categories.get(missing).pipe(Effect.flip))._tag, "NotFound")
          assert.deepStrictEqual(yield* categories.get(honey.id), honey)
          // clean up so later tests see their own forest
          for (const id of [cheese.id, dairy.id, honey.id, food.id, home.id, clothes.id]) yield* categories.remove(id)
          assert.deepStrictEqual(yield* categories.tree(), [])
        })
      )

      it.effect("validates names, icons and descriptions; names are unique per parent ignoring case", () =>
        Effect.gen(function* () {
          const categories = yield* Categories
          const tag = randomUUID().slice(0, 6)
          const bad = yield* categories
            .create(CreateCategory.make({ name: "  ", icon: "мёд", description: "x".repeat(1001) }))
            .pipe(Effect.flip)
          assert.strictEqual(bad._tag, "InvalidInput")
          if (bad._tag === "InvalidInput") {
            assert.deepStrictEqual(
              bad.issues.map((i) => [i.path, i.code]),
              [
                ["name", "text.length"],
                ["icon", "icon.invalid"],
                ["description", "text.length"]
              ]
            )
            assert.strictEqual(bad.issues[0].ru, "название категории должно быть от 1 до 60 символов")
          }
          const tooLong = yield* categories.create(CreateCategory.make({ name: "Я".repeat(61) })).pipe(Effect.flip)
          assert.strictEqual(tooLong._tag, "InvalidInput")
          const root = yield* categories.create(CreateCategory.make({ name: `Техника ${tag}` }))
          const dup = yield* categories.create(CreateCategory.make({ name: `ТЕХНИКА ${tag}` })).pipe(Effect.flip)
          assert.strictEqual(dup._tag === "RuleViolation" && dup.code, "category.duplicate")
          // the same name under another parent is fine
          const child = yield* categories.create(CreateCategory.make({ name: `Техника ${tag}`, parentId: root.id }))
          const orphan = yield* categories
            .create(CreateCategory.make({ name: "Сирота", parentId: randomUUID() as CategoryId }))
            .pipe(Effect.flip)
          assert.strictEqual(orphan._tag, "NotFound")
          const sibling = yield* categories.create(CreateCategory.make({ name: `Сад ${tag}` }))
          const renamed = yield* categories
            .update(sibling.id, UpdateCategory.make({ name: `техника ${tag}` }))
            .pipe(Effect.flip)
          assert.strictEqual(renamed._tag === "RuleViolation" && renamed.code, "category.duplicate")
          const cleared = yield* categories.update(
            child.id,
            UpdateCategory.make({ icon: "📺", description: "ТВ", sortOrder: 5 })
          )
          assert.strictEqual(cleared.icon, "📺")
          const again = yield* categories.update(child.id, UpdateCategory.make({ icon: null, description: "" }))
          assert.isNull(again.icon)
          assert.isNull(again.description)
          assert.strictEqual(again.sortOrder, 5)
        })
      )

      it.effect("moves are refused when they would make a cycle; removal needs no children", () =>
        Effect.gen(function* () {
          const categories = yield* Categories
          const sql = yield* SqlClient.SqlClient
          const tag = randomUUID().slice(0, 6)
          const a = yield* categories.create(CreateCategory.make({ name: `A ${tag}` }))
          const b = yield* categories.create(CreateCategory.make({ name: `B ${tag}`, parentId: a.id }))
          const c = yield* categories.create(CreateCategory.make({ name: `C ${tag}`, parentId: b.id }))
          for (const target of [a.id, b.id, c.id]) {
            const cycle = yield* categories.update(a.id, UpdateCategory.make({ parentId: target })).pipe(Effect.flip)
            assert.strictEqual(cycle._tag === "RuleViolation" && cycle.code, "category.cycle")
          }
          assert.isNull((yield* categories.get(a.id)).parentId)
          const moved = yield* categories.update(c.id, UpdateCategory.make({ parentId: null }))
          assert.isNull(moved.parentId)
          const under = yield* categories.update(a.id, UpdateCategory.make({ parentId: c.id }))
          assert.strictEqual(under.parentId, c.id)

          const busy = yield* categories.remove(c.id).pipe(Effect.flip)
          assert.strictEqual(busy._tag === "RuleViolation" && busy.code, "category.has-children")
          // a removed category's procurements lose it
          const organizer = yield* insertUser()
          const procurement = yield* insertProcurement(organizer)
          yield* sql`UPDATE procurements SET category_id = ${b.id} WHERE id = ${procurement}`
          yield* categories.remove(b.id)
          const [row] = yield* sql<{ categoryId: string | null }>`SELECT category_id FROM procurements
            WHERE id = ${procurement}`
          assert.isNull(row!.categoryId)
          assert.strictEqual((yield* categories.remove(b.id).pipe(Effect.flip))._tag, "NotFound")
          const gone = yield* categories.update(b.id, UpdateCategory.make({ name: "X" })).pipe(Effect.flip)
          assert.strictEqual(gone._tag, "NotFound")
        })
      )

      it.effect("concurrent opposite moves cannot build a cycle together", () =>
        Effect.gen(function* () {
          const categories = yield* Categories
          const tag = randomUUID().slice(0, 6)
          for (let round = 0; round < 3; round++) {
            const x = yield* categories.create(CreateCategory.make({ name: `X${round} ${tag}` }))
            const y = yield* categories.create(CreateCategory.make({ name: `Y${round} ${tag}` }))
            const results = yield* Effect.all(
              [
                categories.update(x.id, UpdateCategory.make({ parentId: y.id })),
                categories.update(y.id, UpdateCategory.make({ parentId: x.id }))
              ].map(Effect.either),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(results.filter((r) => r._tag === "Right").length, 1)
            const [xs, ys] = [yield* categories.get(x.id), yield* categories.get(y.id)]
            assert.isTrue(xs.parentId === null || ys.parentId === null)
          }
        })
      )
    })
  })
}
