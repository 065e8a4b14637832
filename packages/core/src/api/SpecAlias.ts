/**
 * The first specification's endpoint table names some operations differently from this API (`/users/by_platform/`,
 * `/payments/{id}/status/`, `/admin/users/{id}/toggle_active/`, …). Each such path is an endpoint of its own in the
 * contract — so it is in the OpenAPI document and typed for clients — served by the same handler as the canonical
 * path. A trailing slash is accepted on every path (the router ignores it), so `/api/admin/dashboard/` needs no alias.
 */
import { type HttpApiEndpoint, type HttpMethod, OpenApi } from "@effect/platform"

/** Annotates an alias endpoint: what it does, and the canonical endpoint whose handler serves it. */
export const specAlias =
  (summary: string, canonical: string, note = "") =>
  <Name extends string, Method extends HttpMethod.HttpMethod, Path, UrlParams, Payload, Headers, Success, Error, R, RE>(
    endpoint: HttpApiEndpoint.HttpApiEndpoint<Name, Method, Path, UrlParams, Payload, Headers, Success, Error, R, RE>
  ) =>
    endpoint
      .annotate(OpenApi.Summary, `${summary} (the specification's path)`)
      .annotate(
        OpenApi.Description,
        `The first specification's name for \`${canonical}\`: the same handler, answers and errors.` +
          (note === "" ? "" : ` ${note}`)
      )
