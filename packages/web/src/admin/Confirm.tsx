/** The panel asks before it acts with the app's confirmation dialog (shared with the cabinet). */
export { ConfirmAction } from "../app/Confirm.js"
