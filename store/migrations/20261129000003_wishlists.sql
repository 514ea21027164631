-- Products a shopper saved to their wishlist (issue 8). One row per account and product: saving twice is
-- saving once. An archived product stays listed (shown as no longer sold) until the shopper removes it.
CREATE TABLE wishlist_items (
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product_id  bigint NOT NULL REFERENCES products (id),
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, product_id)
);
