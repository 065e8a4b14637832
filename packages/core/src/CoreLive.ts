/**
 * All of core in one layer: every service over one database and one in-process event bus. `CoreServicesLive` is the
 * same without the database (it needs a `SqlClient`), for tests and for hosts that bring their own client.
 */
import { Layer } from "effect"
import { AttachmentsLive } from "./AttachmentsLive.js"
import { AuditLogLive } from "./AuditLogLive.js"
import { BotsLive } from "./BotsLive.js"
import { CategoriesLive } from "./CategoriesLive.js"
import { ChannelsLive } from "./ChannelsLive.js"
import { ChatLive } from "./ChatLive.js"
import { DatabaseLive } from "./Database.js"
import { DomainEventsLive } from "./Events.js"
import { KeyValueLive } from "./KeyValueLive.js"
import { LedgerLive } from "./LedgerLive.js"
import { NotificationsLive } from "./NotificationsLive.js"
import { PaymentsLive } from "./PaymentsLive.js"
import { ProcurementsLive } from "./ProcurementsLive.js"
import { ReferralShopsLive } from "./ReferralShopsLive.js"
import { ReferralsLive } from "./ReferralsLive.js"
import { RoleRequestsLive } from "./RoleRequestsLive.js"
import { UsersLive } from "./UsersLive.js"
import { WithdrawalsLive } from "./WithdrawalsLive.js"

/** Users, Categories, Procurements, Ledger, Payments, Chat, Attachments, Notifications, AuditLog, KeyValue, Channels, RoleRequests, Withdrawals, Referrals, DomainEvents. */
export const CoreServicesLive = Layer.mergeAll(
  UsersLive,
  CategoriesLive,
  ProcurementsLive,
  LedgerLive,
  PaymentsLive,
  // Attachments asks Chat who may see a file
  Layer.provideMerge(AttachmentsLive, ChatLive),
  NotificationsLive,
  AuditLogLive,
  KeyValueLive,
  ChannelsLive,
  RoleRequestsLive,
  WithdrawalsLive,
  BotsLive,
  ReferralShopsLive,
  ReferralsLive
).pipe(Layer.provideMerge(DomainEventsLive))

/** Every core service over `DatabaseLive` (PostgreSQL from `DATABASE_URL`, else embedded PGlite), migrated. */
export const CoreLive = CoreServicesLive.pipe(Layer.provideMerge(DatabaseLive))
