-- Addresses a shopper saved to their account (issue 8): checkout will pre-fill from them. The address is
-- the checkout's own JSON shape (`meridian_domain::Address`), validated by the origin before it is stored.
CREATE TABLE account_addresses (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    address     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_addresses_account_idx ON account_addresses (account_id, created_at);
