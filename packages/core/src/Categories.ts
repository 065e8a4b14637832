/** The category hierarchy (parent/children, emoji icon, description). */
import { Context, type Effect, Schema } from "effect"
import type { InvalidInput, NotFound, RuleViolation } from "./Errors.js"
import { CategoryId } from "./Ids.js"
import type { Category } from "./Models.js"

export interface CategoryNode {
  readonly category: Category
  readonly children: ReadonlyArray<CategoryNode>
}

export class CreateCategory extends Schema.Class<CreateCategory>("CreateCategory")({
  name: Schema.String,
  parentId: Schema.optional(Schema.NullOr(CategoryId)),
  icon: Schema.optional(Schema.NullOr(Schema.String)),
  description: Schema.optional(Schema.NullOr(Schema.String)),
  sortOrder: Schema.optional(Schema.Int)
}) {}

export class UpdateCategory extends Schema.Class<UpdateCategory>("UpdateCategory")({
  name: Schema.optional(Schema.String),
  parentId: Schema.optional(Schema.NullOr(CategoryId)),
  icon: Schema.optional(Schema.NullOr(Schema.String)),
  description: Schema.optional(Schema.NullOr(Schema.String)),
  sortOrder: Schema.optional(Schema.Int)
}) {}

export interface CategoriesService {
  /** Every category as a forest, ordered by sortOrder then name. */
  readonly tree: () => Effect.Effect<ReadonlyArray<CategoryNode>>
  readonly children: (parentId: CategoryId | null) => Effect.Effect<ReadonlyArray<Category>>
  readonly get: (id: CategoryId) => Effect.Effect<Category, NotFound>
  /** The category and all its descendants. */
  readonly descendantIds: (id: CategoryId) => Effect.Effect<ReadonlyArray<CategoryId>, NotFound>
  /** Names are unique among siblings, ignoring case (`category.duplicate`). */
  readonly create: (input: CreateCategory) => Effect.Effect<Category, InvalidInput | NotFound | RuleViolation>
  /** Refuses a parent that would create a cycle (`category.cycle`). */
  readonly update: (
    id: CategoryId,
    patch: UpdateCategory
  ) => Effect.Effect<Category, InvalidInput | NotFound | RuleViolation>
  /** Refuses while it has children (`category.has-children`); its procurements lose the category. */
  readonly remove: (id: CategoryId) => Effect.Effect<void, NotFound | RuleViolation>
}

export class Categories extends Context.Tag("@groupbuy/core/Categories")<Categories, CategoriesService>() {}
