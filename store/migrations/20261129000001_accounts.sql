-- Shopper accounts and their sessions (issue 8).
--
-- An account is found by `email_key`, the address lower-cased, so Ada@Example.com and ada@example.com
-- are one account; `email` keeps it as typed. Only an argon2id PHC string of the password is stored.
-- A session is one sign-in: the edge holds a short-lived signed token naming it, and a refresh secret
-- (only its SHA-256 here) to get the next token. Signing out or changing the password revokes sessions;
-- the origin checks `revoked_at` on every write made with a token.
CREATE TABLE accounts (
    id            uuid PRIMARY KEY,
    email         text NOT NULL CHECK (email <> '' AND length(email) <= 254),
    email_key     text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE account_sessions (
    id           uuid PRIMARY KEY,
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    refresh_hash bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX account_sessions_account_idx ON account_sessions (account_id);
