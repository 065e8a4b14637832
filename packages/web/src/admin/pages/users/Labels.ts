/** How the users section names a person, a role and a platform (the grid and a user's page say them alike). */
import type { RoleBody } from "@groupbuy/core/api"
import type { Translate } from "../../../app/I18n.js"
import type { SelectOption } from "../../../app/SelectField.js"
import type { PageItem } from "../../Types.js"
import type { messages } from "./messages.js"

export type UserRow = PageItem<"users">
export type Role = UserRow["role"]
export type Platform = NonNullable<UserRow["lastPlatform"]>

type T = Translate<keyof (typeof messages)["ru"]>

/** "Анна Петрова" (the last name when there is one). */
export const fullName = (user: { readonly firstName: string; readonly lastName: string | null }) =>
  user.lastName === null || user.lastName === "" ? user.firstName : `${user.firstName} ${user.lastName}`

const ROLES: ReadonlyArray<Role> = ["buyer", "organizer", "supplier"]
const PLATFORMS: ReadonlyArray<Platform> = ["telegram", "vk", "whatsapp", "web"]

export const roleOptions = (t: T): ReadonlyArray<SelectOption<Role>> => ROLES.map((r) => ({ value: r, label: t(r) }))

/** What an administrator assigns: a role, or `admin` (admin rights, the role kept) — the role endpoint's body. */
export type AccountRole = RoleBody["role"]

/** An account's role as the panel shows it: an administrator is "administrator" whatever their role. */
export const accountRole = (user: Pick<UserRow, "role" | "isAdmin">): AccountRole =>
  user.isAdmin ? "admin" : user.role

export const accountRoleOptions = (t: T): ReadonlyArray<SelectOption<AccountRole>> => [
  ...roleOptions(t),
  { value: "admin", label: t("admin") }
]

export const platformOptions = (t: T): ReadonlyArray<SelectOption<Platform>> =>
  PLATFORMS.map((p) => ({ value: p, label: t(p) }))
