-- Products and variants the supplier stops listing are archived, not deleted: carts (and later orders)
-- still reference them, and a supplier that lists them again brings them back with their stock intact.
ALTER TABLE products ADD COLUMN archived_at timestamptz;
ALTER TABLE variants ADD COLUMN archived_at timestamptz;

-- Storefront reads only ever look at live rows.
CREATE INDEX products_live_category_idx ON products (category_id, title) WHERE archived_at IS NULL;
CREATE INDEX variants_live_product_idx ON variants (product_id, position) WHERE archived_at IS NULL;

ALTER TABLE sync_runs ADD COLUMN archived integer NOT NULL DEFAULT 0;

-- What the storefront may show: one definition, so listings, counts and snapshots cannot disagree.
CREATE VIEW live_products AS
    SELECT p.* FROM products p
    WHERE p.archived_at IS NULL
      AND EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.archived_at IS NULL);
