-- Checkout and orders: the shopper's checkout details on the cart, promo codes and their uses, orders with
-- frozen lines and amounts, their status history, payments seen from the provider, refunds, API keys for
-- the backend team, and the transactional outbox that tells the jobs what happened.

-- What the shopper entered during checkout, kept on the cart so a returning shopper finds it filled in.
ALTER TABLE carts
    ADD COLUMN email            text,
    ADD COLUMN address          jsonb,
    ADD COLUMN shipping_method  text,
    ADD COLUMN promo_code       text;
-- The idle-cart sweep deletes by age.
CREATE INDEX carts_updated_idx ON carts (updated_at);

CREATE TABLE promo_codes (
    code              text PRIMARY KEY CHECK (code = upper(code) AND code ~ '^[A-Z0-9_-]{2,40}$'),
    -- PromoKind as JSON: {"type":"percentage","basis_points":1000} | fixed_amount | free_shipping.
    kind              jsonb NOT NULL,
    min_subtotal      jsonb,
    starts_at         timestamptz,
    ends_at           timestamptz,
    usage_limit       integer CHECK (usage_limit > 0),
    per_email_limit   integer CHECK (per_email_limit > 0),
    -- Uses held by live orders: reserved when an order is placed, given back when it expires unpaid.
    used              integer NOT NULL DEFAULT 0 CHECK (used >= 0),
    CHECK (usage_limit IS NULL OR used <= usage_limit),
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id                bigint GENERATED ALWAYS AS IDENTITY (START WITH 100001) PRIMARY KEY,
    -- The buyer's link: 256 random bits, never a sequential id.
    token             text NOT NULL UNIQUE CHECK (token ~ '^[0-9a-f]{64}$'),
    number            text GENERATED ALWAYS AS ('M-' || id::text) STORED UNIQUE,
    cart_id           uuid NOT NULL,
    status            text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'fulfilled', 'expired',
                                                      'cancelled', 'refunded', 'partially_refunded')),
    email             text NOT NULL,
    address           jsonb NOT NULL,
    shipping_method   text NOT NULL,
    shipping_name     text NOT NULL,
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Amounts frozen at placement, integer minor units of `currency`.
    subtotal_minor    bigint NOT NULL CHECK (subtotal_minor >= 0),
    discount_minor    bigint NOT NULL CHECK (discount_minor >= 0),
    shipping_minor    bigint NOT NULL CHECK (shipping_minor >= 0),
    tax_minor         bigint NOT NULL CHECK (tax_minor >= 0),
    total_minor       bigint NOT NULL CHECK (total_minor >= 0),
    tax_included      boolean NOT NULL,
    tax_label         text,
    promo_code        text REFERENCES promo_codes (code),
    refunded_minor    bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= total_minor),
    -- The provider's checkout session and, once paid, its payment (what refunds name).
    payment_session   text UNIQUE,
    payment_url       text,
    payment_intent    text,
    payment_error     text,
    note              text,
    tracking_number   text,
    expires_at        timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC);
CREATE INDEX orders_email_idx ON orders (email);
-- The expiry job looks only at unpaid orders that are due.
CREATE INDEX orders_pending_expiry_idx ON orders (expires_at) WHERE status = 'pending_payment';

CREATE TABLE order_lines (
    order_id          bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position          integer NOT NULL,
    variant_id        bigint NOT NULL REFERENCES variants (id),
    sku               text NOT NULL,
    product_title     text NOT NULL,
    variant_title     text NOT NULL,
    unit_price_minor  bigint NOT NULL CHECK (unit_price_minor >= 0),
    quantity          integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    line_total_minor  bigint NOT NULL CHECK (line_total_minor >= 0),
    PRIMARY KEY (order_id, position)
);

-- Every status change: when, from what, to what, and why.
CREATE TABLE order_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status  text,
    to_status    text NOT NULL,
    cause        text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

-- One row per promo use held by an order; released (not deleted) when the order expires unpaid.
CREATE TABLE promo_uses (
    order_id     bigint PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    code         text NOT NULL REFERENCES promo_codes (code),
    email        text NOT NULL,
    released_at  timestamptz
);
CREATE INDEX promo_uses_code_email_idx ON promo_uses (code, lower(email)) WHERE released_at IS NULL;

-- Provider events already applied: a redelivered webhook finds its id here and changes nothing.
CREATE TABLE payment_events (
    provider_event_id  text PRIMARY KEY,
    event_type         text NOT NULL,
    order_id           bigint REFERENCES orders (id),
    received_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refunds (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id            bigint NOT NULL REFERENCES orders (id),
    provider_refund_id  text NOT NULL UNIQUE,
    amount_minor        bigint NOT NULL CHECK (amount_minor > 0),
    reason              text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);

-- Keys for the admin API, created with `origin api-key create`: only a SHA-256 of the secret is kept.
CREATE TABLE api_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (name <> ''),
    -- The key's public prefix ("mk_" + 8 chars), shown in listings so a leaked key can be identified.
    prefix      text NOT NULL UNIQUE,
    secret_hash bytea NOT NULL UNIQUE,
    scopes      text[] NOT NULL CHECK (scopes <@ ARRAY['orders:read', 'orders:write']::text[]),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- Written in the same transaction as the change it announces; the relay (jobs) delivers and marks it.
CREATE TABLE outbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic       text NOT NULL,
    payload     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL;
