/** `categories` group: the public hierarchy. */
import { HttpApiBuilder } from "@effect/platform"
import { Categories, GroupBuyApi } from "@groupbuy/core"
import { Effect } from "effect"

export const CategoriesHandlers = HttpApiBuilder.group(GroupBuyApi, "categories", (handlers) =>
  Effect.gen(function* () {
    const categories = yield* Categories
    return handlers
      .handle("tree", () => categories.tree())
      .handle("children", ({ urlParams }) => categories.children(urlParams.parentId ?? null))
      .handle("get", ({ path }) => categories.get(path.id))
      .handle("descendants", ({ path }) => categories.descendantIds(path.id))
  })
)
