/**
 * The error sets endpoints share, as pipeable steps: `HttpApiEndpoint.get(...).addSuccess(A).pipe(Refusals.missing)`.
 * Forbidden (403), NotFound (404) and InvalidInput (400) answer with different statuses, so the order they are added in
 * does not change the OpenAPI document; errors sharing a status (409) stay spelled out where their order matters.
 */
import type { HttpApiEndpoint, HttpMethod } from "@effect/platform"
import type { Schema } from "effect"
import { Forbidden, InvalidInput, NotFound } from "../Errors.js"

type AnyEndpoint = HttpApiEndpoint.HttpApiEndpoint<
  string,
  HttpMethod.HttpMethod,
  any,
  any,
  any,
  any,
  any,
  any,
  any,
  any
>

/** Adds each error schema to an endpoint, as `addError` one after the other would. */
export const addErrors =
  <const Errors extends ReadonlyArray<Schema.Schema.Any>>(...errors: Errors) =>
  <Name extends string, Method extends HttpMethod.HttpMethod, Path, UrlParams, Payload, Headers, Success, Error, R, RE>(
    endpoint: HttpApiEndpoint.HttpApiEndpoint<Name, Method, Path, UrlParams, Payload, Headers, Success, Error, R, RE>
  ): HttpApiEndpoint.HttpApiEndpoint<
    Name,
    Method,
    Path,
    UrlParams,
    Payload,
    Headers,
    Success,
    Error | Schema.Schema.Type<Errors[number]>,
    R,
    RE | Schema.Schema.Context<Errors[number]>
  > =>
    // each step widens the error type by one member; the signature states the union of all of them
    errors.reduce<AnyEndpoint>((acc, error) => acc.addError(error), endpoint as AnyEndpoint) as never

/** The caller may not do this. */
export const forbidden = addErrors(Forbidden)

/** The caller may not do this, or what it names does not exist. */
export const missing = addErrors(Forbidden, NotFound)

/** As `missing`, and the request may be invalid. */
export const invalid = addErrors(InvalidInput, Forbidden, NotFound)

/** The request is invalid, or what it names does not exist (for groups whose middleware already decided who may call). */
export const rejected = addErrors(InvalidInput, NotFound)
