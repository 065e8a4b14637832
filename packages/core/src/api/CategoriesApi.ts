/** The public category hierarchy. */
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { NotFound } from "../Errors.js"
import { CategoryId } from "../Ids.js"
import { Category } from "../Models.js"
import { CategoryNodeJson } from "./Dto.js"

export class CategoriesApi extends HttpApiGroup.make("categories")
  .add(HttpApiEndpoint.get("tree", "/categories").addSuccess(Schema.Array(CategoryNodeJson)))
  .add(
    HttpApiEndpoint.get("children", "/categories/children")
      .setUrlParams(Schema.Struct({ parentId: Schema.optional(CategoryId) }))
      .addSuccess(Schema.Array(Category.json))
  )
  .add(
    HttpApiEndpoint.get("get", "/categories/:id")
      .setPath(Schema.Struct({ id: CategoryId }))
      .addSuccess(Category.json)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("descendants", "/categories/:id/descendants")
      .setPath(Schema.Struct({ id: CategoryId }))
      .addSuccess(Schema.Array(CategoryId))
      .addError(NotFound)
  ) {}
