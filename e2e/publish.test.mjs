// End-to-end: the edge's catalog as the jobs keep it, against the real KV of `wrangler dev`.
// - The publish endpoint as the jobs call it: the token, what it serves (GET), a batch that adds one
//   document, a snapshot older than the served one refused.
// - Purge after commit: a change made in Postgres (any path: here plain SQL) is on the edge within seconds,
//   through the outbox relay and the edge-refresh job, while the pages of other products stay cached.
// Every test leaves the catalog as it found it, for the storefront tests that compare edge and origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { pollUntil } from './support.mjs';

const BASE = process.env.BASE_URL;
const TOKEN = process.env.PUBLISH_TOKEN;
const psql = (sql) => execFileSync('psql', [process.env.DATABASE_URL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]).toString().trim();

async function json(path) {
  const response = await fetch(BASE + path);
  assert.equal(response.status, 200, path);
  return response.json();
}

const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

async function serving() {
  const response = await fetch(`${BASE}/_meridian/publish`, { headers: auth() });
  assert.equal(response.status, 200);
  return response.json();
}

function post(batch, token = TOKEN) {
  return fetch(`${BASE}/_meridian/publish`, {
    method: 'POST',
    headers: { ...auth(token), 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
}

/// The live index, rebuilt from the edge's own API and what it says it serves.
async function liveIndex(state) {
  const categories = await json('/api/catalog/categories');
  const cards = [];
  for (let page = 1; ; page += 1) {
    const { items, total } = await json(`/api/catalog/products?per_page=100&page=${page}`);
    cards.push(...items);
    if (cards.length >= total || items.length === 0) break;
  }
  return { categories, cards, documents: state.documents, shell: 'e2eshell' };
}

test('the publish endpoint takes only new documents, with the token, and never an older snapshot', async () => {
  assert.ok(BASE && TOKEN, 'BASE_URL and PUBLISH_TOKEN are set by cargo xtask test');
  assert.equal((await fetch(`${BASE}/_meridian/publish`)).status, 401);
  assert.equal((await fetch(`${BASE}/_meridian/publish`, { headers: auth('not-the-token') })).status, 401);
  const state = await serving();
  assert.ok(state.version && state.documents.length >= 60, 'the demo catalog is published');
  const index = await liveIndex(state);
  const [first] = state.documents;
  const product = await json(`/api/catalog/products/${first.slug}`);
  const renamed = { ...product, title: `${product.title} (publish test)` };
  const documents = state.documents.map((d) => (d.slug === first.slug ? { ...d, digest: 'e2erenamed' } : d));
  const batch = (version, sequence, extra = {}) => ({
    version, sequence, documents: [{ digest: 'e2erenamed', product: renamed }],
    index: { ...index, documents }, ...extra,
  });

  assert.equal((await post(batch('e2eevil', state.sequence + 1), 'not-the-token')).status, 401);
  assert.equal((await post(batch('not/alphanumeric', state.sequence + 1))).status, 422);
  const unsorted = batch('e2eunsorted', state.sequence + 1, { index: { ...index, documents: [...documents].reverse() } });
  assert.equal((await post(unsorted)).status, 422, 'the index must list documents by slug');

  const receipt = await post(batch('e2enew', state.sequence + 1));
  assert.equal(receipt.status, 200);
  assert.deepEqual(await receipt.json(), { version: 'e2enew', documents: 2, pruned: 0 },
    'one new document and the index: nothing else is written');
  assert.equal((await json(`/api/catalog/products/${first.slug}`)).title, renamed.title);
  const other = state.documents[1].slug;
  assert.deepEqual(await json(`/api/catalog/products/${other}`), await json(`/api/catalog/products/${other}`));

  const stale = await post(batch('e2eold', state.sequence));
  assert.equal(stale.status, 409, 'a snapshot older than the served one is refused');
  assert.match((await stale.json()).message, /older than the one being served/);
  assert.equal((await serving()).version, 'e2enew');

  // Back to what was served: its documents were retired, not deleted (a reader may still use them).
  const restore = await post({ version: 'e2erestored', sequence: state.sequence + 2, documents: [], index: { ...index, documents: state.documents } });
  assert.equal(restore.status, 200);
  assert.deepEqual(await json(`/api/catalog/products/${first.slug}`), product);
});

test('a change committed in Postgres is on the edge within seconds; other products stay cached', async () => {
  assert.ok(process.env.DATABASE_URL, 'DATABASE_URL is set by cargo xtask test');
  const state = await serving();
  const [changed, untouched] = await Promise.all(state.documents.slice(2, 4).map((d) => json(`/api/catalog/products/${d.slug}`)));
  const sku = changed.variants[0].sku;
  const price = changed.variants[0].price.minor;
  // Warm the untouched product's page.
  await fetch(`${BASE}/p/${untouched.slug}`);
  assert.equal((await fetch(`${BASE}/p/${untouched.slug}`)).headers.get('x-meridian-cache'), 'hit');

  const started = Date.now();
  psql(`UPDATE variants SET price_minor = ${price + 123} WHERE sku = '${sku}'`);
  const priceNow = async () => (await json(`/api/catalog/products/${changed.slug}`)).variants[0].price.minor;
  await pollUntil(async () => (await priceNow()) === price + 123, 'the new price at the edge', 10000);
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 5000, `visible after ${elapsed} ms`);
  const cards = (await json(`/api/catalog/products?category=${changed.category.slug}&per_page=100`)).items;
  const card = cards.find((c) => c.slug === changed.slug);
  assert.ok(card, 'the card is listed');
  assert.ok(card.price_from.minor <= price + 123, 'the listing was re-rendered from the new snapshot');
  assert.equal((await fetch(`${BASE}/p/${untouched.slug}`)).headers.get('x-meridian-cache'), 'hit',
    "another product's page is still served from the cache");

  psql(`UPDATE products SET archived_at = now() WHERE slug = '${changed.slug}'`);
  await pollUntil(async () => (await fetch(`${BASE}/p/${changed.slug}`)).status === 404, 'the archived product gone from the edge', 10000);
  psql(`UPDATE products SET archived_at = NULL WHERE slug = '${changed.slug}'`);
  psql(`UPDATE variants SET price_minor = ${price} WHERE sku = '${sku}'`);
  await pollUntil(async () => (await fetch(`${BASE}/api/catalog/products/${changed.slug}`)).status === 200
    && (await priceNow()) === price, 'the product back as it was', 10000);
});
