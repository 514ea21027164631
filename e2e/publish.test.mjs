// End-to-end: the edge's publish endpoint as the product-sync job calls it, against the real KV of
// `wrangler dev`. Re-publishes the live catalog under new versions (same content, so the store is left as
// it was) and checks that old snapshots are pruned while the previous one is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const BASE = process.env.BASE_URL;
const TOKEN = process.env.PUBLISH_TOKEN;

async function json(path) {
  const response = await fetch(BASE + path);
  assert.equal(response.status, 200, path);
  return response.json();
}

/// The live catalog, read back through the edge's own API: the same documents the job published.
async function liveCatalog() {
  const categories = await json('/api/catalog/categories');
  const cards = [];
  for (let page = 1; ; page += 1) {
    const { items, total } = await json(`/api/catalog/products?per_page=100&page=${page}`);
    cards.push(...items);
    if (cards.length >= total || items.length === 0) break;
  }
  const products = await Promise.all(cards.map((c) => json(`/api/catalog/products/${c.slug}`)));
  return { categories, cards, products };
}

function publish({ categories, cards, products }, version, token = TOKEN) {
  return fetch(`${BASE}/_meridian/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ version, index: { categories, cards }, products }),
  });
}

test('publishing needs the token and keeps only the current and the previous snapshot', async () => {
  assert.ok(BASE && TOKEN, 'BASE_URL and PUBLISH_TOKEN are set by cargo xtask test');
  const catalog = await liveCatalog();
  assert.ok(catalog.products.length >= 60, 'the demo catalog is live');
  const documents = catalog.products.length + 1;

  const refused = await publish(catalog, 'e2eevil', 'not-the-token');
  assert.equal(refused.status, 401);
  const bad = await publish(catalog, 'not/alphanumeric');
  assert.equal(bad.status, 422);

  const receipt = async (version) => {
    const response = await publish(catalog, version);
    assert.equal(response.status, 200, version);
    return response.json();
  };
  // The job's own snapshot is the previous one here, so nothing is old enough to go yet.
  assert.deepEqual(await receipt('e2ea'), { version: 'e2ea', documents, pruned: 0 });
  // Now the job's snapshot is two behind: all of its documents go.
  assert.deepEqual(await receipt('e2eb'), { version: 'e2eb', documents, pruned: documents });
  assert.deepEqual(await receipt('e2eb'), { version: 'e2eb', documents, pruned: 0 },
    'publishing the current version again prunes nothing');
  assert.deepEqual(await receipt('e2ec'), { version: 'e2ec', documents, pruned: documents });

  // The store reads the new version: a fresh cache key (miss), the same content.
  const slug = catalog.products[0].slug;
  const page = await fetch(`${BASE}/p/${slug}`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('x-meridian-cache'), 'miss');
  assert.deepEqual(await json(`/api/catalog/products/${slug}`), catalog.products[0]);
});
