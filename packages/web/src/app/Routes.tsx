/**
 * The routes table. Every screen is its own lazily loaded chunk, so the first page downloads only the shell and the
 * screen it shows. Screens that need an account send a signed-out visitor to `/login`.
 */
import { lazy, type ComponentType, type LazyExoticComponent, useEffect, useState } from "react"
import { Link, Redirect } from "wouter"
import { ApiError } from "./Api.js"
import { ErrorMessage } from "./Errors.js"
import { useT } from "./I18n.js"
import { miniAppLaunch, miniAppSignIn, type MiniAppLaunch } from "./MiniApp.js"
import { appMessages } from "./messages.js"
import { RouteSwitch } from "./RouteSwitch.js"
import { Screen } from "./Screen.js"
import { useSession } from "./Session.js"

interface RouteEntry {
  readonly path: string
  readonly screen: LazyExoticComponent<ComponentType>
  /** false: open to signed-out visitors */
  readonly signedIn: boolean
}

export const ROUTES: ReadonlyArray<RouteEntry> = [
  { path: "/login", screen: lazy(() => import("../features/login/index.js")), signedIn: false },
  { path: "/", screen: lazy(() => import("../features/browse/index.js")), signedIn: true },
  { path: "/procurements/:id/chat", screen: lazy(() => import("../features/chat/index.js")), signedIn: true },
  { path: "/procurements/:id/edit", screen: lazy(() => import("../features/create/index.js")), signedIn: true },
  { path: "/procurements/:id", screen: lazy(() => import("../features/procurement/index.js")), signedIn: true },
  { path: "/my", screen: lazy(() => import("../features/my/index.js")), signedIn: true },
  { path: "/balance", screen: lazy(() => import("../features/balance/index.js")), signedIn: true },
  { path: "/notifications", screen: lazy(() => import("../features/notifications/index.js")), signedIn: true },
  { path: "/profile", screen: lazy(() => import("../features/profile/index.js")), signedIn: true },
  { path: "/create", screen: lazy(() => import("../features/create/index.js")), signedIn: true },
  { path: "/shop", screen: lazy(() => import("../features/shop/index.js")), signedIn: true },
  { path: "/shop/products/:id", screen: lazy(() => import("../features/shop/Product.js")), signedIn: true },
  { path: "/shop/orders", screen: lazy(() => import("../features/shop/Orders.js")), signedIn: true },
  { path: "/shop/orders/:id", screen: lazy(() => import("../features/shop/Order.js")), signedIn: true },
  { path: "/shop/subscriptions", screen: lazy(() => import("../features/shop/Subscriptions.js")), signedIn: true },
  { path: "/my-shop", screen: lazy(() => import("../features/myshop/index.js")), signedIn: true }
]

const NotFound = () => {
  const t = useT(appMessages)
  return (
    <Screen title={t("notFoundTitle")}>
      <Link href="/">{t("notFoundBack")}</Link>
    </Screen>
  )
}

/** Inside a Telegram / VK Mini App: sign in with the launch's signed data instead of asking for a code. */
const MiniAppGate = ({ launch }: { launch: MiniAppLaunch }) => {
  const t = useT(appMessages)
  const { signIn } = useSession()
  const platform = launch.platform === "telegram" ? "Telegram" : "VK"
  const [error, setError] = useState<unknown>(undefined)
  useEffect(() => {
    let live = true
    miniAppSignIn(launch).then(
      (session) => live && signIn(session),
      (e: unknown) => live && setError(e)
    )
    return () => {
      live = false
    }
  }, [launch, signIn])
  return error === undefined ? (
    <p className="loading" role="status">
      {t("miniAppSigningIn", { platform })}
    </p>
  ) : (
    <Screen title={t("signIn")}>
      <p className="error" role="alert" data-testid="mini-app-refused">
        {t("miniAppRefused", { platform })}
      </p>
      {error instanceof ApiError && error.offline ? <ErrorMessage error={error} /> : null}
    </Screen>
  )
}

const Guarded = ({ entry }: { entry: RouteEntry }) => {
  const { user, ended } = useSession()
  const launch = miniAppLaunch()
  if (entry.signedIn && user === undefined && launch !== undefined && ended === undefined) {
    return <MiniAppGate launch={launch} />
  }
  if (entry.signedIn && user === undefined) {
    const back = window.location.pathname + window.location.search
    return <Redirect to={back === "/" ? "/login" : `/login?next=${encodeURIComponent(back)}`} replace />
  }
  const Component = entry.screen
  return <Component />
}

export const AppRoutes = () => (
  <RouteSwitch routes={ROUTES} render={(entry) => <Guarded entry={entry} />} notFound={<NotFound />} />
)
