/** A page's routes (the cabinet's, the admin panel's): lazy screens behind the loading state, `notFound` for any other path. */
import { type ReactNode, Suspense } from "react"
import { Route, Switch } from "wouter"
import { Loading } from "./Screen.js"

export const RouteSwitch = <Entry extends { readonly path: string }>({
  routes,
  render,
  notFound
}: {
  routes: ReadonlyArray<Entry>
  render: (entry: Entry) => ReactNode
  notFound: ReactNode
}) => (
  <Suspense fallback={<Loading />}>
    <Switch>
      {routes.map((entry) => (
        <Route key={entry.path} path={entry.path}>
          {render(entry)}
        </Route>
      ))}
      <Route>{notFound}</Route>
    </Switch>
  </Suspense>
)
