/** The whole HTTP API of GroupBuy under `/api`: the server implements it, clients derive from it. */
import { HttpApi, OpenApi } from "@effect/platform"
import { AdminApi, AdminAuthApi } from "./AdminApi.js"
import { AuthApi } from "./AuthApi.js"
import { CategoriesApi } from "./CategoriesApi.js"
import { ChatApi, ChatFileLinksApi } from "./ChatApi.js"
import { NotificationsApi } from "./NotificationsApi.js"
import { AdminPaymentsApi, PaymentsApi } from "./PaymentsApi.js"
import { ProcurementsApi } from "./ProcurementsApi.js"
import { PayloadTooLarge, UnsupportedMediaType } from "./RequestBody.js"
import { UsersApi } from "./UsersApi.js"
import { ShopAdminApi, ShopApi, ShopCatalogApi, ShopSubscriptionsApi } from "./ShopApi.js"
import { AdminWithdrawalsApi, WithdrawalsApi } from "./WithdrawalsApi.js"
import { AdminBonusApi } from "./BonusApi.js"
import { AdminReferralsApi, ReferralsApi } from "./ReferralsApi.js"
import { AdminBotPoolApi } from "./BotPoolApi.js"
import { AdminBotRecordsApi } from "./BotRecordsApi.js"
import { AdminReferralShopsApi, ReferralShopsApi } from "./ReferralShopsApi.js"

export class GroupBuyApi extends HttpApi.make("groupbuy")
  .add(AuthApi)
  .add(UsersApi)
  .add(ProcurementsApi)
  .add(PaymentsApi)
  .add(ChatApi)
  .add(ChatFileLinksApi)
  .add(NotificationsApi)
  .add(CategoriesApi)
  .add(AdminAuthApi)
  .add(AdminApi)
  .add(WithdrawalsApi)
  .add(AdminWithdrawalsApi)
  .add(AdminBonusApi)
  .add(AdminPaymentsApi)
  .add(AdminReferralsApi)
  .add(ReferralsApi)
  .add(ShopCatalogApi)
  .add(ShopApi)
  .add(ShopSubscriptionsApi)
  .add(ShopAdminApi)
  .add(AdminBotPoolApi)
  .add(AdminBotRecordsApi)
  .add(ReferralShopsApi)
  .add(AdminReferralShopsApi)
  // refused at the HTTP edge for every endpoint (server/src/http/RequestBodies.ts)
  .addError(PayloadTooLarge)
  .addError(UnsupportedMediaType)
  .prefix("/api")
  .annotate(OpenApi.Title, "GroupBuy API")
  .annotate(
    OpenApi.Description,
    "Group purchasing in chat: users, procurements, payments, chat, notifications, admin. Money is kopecks as a " +
      'string of digits ("50000" is 500 ₽). Every error body names its kind in `_tag`; refusals a person causes ' +
      "(400 HttpApiDecodeError with `code: request.invalid`, InvalidInput, 409 RuleViolation with its `code`, " +
      "IllegalTransition with the `allowed` moves) carry `message`, a sentence in the language of `Accept-Language` " +
      "(Russian by default); a body that does not match its schema keeps the schema's own words in `issues` and " +
      "`detail`. Paths are also answered with a trailing slash."
  ) {}
