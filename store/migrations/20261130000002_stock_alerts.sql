-- "Notify me" on a sold-out variant (issue 8): a shopper (signed in, or by email alone) asks to hear once
-- when the variant is back in stock.
--
-- `email` keeps the address as given (normalised), `email_key` is it lower-cased: one open subscription
-- per variant and address, so asking again is asking once. Once notified, a subscription is spent
-- (`notified_at`); asking again after that opens a new one.
CREATE TABLE stock_alerts (
    id           uuid PRIMARY KEY,
    variant_id   bigint NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    email        text NOT NULL CHECK (email <> '' AND length(email) <= 254),
    email_key    text NOT NULL,
    account_id   uuid REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    notified_at  timestamptz
);
CREATE UNIQUE INDEX stock_alerts_open_idx ON stock_alerts (variant_id, email_key) WHERE notified_at IS NULL;
CREATE INDEX stock_alerts_account_idx ON stock_alerts (account_id) WHERE account_id IS NOT NULL;

-- Stock goes up on many paths: an unpaid order expiring or cancelled, a refund, the supplier sync, the
-- admin, a hand-written UPDATE. A trigger catches them all, in the transaction that raises the stock, so
-- the notification is queued exactly when (and only if) the new stock commits. Each open subscription
-- gets one outbox row and is marked notified in the same statement: the row lock on the variant
-- serialises restocks, so a subscription is never notified twice, even if the stock drops to 0 and
-- comes back. A variant (or product) that is archived is not on sale: its subscriptions stay open until
-- it is listed again with stock.
CREATE FUNCTION stock_alerts_back_in_stock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    product record;
BEGIN
    SELECT slug, title INTO product FROM products WHERE id = NEW.product_id AND archived_at IS NULL;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    -- The topic is meridian_domain::alerts::BACK_IN_STOCK_TOPIC; the payload is its `BackInStock`.
    WITH due AS (
        UPDATE stock_alerts SET notified_at = now()
        WHERE variant_id = NEW.id AND notified_at IS NULL
        RETURNING id, email, account_id, created_at
    )
    INSERT INTO outbox (topic, payload)
    SELECT 'stock.back_in_stock',
           jsonb_build_object(
               'alert', due.id,
               'to', due.email,
               'account', due.account_id,
               'sku', NEW.sku,
               'product_slug', product.slug,
               'product_title', product.title,
               'variant_title', NULLIF(NEW.title, ''),
               'link', '/p/' || product.slug)
    FROM due ORDER BY due.created_at, due.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER variants_back_in_stock
    AFTER UPDATE OF available, archived_at ON variants
    FOR EACH ROW
    WHEN (NEW.available > 0 AND NEW.archived_at IS NULL
          AND (OLD.available = 0 OR OLD.archived_at IS NOT NULL))
    EXECUTE FUNCTION stock_alerts_back_in_stock();
