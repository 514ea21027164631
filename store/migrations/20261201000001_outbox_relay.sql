-- Issue 9: the outbox relay. A row is `sent_at` once the relay has put it on the queues of the jobs that
-- handle its topic (`jobs`, their names), and `done_at` once every one of them has a receipt. A row sent
-- but not done after a while is sent again (a Redis restart loses queued jobs; the outbox never does).
ALTER TABLE outbox
    ADD COLUMN jobs     text[] NOT NULL DEFAULT '{}',
    ADD COLUMN done_at  timestamptz;
-- Rows that were sent before the relay existed (nothing consumed them) are treated as done.
UPDATE outbox SET done_at = sent_at WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_pending_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL AND done_at IS NULL;

-- One receipt per (event, job): a job that finds its receipt does not run again, so a redelivered event
-- is handled once. `dead` receipts stop redelivery of a job that failed for good (its dead letter can
-- still be retried, which turns the receipt into `done`).
CREATE TABLE job_receipts (
    event_id  bigint NOT NULL,
    job       text NOT NULL,
    outcome   text NOT NULL CHECK (outcome IN ('done', 'dead')),
    at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, job)
);

-- Wakes the relay as soon as a transaction that wrote outbox rows commits (NOTIFY is delivered at
-- commit, never for a rollback); one notification per statement is enough, the relay drains in batches.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('meridian_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- What the edge shows of a product changed: its stock, price, or whether it is listed. One outbox row per
-- product per statement (transition tables), whatever path made the change (orders, expiry, refunds,
-- admin, sync, plain SQL), so the edge republishes just that product within a second of the commit.
CREATE FUNCTION variants_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (topic, payload)
    SELECT 'product.changed',
           jsonb_build_object('slug', p.slug,
                              'skus', jsonb_agg(DISTINCT n.sku),
                              'stock', bool_or(n.available IS DISTINCT FROM o.available),
                              'price', bool_or(n.price_minor IS DISTINCT FROM o.price_minor),
                              'listed', bool_or(n.archived_at IS DISTINCT FROM o.archived_at))
    FROM new_rows n
    JOIN old_rows o ON o.id = n.id
    JOIN products p ON p.id = n.product_id
    WHERE n.available IS DISTINCT FROM o.available
       OR n.price_minor IS DISTINCT FROM o.price_minor
       OR n.archived_at IS DISTINCT FROM o.archived_at
    GROUP BY p.slug;
    RETURN NULL;
END
$$;
CREATE TRIGGER variants_announce_change AFTER UPDATE ON variants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION variants_announce_change();

CREATE FUNCTION products_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (topic, payload)
    SELECT CASE WHEN n.archived_at IS NOT NULL AND o.archived_at IS NULL THEN 'product.archived'
                ELSE 'product.changed' END,
           jsonb_build_object('slug', n.slug, 'listed', n.archived_at IS DISTINCT FROM o.archived_at)
    FROM new_rows n
    JOIN old_rows o ON o.id = n.id
    WHERE (n.title, n.description, n.vendor, n.category_id, n.tags, n.options, n.images, n.archived_at)
          IS DISTINCT FROM
          (o.title, o.description, o.vendor, o.category_id, o.tags, o.options, o.images, o.archived_at);
    RETURN NULL;
END
$$;
CREATE TRIGGER products_announce_change AFTER UPDATE ON products
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION products_announce_change();

-- The catalog's last publish to the edge. Publishers take an advisory lock, so one runs at a time across
-- every worker; an edge-refresh job whose event was seen before the last publish's snapshot started
-- finds its change already published and skips, so a burst of changes coalesces into a few publishes.
CREATE TABLE edge_publishes (
    id                   boolean PRIMARY KEY DEFAULT true CHECK (id),
    version              text NOT NULL,
    -- When (database clock) the published snapshot began reading: it holds every change committed before.
    snapshot_started_at  timestamptz NOT NULL,
    published_at         timestamptz NOT NULL DEFAULT now()
);
