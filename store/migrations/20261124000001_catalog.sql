-- Catalog: categories, products and their variants. Supplier ids are kept so a re-sync updates in place.
CREATE TABLE categories (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL CHECK (name <> ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id  bigint UNIQUE,
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title        text NOT NULL CHECK (title <> ''),
    description  text NOT NULL DEFAULT '',
    vendor       text NOT NULL DEFAULT '',
    category_id  bigint NOT NULL REFERENCES categories (id),
    tags         text[] NOT NULL DEFAULT '{}',
    -- [{name, values}] and [{src, alt}]: always read and written whole with the product.
    options      jsonb NOT NULL DEFAULT '[]',
    images       jsonb NOT NULL DEFAULT '[]',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category_idx ON products (category_id, title);

CREATE TABLE variants (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id   bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    external_id  bigint UNIQUE,
    sku          text NOT NULL UNIQUE CHECK (sku <> ''),
    title        text NOT NULL,
    options      text[] NOT NULL DEFAULT '{}',
    position     integer NOT NULL DEFAULT 0,
    price_minor  bigint NOT NULL CHECK (price_minor >= 0),
    currency     text NOT NULL CHECK (currency IN ('USD', 'EUR', 'GBP')),
    -- Stock on hand; a CHECK rather than trust makes overselling impossible at the database.
    available    integer NOT NULL DEFAULT 0 CHECK (available >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX variants_product_idx ON variants (product_id, position);
