/** The panel's frame: the sections on the side (a bar on a narrow screen), language, theme and sign-out on top. */
import type { ReactNode } from "react"
import { Link, useLocation } from "wouter"
import { type Language, useLanguage, useT } from "../app/I18n.js"
import { SelectField } from "../app/SelectField.js"
import { type ThemeChoice, useTheme } from "../app/Theme.js"
import type { AdminIdentity } from "./AdminSession.js"
import { useAdminSession } from "./AdminSession.js"
import { adminMessages } from "./messages.js"
import { SECTIONS } from "./Routes.js"

const SectionLink = ({ href, children }: { href: string; children: ReactNode }) => {
  const [location] = useLocation()
  const current = href === "/" ? location === "/" : location === href || location.startsWith(`${href}/`)
  return (
    <Link href={href} aria-current={current ? "page" : undefined}>
      {children}
    </Link>
  )
}

const Preferences = () => {
  const t = useT(adminMessages)
  const { language, setLanguage } = useLanguage()
  const { choice, setChoice } = useTheme()
  return (
    <div className="admin-preferences">
      <SelectField<Language>
        id="admin-language"
        label={t("language")}
        value={language}
        options={[
          { value: "ru", label: "Русский" },
          { value: "en", label: "English" }
        ]}
        onChange={setLanguage}
      />
      <SelectField<ThemeChoice>
        id="admin-theme"
        label={t("theme")}
        value={choice}
        options={[
          { value: "system", label: t("themeSystem") },
          { value: "light", label: t("themeLight") },
          { value: "dark", label: t("themeDark") }
        ]}
        onChange={setChoice}
      />
    </div>
  )
}

export const AdminShell = ({ admin, children }: { admin: AdminIdentity | undefined; children: ReactNode }) => {
  const t = useT(adminMessages)
  const { signOut } = useAdminSession()
  return (
    <div className="shell admin-shell">
      <header className="topbar">
        <Link href="/" className="brand">
          {t("brand")}
        </Link>
        <span className="spacer" />
        <Preferences />
        {admin === undefined ? null : (
          <>
            <span className="hint" data-testid="admin-identity">
              {t("signedInAs", { email: admin.email })}
            </span>
            <button type="button" className="link-button" onClick={() => void signOut()} data-testid="admin-sign-out">
              {t("signOut")}
            </button>
          </>
        )}
      </header>
      <div className="admin-body">
        {admin === undefined ? null : (
          <nav aria-label={t("nav")} className="admin-nav">
            {SECTIONS.map((s) => (
              <SectionLink key={s.path} href={s.path}>
                {t(s.nav)}
              </SectionLink>
            ))}
          </nav>
        )}
        <main className="content">{children}</main>
      </div>
    </div>
  )
}
