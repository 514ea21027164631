-- A retried write gets its first answer back (Stripe's contract), not a re-read of how things are now:
-- the response is stored in the same transaction as the write it describes.
ALTER TABLE idempotency_keys
    ADD COLUMN response_status smallint,
    ADD COLUMN response_body   jsonb;
-- The hourly expiry sweep deletes by age.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
-- Keys from before responses were recorded cannot be replayed faithfully. They only guard retries of
-- requests older than this deploy (seconds), and every key expires within a day anyway.
DELETE FROM idempotency_keys WHERE response_status IS NULL;
