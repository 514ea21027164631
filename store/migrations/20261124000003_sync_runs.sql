-- One row per finished product sync: what it changed and which catalog version it published.
-- Lets operators (and the dev/test tooling) see when the catalog last refreshed.
CREATE TABLE sync_runs (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source             text NOT NULL,
    created            integer NOT NULL,
    updated            integer NOT NULL,
    unchanged          integer NOT NULL,
    skipped            integer NOT NULL,
    published_version  text,
    finished_at        timestamptz NOT NULL DEFAULT now()
);
