/** Approving or declining one role request (the Role requests section and a user's page). */
import { useMutation, useQueryClient } from "@tanstack/react-query"
import { useT } from "../../../app/I18n.js"
import { useAdminApi } from "../../AdminSession.js"
import { ConfirmAction } from "../../Confirm.js"
import type { PageItem } from "../../Types.js"
import { fullName } from "../users/Labels.js"
import { messages as userWords } from "../users/messages.js"
import { messages } from "./messages.js"

/** A request as the admin list shows it: the request and the requester's name and current role. */
export type RoleRequestRow = PageItem<"roleRequests">
type Row = RoleRequestRow

/** Approve and decline, each asked first; nothing once the request is decided. */
export const Decide = ({ row, onDone }: { row: Row; onDone: (notice: string) => void }) => {
  const t = useT(messages)
  const tu = useT(userWords)
  const api = useAdminApi()
  const queryClient = useQueryClient()
  const params = { name: fullName(row.user), role: tu(row.request.role) }
  const decide = useMutation({
    mutationFn: (approve: boolean) =>
      api.run((c) =>
        approve
          ? c.admin.approveRoleRequest({ path: { id: row.request.id } })
          : c.admin.declineRoleRequest({ path: { id: row.request.id } })
      ),
    onSuccess: async (request) => {
      onDone(t(request.status === "APPROVED" ? "approved" : "declined", params))
      // the requests grid, the user's page and the users grid show what the decision changed
      await queryClient.invalidateQueries({ queryKey: ["admin-grid"] })
      await queryClient.invalidateQueries({ queryKey: ["admin-role-request", row.request.userId] })
      await queryClient.invalidateQueries({ queryKey: ["admin-user", row.request.userId] })
    }
  })
  if (row.request.status !== "PENDING") return null
  return (
    <div className="row">
      <ConfirmAction
        label={t("approve")}
        question={t("approveQuestion", params)}
        confirmLabel={t("approve")}
        onConfirm={() => decide.mutateAsync(true)}
        testId={`approve-${row.request.id}`}
      />
      <ConfirmAction
        label={t("decline")}
        danger
        question={t("declineQuestion", params)}
        confirmLabel={t("decline")}
        onConfirm={() => decide.mutateAsync(false)}
        testId={`decline-${row.request.id}`}
      />
    </div>
  )
}
