-- Issue 9: product images imported from the supplier into the store's own object storage. One row per
-- supplier URL: a changed URL is a new row (imported again), a URL seen before is never fetched twice.
-- 'imported': its sizes are stored under images/<digest>-<slot>.jpg (meridian_domain::images) and pages
-- show them; 'skipped': not an image we take (reason says why), looked at again after a while, and
-- meanwhile pages show no picture for it rather than hotlink the supplier.
CREATE TABLE product_images (
    source_url text PRIMARY KEY CHECK (source_url ~* '^https?://'),
    status     text NOT NULL CHECK (status IN ('imported', 'skipped')),
    -- The first 16 hex digits of the SHA-256 of the source bytes.
    digest     text CHECK (digest ~ '^[0-9a-f]{16}$'),
    -- The pixel width of each stored size, in slot order (never more than the source's width).
    widths     integer[] NOT NULL DEFAULT '{}',
    reason     text,
    checked_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'imported') = (digest IS NOT NULL)),
    CHECK ((status = 'skipped') = (reason IS NOT NULL))
);
