-- Email and SMS notifications (issue 9).
--
-- A notification is sent once per outbox event and channel: the sender inserts its row here in a
-- transaction it holds across the send and commits only after the SMTP server (or the SMS provider)
-- accepted the message. A failed send rolls the row back, so the retry sends; a second run of the same
-- event finds the row and sends nothing; two runs at once queue on the primary key, so only one sends.
-- No foreign key to `outbox`: the event id is the identity, and pruning old outbox rows must not
-- forget what was sent.
CREATE TABLE notifications_sent (
    event_id    bigint NOT NULL,
    channel     text NOT NULL CHECK (channel IN ('email', 'sms')),
    -- Which message it was (`order_confirmation`, `shipped`, …), for support and logs.
    template    text NOT NULL,
    -- The email's Message-ID, or the SMS provider's message sid.
    provider_id text,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, channel)
);

-- SMS opt-in per account: a phone number in E.164 form (+ then up to 15 digits, checked by the origin
-- and here) and the shopper's consent. No consent, no SMS, whatever the number.
ALTER TABLE accounts
    ADD COLUMN phone text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    ADD COLUMN sms_opt_in boolean NOT NULL DEFAULT false,
    -- Consent needs a number to send to.
    ADD CONSTRAINT accounts_sms_needs_phone CHECK (NOT sms_opt_in OR phone IS NOT NULL);
