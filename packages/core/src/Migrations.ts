/**
 * The one migration set for PostgreSQL and embedded PGlite. Append new migrations; never edit an applied one.
 * Every money column is `bigint` kopecks; balances and held amounts are kept non-negative by CHECK constraints.
 */
import { SqlClient } from "@effect/sql"
import * as Migrator from "@effect/sql/Migrator"
import { Effect, Layer } from "effect"

const run = (...statements: ReadonlyArray<string>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.forEach(statements, (statement) => sql.unsafe(statement), { discard: true })
  )

export const migrations: Record<string, Effect.Effect<void, unknown, SqlClient.SqlClient>> = {
  "0001_users": run(
    `CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      first_name text NOT NULL,
      last_name text,
      username text,
      phone text,
      email text,
      language text NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
      role text NOT NULL DEFAULT 'buyer' CHECK (role IN ('buyer', 'organizer', 'supplier')),
      is_admin boolean NOT NULL DEFAULT false,
      balance bigint NOT NULL DEFAULT 0 CONSTRAINT balance_not_negative CHECK (balance >= 0),
      is_verified boolean NOT NULL DEFAULT false,
      is_active boolean NOT NULL DEFAULT true,
      last_platform text CHECK (last_platform IN ('telegram', 'vk', 'whatsapp', 'web')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX users_phone_key ON users (phone) WHERE phone IS NOT NULL`,
    `CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL`,
    `CREATE INDEX users_created_at_idx ON users (created_at)`,
    `CREATE TABLE platform_identities (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      platform text NOT NULL CHECK (platform IN ('telegram', 'vk', 'whatsapp', 'web')),
      external_id text NOT NULL,
      username text,
      display_name text,
      reachable boolean NOT NULL DEFAULT true,
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (platform, external_id)
    )`,
    `CREATE INDEX platform_identities_user_idx ON platform_identities (user_id)`,
    `CREATE TABLE one_time_codes (
      code text PRIMARY KEY,
      purpose text NOT NULL CHECK (purpose IN ('link', 'web_login')),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`
  ),
  "0002_categories": run(
    `CREATE TABLE categories (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      parent_id uuid REFERENCES categories (id) ON DELETE RESTRICT,
      name text NOT NULL,
      icon text,
      description text,
      sort_order integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (parent_id IS NULL OR parent_id <> id)
    )`,
    `CREATE UNIQUE INDEX categories_name_per_parent_key
      ON categories (coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name))`
  ),
  "0003_procurements": run(
    `CREATE TABLE procurements (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      title text NOT NULL,
      description text NOT NULL DEFAULT '',
      category_id uuid REFERENCES categories (id) ON DELETE SET NULL,
      organizer_id uuid NOT NULL REFERENCES users (id),
      supplier_id uuid REFERENCES users (id),
      target_amount bigint NOT NULL CHECK (target_amount > 0),
      price_per_unit bigint NOT NULL CHECK (price_per_unit > 0),
      unit text NOT NULL,
      min_quantity integer NOT NULL DEFAULT 1 CHECK (min_quantity >= 1),
      deadline timestamptz NOT NULL,
      payment_deadline timestamptz,
      city text NOT NULL,
      delivery_address text,
      stop_at_amount bigint CHECK (stop_at_amount IS NULL OR stop_at_amount > 0),
      image_url text,
      is_featured boolean NOT NULL DEFAULT false,
      organizer_fee_percent numeric(5, 2) NOT NULL DEFAULT 0 CHECK (organizer_fee_percent BETWEEN 0 AND 100),
      status text NOT NULL DEFAULT 'DRAFT'
        CHECK (status IN ('DRAFT', 'ACTIVE', 'STOPPED', 'PAYMENT', 'COMPLETED', 'CANCELLED')),
      held_amount bigint NOT NULL DEFAULT 0 CONSTRAINT held_not_negative CHECK (held_amount >= 0),
      search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('russian', coalesce(description, '')), 'B')
      ) STORED,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX procurements_status_idx ON procurements (status, deadline)`,
    `CREATE INDEX procurements_organizer_idx ON procurements (organizer_id)`,
    `CREATE INDEX procurements_category_idx ON procurements (category_id)`,
    `CREATE INDEX procurements_city_idx ON procurements (lower(city))`,
    `CREATE INDEX procurements_search_idx ON procurements USING gin (search)`,
    `CREATE TABLE participants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      procurement_id uuid NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id),
      quantity integer NOT NULL CHECK (quantity > 0),
      amount bigint NOT NULL CHECK (amount > 0),
      status text NOT NULL DEFAULT 'PENDING'
        CHECK (status IN ('PENDING', 'CONFIRMED', 'PAID', 'DELIVERED', 'CANCELLED')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX participants_one_active_per_user
      ON participants (procurement_id, user_id) WHERE status <> 'CANCELLED'`,
    `CREATE INDEX participants_user_idx ON participants (user_id)`
  ),
  "0004_money": run(
    `CREATE TABLE payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      procurement_id uuid REFERENCES procurements (id),
      type text NOT NULL CHECK (type IN ('DEPOSIT', 'WITHDRAWAL', 'PROCUREMENT_PAYMENT')),
      status text NOT NULL DEFAULT 'PENDING'
        CHECK (status IN ('PENDING', 'WAITING_FOR_CAPTURE', 'SUCCEEDED', 'CANCELLED', 'REFUNDED')),
      provider text NOT NULL,
      provider_payment_id text,
      idempotency_key text NOT NULL,
      amount bigint NOT NULL CHECK (amount > 0),
      description text,
      confirmation_url text,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      settled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX payments_idempotency_key ON payments (idempotency_key)`,
    `CREATE UNIQUE INDEX payments_provider_payment_key ON payments (provider, provider_payment_id)
      WHERE provider_payment_id IS NOT NULL`,
    `CREATE INDEX payments_user_idx ON payments (user_id, created_at DESC)`,
    `CREATE TABLE transactions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      type text NOT NULL CHECK (type IN
        ('DEPOSIT', 'WITHDRAWAL', 'PROCUREMENT_JOIN', 'PROCUREMENT_REFUND', 'TRANSFER', 'BONUS', 'ADJUSTMENT')),
      amount bigint NOT NULL CHECK (amount <> 0),
      balance_after bigint NOT NULL CHECK (balance_after >= 0),
      procurement_id uuid REFERENCES procurements (id),
      participant_id uuid REFERENCES participants (id),
      payment_id uuid REFERENCES payments (id),
      idempotency_key text,
      description text,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX transactions_idempotency_key ON transactions (idempotency_key)
      WHERE idempotency_key IS NOT NULL`,
    `CREATE UNIQUE INDEX transactions_one_payment_per_participant ON transactions (participant_id)
      WHERE type = 'PROCUREMENT_JOIN'`,
    `CREATE UNIQUE INDEX transactions_one_refund_per_participant ON transactions (participant_id)
      WHERE type = 'PROCUREMENT_REFUND'`,
    `CREATE UNIQUE INDEX transactions_one_transfer_per_procurement ON transactions (procurement_id)
      WHERE type = 'TRANSFER'`,
    `CREATE INDEX transactions_user_idx ON transactions (user_id, created_at DESC)`,
    `CREATE TABLE virtual_accounts (
      user_id uuid NOT NULL REFERENCES users (id),
      provider text NOT NULL,
      account_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, provider),
      UNIQUE (provider, account_id)
    )`
  ),
  "0005_chat_notifications": run(
    `CREATE TABLE chat_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      procurement_id uuid NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
      user_id uuid REFERENCES users (id),
      type text NOT NULL DEFAULT 'TEXT' CHECK (type IN ('TEXT', 'IMAGE', 'FILE', 'SYSTEM')),
      text text NOT NULL DEFAULT '',
      attachment_url text,
      origin_platform text CHECK (origin_platform IN ('telegram', 'vk', 'whatsapp', 'web')),
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      edited_at timestamptz,
      deleted_at timestamptz,
      deleted_by uuid REFERENCES users (id),
      search tsvector GENERATED ALWAYS AS (to_tsvector('russian', coalesce(text, ''))) STORED
    )`,
    `CREATE INDEX chat_messages_procurement_idx ON chat_messages (procurement_id, created_at)`,
    `CREATE INDEX chat_messages_search_idx ON chat_messages USING gin (search)`,
    `CREATE TABLE chat_reads (
      procurement_id uuid NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      last_read_at timestamptz NOT NULL,
      PRIMARY KEY (procurement_id, user_id)
    )`,
    `CREATE TABLE notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      type text NOT NULL CHECK (type IN ('NEW_CHAT_MESSAGE', 'PROCUREMENT_STATUS_UPDATE', 'PAYMENT_REQUIRED',
        'PAYMENT_RECEIVED', 'PROCUREMENT_COMPLETED', 'SYSTEM')),
      title text NOT NULL,
      body text NOT NULL,
      procurement_id uuid REFERENCES procurements (id) ON DELETE CASCADE,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      is_read boolean NOT NULL DEFAULT false,
      delivered_at timestamptz,
      delivered_platform text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`,
    `CREATE INDEX notifications_user_idx ON notifications (user_id, is_read, created_at DESC)`,
    `CREATE TABLE audit_log (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      actor_id uuid,
      actor_kind text NOT NULL CHECK (actor_kind IN ('admin', 'user', 'system', 'service')),
      action text NOT NULL,
      target_type text,
      target_id text,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      ip text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`,
    `CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC)`
  ),
  "0006_platform_state": run(
    `CREATE TABLE kv_store (
      namespace text NOT NULL,
      key text NOT NULL,
      value jsonb NOT NULL,
      expires_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (namespace, key)
    )`,
    `CREATE INDEX kv_store_expires_idx ON kv_store (expires_at) WHERE expires_at IS NOT NULL`,
    `CREATE TABLE admin_accounts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      password_hash text NOT NULL,
      user_id uuid REFERENCES users (id),
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_login_at timestamptz
    )`,
    `CREATE UNIQUE INDEX admin_accounts_email_key ON admin_accounts (lower(email))`,
    `CREATE TABLE admin_sessions (
      token_hash text PRIMARY KEY,
      admin_id uuid NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE broadcast_channels (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      bot_id text NOT NULL,
      platform text NOT NULL CHECK (platform IN ('telegram', 'vk', 'whatsapp', 'web')),
      chat_id text NOT NULL,
      title text NOT NULL,
      added_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (bot_id, platform, chat_id)
    )`
  ),
  // Audit actors are not always accounts with a UUID (a payment provider, a cron job): keep whatever id they have.
  "0007_audit_actor_text": run(
    `ALTER TABLE audit_log ALTER COLUMN actor_id TYPE text USING actor_id::text`,
    `CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at DESC) WHERE actor_id IS NOT NULL`,
    `CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, created_at DESC)`
  ),
  // Announcements in a channel are written in that channel's language.
  "0008_broadcast_channel_language": run(
    `ALTER TABLE broadcast_channels ADD COLUMN language text NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en'))`,
    `ALTER TABLE broadcast_channels ADD CONSTRAINT broadcast_channels_text_check
      CHECK (btrim(bot_id) <> '' AND btrim(chat_id) <> '' AND btrim(title) <> '')`
  ),
  // Deleting a chat message deletes the notifications that quote it (`data.messageId`): found by this index.
  "0013_chat_hub": run(
    `CREATE INDEX notifications_message_idx ON notifications ((data ->> 'messageId')) WHERE data ? 'messageId'`
  ),
  // Unread counts come from the read markers: the messages of a chat after a member's marker, counted from this index
  // alone (chat messages no longer create a notification row per member).
  "0014_chat_unread": run(
    `CREATE INDEX chat_messages_unread_idx ON chat_messages (procurement_id, created_at) INCLUDE (user_id)
      WHERE deleted_at IS NULL`
  ),
  // Files sent in chats, stored in the database (AttachmentsLive.ts says why). A message carries at most one and an
  // attachment belongs to at most one message (`attachment_id` is unique); `attachment` is its name, type and size as
  // the message shows them, so reading history never touches the bytes.
  "0015_chat_attachments": run(
    `CREATE TABLE chat_attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      procurement_id uuid NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
      uploader_id uuid NOT NULL REFERENCES users (id),
      name text NOT NULL CHECK (btrim(name) <> ''),
      content_type text NOT NULL,
      size integer NOT NULL CHECK (size > 0 AND size <= 10485760),
      data bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX chat_attachments_procurement_idx ON chat_attachments (procurement_id)`,
    `CREATE INDEX chat_attachments_uploader_idx ON chat_attachments (uploader_id, created_at)`,
    `ALTER TABLE chat_messages
      ADD COLUMN attachment_id uuid UNIQUE REFERENCES chat_attachments (id) ON DELETE SET NULL,
      ADD COLUMN attachment jsonb`
  ),
  // The organizer hears when someone joins or leaves their procurement: two notification types more.
  "0016_participant_notifications": run(
    `ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`,
    `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN ('NEW_CHAT_MESSAGE',
      'PROCUREMENT_STATUS_UPDATE', 'PAYMENT_REQUIRED', 'PAYMENT_RECEIVED', 'PROCUREMENT_COMPLETED', 'SYSTEM',
      'PARTICIPANT_JOINED', 'PARTICIPANT_LEFT'))`
  ),
  // The types the shop, the bot fleet and the parity work write, declared once here so that their own migrations
  // never rewrite these two CHECKs (a later rewrite would silently drop another feature's types).
  // Ledger: PURCHASE (a shop order's debit) / PURCHASE_REFUND, COMMISSION (a referral shop owner's share) /
  // COMMISSION_REVERSAL, WITHDRAWAL_HOLD (a withdrawal request holds the amount at once) / WITHDRAWAL_RELEASE (a
  // rejected request gives it back; an approved one is the WITHDRAWAL).
  "0017_shop_fleet_parity_types": run(
    `ALTER TABLE transactions DROP CONSTRAINT transactions_type_check`,
    `ALTER TABLE transactions ADD CONSTRAINT transactions_type_check CHECK (type IN ('DEPOSIT', 'WITHDRAWAL',
      'PROCUREMENT_JOIN', 'PROCUREMENT_REFUND', 'TRANSFER', 'BONUS', 'ADJUSTMENT', 'PURCHASE', 'PURCHASE_REFUND',
      'COMMISSION', 'COMMISSION_REVERSAL', 'WITHDRAWAL_HOLD', 'WITHDRAWAL_RELEASE'))`,
    `ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`,
    `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN ('NEW_CHAT_MESSAGE',
      'PROCUREMENT_STATUS_UPDATE', 'PAYMENT_REQUIRED', 'PAYMENT_RECEIVED', 'PROCUREMENT_COMPLETED', 'SYSTEM',
      'PARTICIPANT_JOINED', 'PARTICIPANT_LEFT', 'ORDER_DELIVERED', 'ORDER_REFUNDED', 'SUBSCRIPTION_RENEWED',
      'SUBSCRIPTION_RENEWAL_FAILED', 'SUBSCRIPTION_EXPIRING', 'SUBSCRIPTION_EXPIRED', 'LOW_STOCK',
      'WITHDRAWAL_REQUESTED', 'WITHDRAWAL_DECIDED', 'ROLE_REQUESTED', 'ROLE_REQUEST_DECIDED', 'BONUS_GRANTED',
      'SHOP_SALE', 'BOT_FAILOVER'))`
  ),
  // A buyer's request to become an organizer or a supplier, decided by an admin. One pending request per account (the
  // partial unique index): a double tap, or the bot and the cabinet at once, ask once.
  "0024_role_requests": run(
    `CREATE TABLE role_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('organizer', 'supplier')),
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'DECLINED')),
      decided_by uuid REFERENCES users (id) ON DELETE SET NULL,
      decided_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'PENDING') = (decided_at IS NULL))
    )`,
    `CREATE UNIQUE INDEX role_requests_one_pending_idx ON role_requests (user_id) WHERE status = 'PENDING'`,
    `CREATE INDEX role_requests_status_idx ON role_requests (status, created_at)`
  ),
  // A member who muted a procurement chat's notifications outside chat mode (a row while muted; unmuting deletes it).
  "0021_chat_mutes": run(
    `CREATE TABLE chat_mutes (
      procurement_id uuid NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (procurement_id, user_id)
    )`
  ),
  // A user's request to withdraw part of their balance. While PENDING (or PROCESSING: an admin approved it and the
  // payout is under way) the amount is held here — taken off the balance by WITHDRAWAL_HOLD in the same transaction
  // that inserts the row; approval records the WITHDRAWAL (the money leaves), rejection gives it back
  // (WITHDRAWAL_RELEASE). The ledger's keys `withdrawal:<id>:<step>` make each step happen once.
  "0022_withdrawal_requests": run(
    `CREATE TABLE withdrawal_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      amount bigint NOT NULL CHECK (amount > 0),
      details text NOT NULL CHECK (length(details) BETWEEN 1 AND 500),
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PROCESSING', 'APPROVED', 'REJECTED')),
      idempotency_key text UNIQUE,
      provider text,
      payout_reference text,
      failure text,
      reason text,
      decided_by uuid REFERENCES users (id) ON DELETE SET NULL,
      decided_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status IN ('APPROVED', 'REJECTED')) = (decided_at IS NOT NULL))
    )`,
    `CREATE INDEX withdrawal_requests_status_idx ON withdrawal_requests (status, created_at)`,
    `CREATE INDEX withdrawal_requests_user_idx ON withdrawal_requests (user_id, created_at DESC)`
  ),
  // The shop (issue #14): products in the category tree, DIGITAL products' items (each sold to one order: `order_id`
  // set in the purchase's transaction), orders with their lines, PROVIDER orders' subscriptions and the one row of
  // shop settings. A product's `sync_deactivated` marks a deactivation by the provider sync (the offer disappeared),
  // so the offer's return reactivates it while an admin's deactivation stays.
  "0018_shop": run(
    `CREATE TABLE products (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      category_id uuid REFERENCES categories (id) ON DELETE SET NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
      price bigint NOT NULL CHECK (price > 0),
      images text[] NOT NULL DEFAULT '{}',
      is_active boolean NOT NULL DEFAULT true,
      sort_order integer NOT NULL DEFAULT 0,
      kind text NOT NULL CHECK (kind IN ('STOCKED', 'DIGITAL', 'PROVIDER')),
      stock integer CHECK (stock >= 0),
      provider_id text,
      offer_key text,
      provider_cost bigint CHECK (provider_cost >= 0),
      period_days integer CHECK (period_days > 0),
      provider_available integer CHECK (provider_available >= 0),
      sync_deactivated boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'STOCKED') = (stock IS NOT NULL)),
      CHECK ((kind = 'PROVIDER') = (provider_id IS NOT NULL AND offer_key IS NOT NULL AND period_days IS NOT NULL))
    )`,
    `CREATE UNIQUE INDEX products_offer_idx ON products (provider_id, offer_key) WHERE provider_id IS NOT NULL`,
    `CREATE INDEX products_category_idx ON products (category_id, sort_order) WHERE is_active`,
    `CREATE SEQUENCE order_number_seq START 1001`,
    `CREATE TABLE orders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number integer NOT NULL UNIQUE DEFAULT nextval('order_number_seq'),
      buyer_id uuid NOT NULL REFERENCES users (id),
      status text NOT NULL CHECK (status IN ('PAID', 'DELIVERED', 'FAILED', 'REFUNDED', 'CANCELLED')),
      total bigint NOT NULL CHECK (total > 0),
      shop_bot_id text,
      idempotency_key text NOT NULL,
      note text,
      delivery text[],
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      refunded_at timestamptz,
      UNIQUE (buyer_id, idempotency_key)
    )`,
    `CREATE INDEX orders_buyer_idx ON orders (buyer_id, created_at DESC)`,
    `CREATE INDEX orders_status_idx ON orders (status, created_at DESC)`,
    `CREATE TABLE order_lines (
      order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
      line integer NOT NULL,
      product_id uuid NOT NULL REFERENCES products (id),
      title text NOT NULL,
      kind text NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      unit_price bigint NOT NULL CHECK (unit_price > 0),
      PRIMARY KEY (order_id, line)
    )`,
    `CREATE INDEX order_lines_product_idx ON order_lines (product_id)`,
    `CREATE TABLE product_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
      content text NOT NULL CHECK (length(content) BETWEEN 1 AND 4000),
      order_id uuid REFERENCES orders (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      sold_at timestamptz,
      UNIQUE (product_id, content),
      CHECK ((order_id IS NULL) = (sold_at IS NULL))
    )`,
    `CREATE INDEX product_items_unsold_idx ON product_items (product_id, created_at, id) WHERE order_id IS NULL`,
    `CREATE INDEX product_items_order_idx ON product_items (order_id) WHERE order_id IS NOT NULL`,
    `CREATE TABLE subscriptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      product_id uuid NOT NULL REFERENCES products (id),
      order_id uuid NOT NULL UNIQUE REFERENCES orders (id),
      provider_id text NOT NULL,
      external_ids text[] NOT NULL,
      credentials text[] NOT NULL,
      period_days integer NOT NULL CHECK (period_days > 0),
      expires_at timestamptz NOT NULL,
      auto_renew boolean NOT NULL DEFAULT true,
      status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'EXPIRED', 'CANCELLED')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX subscriptions_user_idx ON subscriptions (user_id, expires_at)`,
    `CREATE INDEX subscriptions_due_idx ON subscriptions (expires_at) WHERE status = 'ACTIVE'`,
    `CREATE TABLE shop_settings (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      name text NOT NULL,
      description text NOT NULL,
      support_contact text NOT NULL,
      currency_display text NOT NULL,
      low_stock_threshold integer NOT NULL CHECK (low_stock_threshold >= 0),
      default_markup_percent numeric(7, 2) NOT NULL CHECK (default_markup_percent BETWEEN 0 AND 1000),
      referral_commission_percent numeric(5, 2) NOT NULL CHECK (referral_commission_percent BETWEEN 0 AND 100),
      offer_group_buys boolean NOT NULL,
      offer_shop boolean NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (offer_group_buys OR offer_shop)
    )`,
    `INSERT INTO shop_settings (name, description, support_contact, currency_display, low_stock_threshold,
      default_markup_percent, referral_commission_percent, offer_group_buys, offer_shop)
      VALUES ('GroupBuy', '', '', '₽', 5, 20, 10, true, false)`
  ),
  // The provider sync log admins read: one row per run, with what changed (JSON lines) or why it failed.
  "0019_provider_sync_runs": run(
    `CREATE TABLE provider_sync_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      provider_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('OK', 'FAILED')),
      created integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      deactivated integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0,
      changes jsonb NOT NULL DEFAULT '[]',
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'FAILED') = (error IS NOT NULL))
    )`,
    `CREATE INDEX provider_sync_runs_idx ON provider_sync_runs (provider_id, created_at DESC)`,
    `CREATE INDEX provider_sync_runs_time_idx ON provider_sync_runs (created_at DESC)`
  ),
  // External providers as admins configure them (the server builds their clients from these rows and syncs them).
  "0025_provider_configs": run(
    `CREATE TABLE provider_configs (
      provider_id text PRIMARY KEY CHECK (provider_id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
      kind text NOT NULL CHECK (kind IN ('proxy6')),
      enabled boolean NOT NULL DEFAULT false,
      api_key text CHECK (api_key IS NULL OR length(api_key) BETWEEN 1 AND 200),
      base_url text NOT NULL,
      markup_percent numeric(7, 2) CHECK (markup_percent BETWEEN 0 AND 1000),
      selection jsonb NOT NULL,
      sync_interval_minutes integer NOT NULL DEFAULT 60 CHECK (sync_interval_minutes BETWEEN 5 AND 10080),
      last_sync_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (NOT enabled OR api_key IS NOT NULL)
    )`
  ),
  // What the subscription schedule did, once per (subscription, the expiry it is for, what): reminders, the renewal
  // (PENDING while the provider prolongs), its failure notice, the expiry.
  "0026_subscription_renewals": run(
    `CREATE TABLE subscription_events (
      subscription_id uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
      for_expiry timestamptz NOT NULL,
      kind text NOT NULL CHECK (kind IN ('REMINDER_1', 'RENEWAL', 'RENEWAL_FAILED', 'REMINDER_2', 'EXPIRED')),
      status text NOT NULL DEFAULT 'DONE' CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
      attempt integer NOT NULL DEFAULT 0,
      amount bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (subscription_id, for_expiry, kind, attempt)
    )`
  ),
  // The bot fleet (issue #15): every bot the servers run is a row. The token is stored only encrypted (AES-256-GCM,
  // `v1:<iv>:<tag>:<ciphertext>` in base64url, by the server's key) with a keyed fingerprint (HMAC-SHA-256) so that a
  // token already in use is refused without decrypting anything. `role` is what the bot is for (main / fallback /
  // referral: a referral shop's bot), `status` what the admins or the owner decided (a deleted row is kept for the
  // orders that name it, and frees its token and platform id), `health` what the adapters last reported (the
  // failover monitor reads and writes it). `id` is the fleet id orders keep in `shop_bot_id` and chats in `bot`.
  "0027_bots": run(
    `CREATE TABLE bots (
      id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_.:-]{0,99}$'),
      platform text NOT NULL CHECK (platform ~ '^[a-z][a-z0-9_]{0,31}$'),
      token_ciphertext text NOT NULL,
      token_fingerprint text NOT NULL,
      role text NOT NULL CHECK (role IN ('main', 'fallback', 'referral')),
      owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'blocked', 'deleted')),
      health text NOT NULL DEFAULT 'unknown' CHECK (health IN ('unknown', 'healthy', 'degraded', 'revoked')),
      health_detail text,
      health_at timestamptz,
      platform_bot_id text,
      username text,
      source text NOT NULL DEFAULT 'admin' CHECK (source IN ('environment', 'admin', 'owner')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX bots_token_idx ON bots (platform, token_fingerprint) WHERE status <> 'deleted'`,
    `CREATE UNIQUE INDEX bots_platform_bot_idx ON bots (platform, platform_bot_id)
      WHERE status <> 'deleted' AND platform_bot_id IS NOT NULL`,
    `CREATE INDEX bots_owner_idx ON bots (owner_id) WHERE owner_id IS NOT NULL`
  ),
  // Referral bot shops: a user's own bot selling the catalogue under their shop name and greeting. `commission_percent`
  // is an admin's override (null: the shop settings' `referral_commission_percent`). One row of
  // `referral_commissions` per order sold through a shop bot, written in the order's transaction: the share credited
  // (COMMISSION, rounded down to the kopeck) and, after a refund, what was taken back (COMMISSION_REVERSAL) and what
  // could not be because the owner had already withdrawn it (`shortfall`; a balance never goes negative).
  "0028_referral_shops": run(
    `CREATE TABLE referral_shops (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_id uuid NOT NULL REFERENCES users (id),
      bot_id text NOT NULL UNIQUE REFERENCES bots (id),
      name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
      greeting text NOT NULL DEFAULT '' CHECK (length(greeting) <= 1000),
      commission_percent numeric(5, 2) CHECK (commission_percent BETWEEN 0 AND 100),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'blocked', 'deleted')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX referral_shops_owner_idx ON referral_shops (owner_id, created_at)`,
    `CREATE TABLE referral_commissions (
      order_id uuid PRIMARY KEY REFERENCES orders (id),
      shop_id uuid NOT NULL REFERENCES referral_shops (id),
      owner_id uuid NOT NULL REFERENCES users (id),
      buyer_id uuid NOT NULL REFERENCES users (id),
      percent numeric(5, 2) NOT NULL,
      order_total bigint NOT NULL CHECK (order_total > 0),
      amount bigint NOT NULL CHECK (amount >= 0),
      reversed bigint CHECK (reversed >= 0 AND reversed <= amount),
      shortfall bigint NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      reversed_at timestamptz,
      CHECK ((reversed IS NULL) = (reversed_at IS NULL)),
      CHECK (reversed IS NULL OR reversed + shortfall = amount)
    )`,
    `CREATE INDEX referral_commissions_shop_idx ON referral_commissions (shop_id, created_at)`
  ),
  // Paying a procurement share by card (PROCUREMENT_PAYMENT): at most one open card payment per participation, so
  // two taps on "pay by card" (with any keys) start one payment; the automatic capture/cancel rules find them by
  // procurement.
  "0033_procurement_card_payments": run(
    `CREATE UNIQUE INDEX payments_one_open_share ON payments (procurement_id, user_id)
      WHERE type = 'PROCUREMENT_PAYMENT' AND status IN ('PENDING', 'WAITING_FOR_CAPTURE')`
  ),
  // Referral rewards: who came through whose link (one referrer per person, recorded before their first successful
  // payment), settled at that first payment with the reward then in force (0 = rewards off; `transaction_id` is the
  // referrer's BONUS), and the reward an admin sets.
  "0034_referrals": run(
    `CREATE TABLE referrals (
      referred_id uuid PRIMARY KEY REFERENCES users (id),
      referrer_id uuid NOT NULL REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      settled_at timestamptz,
      reward bigint CHECK (reward >= 0),
      transaction_id uuid REFERENCES transactions (id),
      CHECK (referred_id <> referrer_id),
      CHECK ((settled_at IS NULL) = (reward IS NULL))
    )`,
    `CREATE INDEX referrals_referrer_idx ON referrals (referrer_id, created_at)`,
    `CREATE TABLE referral_settings (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      reward bigint NOT NULL DEFAULT 0 CHECK (reward >= 0),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `INSERT INTO referral_settings (id) VALUES (true)`
  )
}

/** Runs every pending migration (idempotent; safe to run at each start). */
export const MigrationsLive = Layer.effectDiscard(
  Migrator.make({})({ loader: Migrator.fromRecord(migrations), table: "groupbuy_migrations" })
)
