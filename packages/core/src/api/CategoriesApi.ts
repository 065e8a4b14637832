/** The public category hierarchy. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { NotFound } from "../Errors.js"
import { CategoryId } from "../Ids.js"
import { Category } from "../Models.js"
import { CategoryNodeJson } from "./Dto.js"

export class CategoriesApi extends HttpApiGroup.make("categories")
  .add(
    HttpApiEndpoint.get("tree", "/categories")
      .annotate(OpenApi.Summary, "Categories")
      .annotate(
        OpenApi.Description,
        "Every category as a tree (each with its children), ordered as the administrators set them."
      )
      .addSuccess(Schema.Array(CategoryNodeJson))
  )
  .add(
    HttpApiEndpoint.get("children", "/categories/children")
      .annotate(OpenApi.Summary, "Subcategories")
      .annotate(OpenApi.Description, "The direct children of `parentId`, or the top-level categories without it.")
      .setUrlParams(Schema.Struct({ parentId: Schema.optional(CategoryId) }))
      .addSuccess(Schema.Array(Category.json))
  )
  .add(
    HttpApiEndpoint.get("get", "/categories/:id")
      .annotate(OpenApi.Summary, "A category")
      .annotate(OpenApi.Description, "One category; 404 when there is none.")
      .setPath(Schema.Struct({ id: CategoryId }))
      .addSuccess(Category.json)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("descendants", "/categories/:id/descendants")
      .annotate(OpenApi.Summary, "A category and everything under it")
      .annotate(
        OpenApi.Description,
        "The ids of the category and all its subcategories (what a category filter matches)."
      )
      .setPath(Schema.Struct({ id: CategoryId }))
      .addSuccess(Schema.Array(CategoryId))
      .addError(NotFound)
  ) {}
