-- Inventory (issue 9): every change of a variant's stock is a movement, whatever made it; low stock is
-- announced once, when it is crossed; API keys may be scoped to inventory.
--
-- Stock is `variants.available`: units that can still be sold. Units held by unpaid orders are already
-- taken off it (placing an order takes them, expiry and cancellation give them back), so a movement's
-- `available` is what a shopper could buy right after it.

CREATE TABLE stock_movements (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    variant_id  bigint NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    delta       integer NOT NULL CHECK (delta <> 0),
    -- `available` right after the change.
    available   integer NOT NULL CHECK (available >= 0),
    -- What made the change: meridian_store::inventory::Source, as text.
    source      text NOT NULL CHECK (source IN ('admin', 'order', 'expiry', 'refund', 'sync', 'feed',
                                                'unattributed')),
    reason      text NOT NULL CHECK (reason <> '' AND length(reason) <= 500),
    -- The admin API key that made it, where one did. Keys are revoked, never deleted.
    api_key_id  bigint REFERENCES api_keys (id),
    at          timestamptz NOT NULL DEFAULT now()
);
-- A variant's movements, newest first, paged by id.
CREATE INDEX stock_movements_variant_idx ON stock_movements (variant_id, id DESC);

-- The store-wide low-stock threshold (one row). Written by `jobs worker` at start-up from
-- LOW_STOCK_THRESHOLD when that is set; a variant's own `low_stock_threshold` overrides it.
CREATE TABLE inventory_settings (
    id                   boolean PRIMARY KEY DEFAULT true CHECK (id),
    low_stock_threshold  integer NOT NULL DEFAULT 5 CHECK (low_stock_threshold >= 0)
);
INSERT INTO inventory_settings DEFAULT VALUES;

ALTER TABLE variants ADD COLUMN low_stock_threshold integer CHECK (low_stock_threshold >= 0);

-- A trigger rather than trust: orders, expiry, refunds, the product sync, the inventory feed, the admin
-- API and a hand-written UPDATE all change `available`, and each change is recorded in its own
-- transaction, so a movement exists exactly when the change commits. Callers say who and why with
-- transaction-local settings (`set_config(…, true)`, meridian_store::inventory::attribute); a change
-- made without them is recorded honestly as 'unattributed'.
--
-- Low stock: when a live variant's stock goes from above its threshold to at or below it, one
-- `stock.low` outbox row is written in the same transaction. Only the crossing announces: further sales
-- while it stays low do not, and it announces again only after stock has gone back above the threshold.
CREATE FUNCTION variants_record_movement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was        integer := 0;
    source     text := coalesce(nullif(current_setting('meridian.stock_source', true), ''), 'unattributed');
    reason     text := nullif(current_setting('meridian.stock_reason', true), '');
    actor      bigint := nullif(current_setting('meridian.stock_actor', true), '')::bigint;
    threshold  integer;
    slug       text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        was := OLD.available;
    END IF;
    IF reason IS NULL THEN
        reason := CASE WHEN TG_OP = 'INSERT' THEN 'initial stock' ELSE 'no reason given' END;
    END IF;
    INSERT INTO stock_movements (variant_id, delta, available, source, reason, api_key_id)
    VALUES (NEW.id, NEW.available - was, NEW.available, source, left(reason, 500), actor);

    IF TG_OP = 'UPDATE' AND NEW.archived_at IS NULL THEN
        SELECT coalesce(NEW.low_stock_threshold, s.low_stock_threshold) INTO threshold
        FROM inventory_settings s;
        IF OLD.available > threshold AND NEW.available <= threshold THEN
            SELECT p.slug INTO slug FROM products p WHERE p.id = NEW.product_id AND p.archived_at IS NULL;
            IF FOUND THEN
                -- The topic is meridian_store::outbox::topic::STOCK_LOW.
                INSERT INTO outbox (topic, payload)
                VALUES ('stock.low', jsonb_build_object('sku', NEW.sku, 'product_slug', slug,
                                                        'available', NEW.available, 'threshold', threshold));
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER variants_stock_movement
    AFTER UPDATE OF available ON variants
    FOR EACH ROW
    WHEN (NEW.available IS DISTINCT FROM OLD.available)
    EXECUTE FUNCTION variants_record_movement();

CREATE TRIGGER variants_initial_stock
    AFTER INSERT ON variants
    FOR EACH ROW
    WHEN (NEW.available <> 0)
    EXECUTE FUNCTION variants_record_movement();

-- The inventory feed names the supplier's SKU (`supplier_sku`, or ours for a variant that has none) and
-- looks live variants up by it.
CREATE INDEX variants_feed_key_idx ON variants ((coalesce(supplier_sku, sku))) WHERE archived_at IS NULL;

-- One row per inventory feed run: what it changed, and what it left alone and why (unknown SKUs, rows it
-- could not read), so an operator can see a supplier's feed going wrong.
CREATE TABLE inventory_feed_runs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feed_url     text NOT NULL,
    rows_read    integer NOT NULL,
    updated      integer NOT NULL,
    unchanged    integer NOT NULL,
    unknown      integer NOT NULL,
    skipped      integer NOT NULL,
    -- [{line, sku, reason}], bounded by the job; the counts are always exact.
    skipped_rows jsonb NOT NULL DEFAULT '[]',
    -- The first unknown SKUs, bounded by the job.
    unknown_skus text[] NOT NULL DEFAULT '{}',
    finished_at  timestamptz NOT NULL DEFAULT now()
);

-- Inventory scopes for admin API keys (meridian_store::api_keys::SCOPES).
ALTER TABLE api_keys DROP CONSTRAINT api_keys_scopes_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_check
    CHECK (scopes <@ ARRAY['orders:read', 'orders:write', 'inventory:read', 'inventory:write']::text[]);
