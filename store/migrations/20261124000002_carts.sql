-- Carts and their lines. Prices are not stored on lines: totals are computed from current variant prices.
CREATE TABLE carts (
    id          uuid PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cart_lines (
    cart_id     uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id  bigint NOT NULL REFERENCES variants (id),
    quantity    integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cart_id, variant_id)
);

-- Writes forwarded by the edge carry an Idempotency-Key; a retried key is answered, not applied again.
CREATE TABLE idempotency_keys (
    key         text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
    scope       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
