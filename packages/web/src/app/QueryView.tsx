/** The states of one query where its data would be: loading, its error, "nothing here", or the data itself. */
import type { UseQueryResult } from "@tanstack/react-query"
import type { ReactNode } from "react"
import { ErrorMessage } from "./Errors.js"
import { Empty, Loading } from "./Screen.js"

/** Renders `children` with the data once it is there; `empty` says what to show instead when it holds nothing. */
export const QueryView = <A,>({
  query,
  empty,
  children
}: {
  query: UseQueryResult<A>
  empty?: { readonly when: (data: A) => boolean; readonly say: ReactNode }
  children: (data: A) => ReactNode
}) =>
  query.isPending ? (
    <Loading />
  ) : query.isError ? (
    <ErrorMessage error={query.error} />
  ) : empty !== undefined && empty.when(query.data) ? (
    <Empty>{empty.say}</Empty>
  ) : (
    children(query.data)
  )
