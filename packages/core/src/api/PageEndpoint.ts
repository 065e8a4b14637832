/** The list endpoints' common shape: a `GET` whose query filters and pages a list, answered with one `Page`. */
import { HttpApiEndpoint } from "@effect/platform"
import type { Schema } from "effect"
import { Page } from "../Common.js"

/** `GET path?params` answered with one page of `item`s. */
export const pageEndpoint = <const Name extends string, Params extends Schema.Schema.Any, A, I, R>(
  name: Name,
  path: HttpApiEndpoint.PathSegment,
  params: Params & HttpApiEndpoint.HttpApiEndpoint.ValidateUrlParams<Params>,
  item: Schema.Schema<A, I, R>
) => HttpApiEndpoint.get(name, path).setUrlParams(params).addSuccess(Page(item))
