-- Issue 9: outgoing webhooks (Standard Webhooks). The store owner registers endpoints for some event topics;
-- every outbox event of such a topic becomes one delivery per subscribed endpoint, signed and retried by the
-- jobs worker.
CREATE TABLE webhook_endpoints (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url          text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    topics       text[] NOT NULL CHECK (cardinality(topics) > 0),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    -- `whsec_` + base64 of the signing key. Kept as is: every delivery is signed with it (an HMAC key cannot
    -- be stored as a hash). Shown once, when the endpoint is created; never listed or logged.
    secret       text NOT NULL CHECK (secret LIKE 'whsec\_%'),
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per (endpoint, event): the fan-out inserts with ON CONFLICT DO NOTHING, so an event handled twice
-- never makes a second delivery. `message_id` is the `webhook-id` header, the same for every attempt and
-- replay, which is what receivers deduplicate on. `body` is frozen at fan-out so every attempt sends the
-- same bytes' content; only the timestamp header and the signature are new each time.
CREATE TABLE webhook_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id      bigint NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         bigint NOT NULL,
    message_id       text NOT NULL UNIQUE DEFAULT 'msg_' || replace(gen_random_uuid()::text, '-', ''),
    topic            text NOT NULL,
    body             jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    -- Attempts since the delivery was created or last replayed.
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error       text,
    response_status  integer,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_attempt_at  timestamptz,
    delivered_at     timestamptz,
    UNIQUE (endpoint_id, event_id)
);
-- The admin API lists an endpoint's deliveries newest first.
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);

-- Webhook and report scopes for admin API keys (meridian_store::api_keys::SCOPES): `webhooks:read` lists
-- endpoints and deliveries, `webhooks:write` registers, deletes and replays, `reports:read` downloads
-- sales reports.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_scopes_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_check
    CHECK (scopes <@ ARRAY['orders:read', 'orders:write', 'inventory:read', 'inventory:write',
                           'webhooks:read', 'webhooks:write', 'reports:read']::text[]);
