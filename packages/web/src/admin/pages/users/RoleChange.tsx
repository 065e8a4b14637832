/**
 * The account's role: buyer, organizer, supplier, or administrator (admin rights, the role kept). The change is asked
 * first ("Change the role of Анна Петрова: organizer → administrator?"); the server refuses taking the rights from the
 * last active administrator or from oneself, and the refusal is shown in the dialog in the administrator's language.
 */
import { RoleBody, type UserId } from "@groupbuy/core/api"
import { useMutation } from "@tanstack/react-query"
import { useEffect, useMemo, useState } from "react"
import { useT } from "../../../app/I18n.js"
import { SelectField } from "../../../app/SelectField.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import { type AccountRole, accountRoleOptions } from "./Labels.js"
import { messages } from "./messages.js"

export const RoleChange = ({
  id,
  name,
  current,
  onDone
}: {
  id: UserId
  name: string
  current: AccountRole
  onDone: () => Promise<void>
}) => {
  const t = useT(messages)
  const api = useAdminApi()
  const options = useMemo(() => accountRoleOptions(t), [t])
  const [role, setRole] = useState<AccountRole>(current)
  // the page refreshed after a change (or someone else's): start from the account's role again
  useEffect(() => setRole(current), [current])
  const change = useMutation({
    mutationFn: (to: AccountRole) =>
      api.run((c) => c.admin.setUserRole({ path: { id }, payload: new RoleBody({ role: to }) })),
    onSuccess: onDone
  })
  const label = (r: AccountRole) => options.find((o) => o.value === r)?.label ?? r
  return (
    <div className="row role-change">
      <SelectField<AccountRole> id="user-role" label={t("role")} value={role} options={options} onChange={setRole} />
      <ConfirmAction
        label={t("changeRole")}
        disabled={role === current}
        question={t("roleQuestion", { name, from: label(current), to: label(role) })}
        confirmLabel={t("changeRole")}
        onConfirm={() => change.mutateAsync(role)}
        testId="change-role"
      />
    </div>
  )
}
