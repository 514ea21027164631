-- Real supplier feeds: any ISO 4217 currency, the supplier's own SKU kept apart from ours, and why each run
-- skipped what it skipped.

-- The code is validated against ISO 4217 (with its minor units) by `domain::Currency` before it is written.
ALTER TABLE variants DROP CONSTRAINT variants_currency_check;
ALTER TABLE variants ADD CONSTRAINT variants_currency_check CHECK (currency ~ '^[A-Z]{3}$');

-- Our `sku` is fixed when a variant is first imported (carts and orders name it); the supplier's SKU may be
-- empty, repeated or renamed, so it is kept here as supplier data.
ALTER TABLE variants ADD COLUMN supplier_sku text;
UPDATE variants SET supplier_sku = sku WHERE external_id IS NOT NULL;

-- [{product_id, variant_id?, reason}], bounded by the job: what the run left out or shortened, and why.
ALTER TABLE sync_runs ADD COLUMN skipped_reasons jsonb NOT NULL DEFAULT '[]';
