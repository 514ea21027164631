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

/// One publish call; `commit: false` sends a batch that only stores products.
function publish({ categories, cards, products }, version, { token = TOKEN, commit = true } = {}) {
  const index = commit ? { categories, cards } : undefined;
  return fetch(`${BASE}/_meridian/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ version, index, products }),
  });
}

test('publishing needs the token and keeps only the current and the previous snapshot', async () => {
  assert.ok(BASE && TOKEN, 'BASE_URL and PUBLISH_TOKEN are set by cargo xtask test');
  const catalog = await liveCatalog();
  assert.ok(catalog.products.length >= 60, 'the demo catalog is live');
  const documents = catalog.products.length + 1;

  const refused = await publish(catalog, 'e2eevil', { token: 'not-the-token' });
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

test('a catalog sent in batches switches readers only when the last batch commits', async () => {
  const catalog = await liveCatalog();
  const [first, ...rest] = catalog.products;
  const renamed = { ...first, title: `${first.title} (batch test)` };
  // A Shopify product without options: one variant titled "Default Title", and a plain-text description.
  const single = {
    ...first, slug: 'e2e-default-title', title: 'Single Variant',
    options: [{ name: 'Title', values: ['Default Title'] }],
    variants: [{ ...first.variants[0], title: 'Default Title', options: ['Default Title'] }],
    description: 'First paragraph.\nIts second line.\n\n• One\n• Two',
  };
  const changed = { ...catalog, products: [renamed, ...rest, single] };
  const split = 30;
  const send = async (version, products, commit) => {
    const response = await publish({ ...changed, products }, version, { commit });
    assert.equal(response.status, 200);
    return response.json();
  };
  const stored = await send('e2ebatch', changed.products.slice(0, split), false);
  assert.deepEqual(stored, { version: 'e2ebatch', documents: split, pruned: 0 });
  const title = async () => (await json(`/api/catalog/products/${first.slug}`)).title;
  assert.equal(await title(), first.title, 'readers stay on the committed version');
  const committed = await send('e2ebatch', changed.products.slice(split), true);
  assert.equal(committed.documents, changed.products.length - split + 1);
  assert.equal(await title(), renamed.title, 'the last batch switched every reader');
  assert.deepEqual(await json(`/api/catalog/products/${rest.at(-1).slug}`), rest.at(-1));
  const html = await (await fetch(`${BASE}/p/${single.slug}`)).text();
  assert.doesNotMatch(html, /<select/, 'no picker for a Default Title product');
  assert.match(html, new RegExp(`<input type="hidden" name="sku" value="${single.variants[0].sku}"`));
  assert.match(html, /<div class="description"><p>First paragraph.\nIts second line.<\/p><p>• One\n• Two<\/p>(<!>)?<\/div>/);

  const tooMany = Array.from({ length: 401 }, (_, i) => ({ ...first, slug: `bulk-${i}` }));
  assert.equal((await publish({ ...catalog, products: tooMany }, 'e2ebulk', { commit: false })).status, 413);

  // Put the live catalog back exactly, for the storefront tests that compare the edge with the origin.
  assert.equal((await publish(catalog, 'e2erestored')).status, 200);
  assert.equal(await title(), first.title);
});
