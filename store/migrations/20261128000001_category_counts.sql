-- How many live products each category has (a live product: not archived, with a live variant; the
-- `live_products` view). Kept by the catalog writes (store::catalog::counts) in their own transaction, so
-- listings page by category without scanning the catalog: a listing's total and where a page starts are
-- read from these counts, and only the page's own rows are fetched, in title order, from
-- products_live_category_idx.
ALTER TABLE categories
    ADD COLUMN live_products integer NOT NULL DEFAULT 0 CHECK (live_products >= 0);

UPDATE categories c SET live_products = x.n
FROM (SELECT c2.id, count(p.id) AS n
      FROM categories c2 LEFT JOIN live_products p ON p.category_id = c2.id
      GROUP BY c2.id) x
WHERE x.id = c.id;
