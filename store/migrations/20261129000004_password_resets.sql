-- Single-use, expiring password-reset links (issue 8). Only the SHA-256 of the link's secret is kept; the
-- link itself travels once, in the outbox row of the email that carries it.
CREATE TABLE password_resets (
    token_hash  bytea PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX password_resets_account_idx ON password_resets (account_id);
