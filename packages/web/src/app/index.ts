/** What feature folders use from the app: the API, the session, i18n, the screen layout, errors and formats. */
export { ApiError, type Api, type Client } from "./Api.js"
export { defineMessages, useLanguage, useT, type Language, type Messages, type Translate } from "./I18n.js"
export { useApi, useSession, type Session, type SessionUser } from "./Session.js"
export { useFreshUser } from "./FreshUser.js"
export { Empty, Loading, Screen, TableScroll } from "./Screen.js"
export { DataTable, type ColumnSorting, type DataColumn } from "./DataTable.js"
export { QueryView } from "./QueryView.js"
export { SelectField, type SelectOption } from "./SelectField.js"
export { BOT_PLATFORM_OPTIONS, type BotPlatform } from "./BotPlatforms.js"
export { shopInfoQuery } from "./ShopInfo.js"
export { TextField } from "./TextField.js"
export { useCategories, type Category, type FlatCategory } from "./Categories.js"
export { ErrorMessage, fieldErrors, ruleRefusal, useDescribeError } from "./Errors.js"
export { ConfirmAction } from "./Confirm.js"
export { formatDate, formatDateTime, formatMoney, formatPercent, parseRubles } from "./Format.js"
export { useKernels, loadKernels, type ListKernels } from "./Kernels.js"
export { useTheme, type ThemeChoice } from "./Theme.js"
export {
  ProcurementCard,
  ProcurementCards,
  STATUSES,
  StatusFilter,
  useStatusLabel,
  useStatusOptions,
  type CardFigures,
  type CardItem,
  type ProcurementStatus,
  type ProcurementView
} from "./Procurement.js"
export { UNREAD_NOTIFICATIONS_KEY } from "./Shell.js"
