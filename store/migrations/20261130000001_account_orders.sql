-- Orders and carts belong to accounts; email addresses are verified (issue 8).
--
-- A cart names its account once a signed-in shopper owns it (claimed or merged at sign-in); an order placed
-- from it names the same account, set in the statement that places it. Deleting an account keeps its
-- orders (the shop's records) and carts: only the link goes (SET NULL), with the account's own data.
ALTER TABLE carts ADD COLUMN account_id uuid REFERENCES accounts (id) ON DELETE SET NULL;
-- Sign-in finds the account's open cart, most recently used first.
CREATE INDEX carts_account_idx ON carts (account_id, updated_at DESC) WHERE account_id IS NOT NULL;

ALTER TABLE orders ADD COLUMN account_id uuid REFERENCES accounts (id) ON DELETE SET NULL;
-- The account's order history, newest first, paged by id.
CREATE INDEX orders_account_idx ON orders (account_id, id DESC) WHERE account_id IS NOT NULL;
-- A verified address also sees the guest orders placed with it: looked up by the lower-cased email.
CREATE INDEX orders_email_lower_idx ON orders (lower(email), id DESC);

-- Set once the shopper opens a verification link sent to the address.
ALTER TABLE accounts ADD COLUMN email_verified_at timestamptz;

-- Single-use, expiring email-verification links: like password resets, only the SHA-256 of the link's
-- secret is kept, and the link travels once, in the outbox row of the email that carries it.
CREATE TABLE email_verifications (
    token_hash  bytea PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX email_verifications_account_idx ON email_verifications (account_id);
