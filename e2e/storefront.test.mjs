// End-to-end: the whole stack (origin, jobs, supplier stand-in, wrangler dev) driven through Debian's
// chromium. Started by `cargo xtask test`, which passes BASE_URL (the edge) and ORIGIN_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, feed, launchBrowser, originHeaders, originRequests, pollUntil } from './support.mjs';

const cents = (price) => Math.round(Number(price) * 100);
const usd = (minor) => `$${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('the home page shows products from the supplier feed, by category', async () => {
  const page = await browser.newPage();
  const response = await page.goto(`${BASE}/`);
  assert.equal(response.status(), 200);
  const titles = await page.locator('.card-title').allTextContents();
  assert.ok(titles.length >= 12, `expected a product grid, saw ${titles.length} cards`);
  const feedTitles = new Set(feed.map((p) => p.title));
  for (const title of titles) assert.ok(feedTitles.has(title), `${title} comes from the feed`);
  const sections = await page.locator('.category-section h2').allTextContents();
  for (const type of new Set(feed.map((p) => p.product_type))) assert.ok(sections.includes(type), `${type} section`);
  await page.close();
});

test('a product page is server-rendered: name and price are there with JavaScript off', async () => {
  const product = feed.find((p) => p.variants.some((v) => v.available));
  const first = product.variants.find((v) => v.available);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const response = await page.goto(`${BASE}/p/${product.handle}`);
  assert.equal(response.status(), 200);
  assert.equal((await page.locator('h1').textContent()).trim(), product.title);
  assert.equal((await page.locator('.add-to-cart .price').textContent()).trim(), usd(cents(first.price)));
  assert.match(await page.locator('.add-to-cart .stock').textContent(), /In stock|Only \d+ left/);
  assert.ok(await page.locator('.product-media img').getAttribute('src'), 'product image');
  await context.close();
});

test('a shopper picks a variant, adds it to the cart and sees the origin-computed total', async () => {
  // A product whose second available variant costs something different from the first.
  const product = feed.find((p) => {
    const available = p.variants.filter((v) => v.available);
    return available.length >= 2 && available[0].price !== available[1].price;
  });
  const [a, b] = product.variants.filter((v) => v.available);
  const context = await browser.newContext();
  const page = await context.newPage();
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm'));
  await page.goto(`${BASE}/p/${product.handle}`);
  await wasm;
  // The picker only reacts once its island has hydrated: choose until the price follows the choice.
  await pollUntil(async () => {
    await page.selectOption('select[name=sku]', b.sku);
    return (await page.locator('.add-to-cart .price').textContent()).trim() === usd(cents(b.price));
  }, 'the island to hydrate and show the chosen variant price');
  await page.click('button[type=submit]');
  await page.locator('.status .ok').waitFor();
  assert.match(await page.locator('.status').textContent(), /Added to your cart/);
  await page.selectOption('select[name=sku]', a.sku);
  await page.click('button[type=submit]');
  await page.selectOption('select[name=sku]', b.sku);
  await page.click('button[type=submit]');
  await pollUntil(async () => (await cartJson(page))?.item_count === 3, 'three items in the cart');

  await page.goto(`${BASE}/cart`);
  const lines = page.locator('tr.cart-line');
  assert.equal(await lines.count(), 2);
  const bLine = page.locator(`tr.cart-line[data-sku="${b.sku}"]`);
  assert.equal(await bLine.locator('.qty input[name=quantity]').inputValue(), '2');
  assert.equal((await bLine.locator('.line-total').textContent()).trim(), usd(2 * cents(b.price)));
  const expected = 2 * cents(b.price) + cents(a.price);
  assert.equal((await page.locator('.subtotal').textContent()).trim(), usd(expected));
  const cart = await cartJson(page);
  assert.deepEqual(cart.subtotal, { minor: expected, currency: 'USD' }, 'the page shows the origin total');
  await context.close();
});

test('without JavaScript the add-to-cart form still works', async () => {
  const product = feed.find((p) => p.variants.some((v) => v.available));
  const variant = product.variants.find((v) => v.available);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE}/p/${product.handle}`);
  await page.selectOption('select[name=sku]', variant.sku);
  await Promise.all([page.waitForURL(`${BASE}/cart`), page.click('button[type=submit]')]);
  assert.equal(await page.locator(`tr.cart-line[data-sku="${variant.sku}"] .qty input[name=quantity]`).inputValue(), '1');
  await context.close();
});

test('a repeated page is served from the edge cache and says so, and catalog pages never reach the origin', async () => {
  assert.ok(process.env.ORIGIN_LOG, 'ORIGIN_LOG is set by cargo xtask test');
  const before = originRequests();
  // A category no other test visits, so its first view is a miss in a fresh stack (a hit when the suite is
  // re-run against the same catalog version: query strings no longer make new keys).
  const slug = feed.at(-1).product_type.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const first = await fetch(`${BASE}/c/${slug}`);
  const second = await fetch(`${BASE}/c/${slug}`);
  assert.equal(first.status, 200);
  assert.match(first.headers.get('x-meridian-cache'), /^(miss|hit)$/);
  assert.equal(second.headers.get('x-meridian-cache'), 'hit');
  assert.equal(await second.text(), await first.text());
  assert.ok(second.headers.get('x-request-id'), 'every response carries a request id');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(originRequests(), before, 'rendering and caching a catalog page made no origin request');
  // The same count does see origin traffic: a cart read goes through to the origin.
  await fetch(`${BASE}/api/cart`, { headers: { cookie: 'meridian_cart=00000000-0000-4000-8000-000000000000' } });
  await pollUntil(async () => originRequests() > before, 'the cart read to reach the origin log');
});

test('the edge catalog API answers from the snapshot exactly as the origin does', async () => {
  const ORIGIN = process.env.ORIGIN_URL;
  assert.ok(ORIGIN, 'ORIGIN_URL is set by cargo xtask test');
  for (const path of ['/api/catalog/categories', '/api/catalog/products?category=bags&per_page=3&page=2',
    `/api/catalog/products/${feed[3].handle}`]) {
    const [edge, origin] = await Promise.all([fetch(BASE + path), fetch(ORIGIN + path, { headers: originHeaders() })]);
    assert.equal(edge.status, 200, path);
    assert.deepEqual(await edge.json(), await origin.json(), path);
  }
  const again = await fetch(`${BASE}/api/catalog/products?category=bags&per_page=3&page=2`);
  assert.equal(again.headers.get('x-meridian-cache'), 'hit');
  const missing = await fetch(`${BASE}/api/catalog/products/no-such-product`);
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).message, /no product/);
  assert.equal((await fetch(`${BASE}/api/catalog/products?per_page=1000`)).status, 400);
});

test('an unknown product gets a real 404 page', async () => {
  const page = await browser.newPage();
  const response = await page.goto(`${BASE}/p/no-such-product`);
  assert.equal(response.status(), 404);
  assert.match(await page.locator('h1').textContent(), /Product not found/);
  await page.close();
});

test('bad cart writes are refused with a message and change nothing', async () => {
  const product = feed.find((p) => p.variants.some((v) => v.available));
  const sku = product.variants.find((v) => v.available).sku;
  const post = (body, cookie) => fetch(`${BASE}/api/cart/lines`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
  });
  const ok = await post(JSON.stringify({ sku, quantity: 1 }));
  assert.equal(ok.status, 200);
  const cookie = ok.headers.get('set-cookie').split(';')[0];
  for (const [body, status, message] of [
    [JSON.stringify({ sku, quantity: 50 }), 409, /Only \d+ left in stock/],
    [JSON.stringify({ sku, quantity: 99 }), 422, /at most 99/],
    [JSON.stringify({ sku: 'NO-SUCH-SKU', quantity: 1 }), 422, /no product with SKU/],
    [JSON.stringify({ sku, quantity: 0 }), 422, /between 1 and 99/],
    ['{not json', 400, /./],
  ]) {
    const response = await post(body, cookie);
    assert.equal(response.status, status, body);
    assert.match((await response.json()).message, message);
  }
  const cart = await (await fetch(`${BASE}/api/cart`, { headers: { cookie } })).json();
  assert.equal(cart.item_count, 1, 'only the valid add landed');
});

test('static assets have versioned names and are cached for a year', async () => {
  const html = await (await fetch(`${BASE}/p/${feed[0].handle}`)).text();
  const css = html.match(/href="(\/pkg\/[0-9a-f]{10}\/meridian\.css)"/)?.[1];
  const js = html.match(/href="\/pkg\/[0-9a-f]{10}\/meridian_app\.js"/);
  assert.ok(css && js, 'stylesheet and island bundle live under /pkg/<content hash>/');
  const response = await fetch(`${BASE}${css}`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('cache-control') ?? '', /immutable/);
});

async function cartJson(page) {
  return page.evaluate(async () => {
    const r = await fetch('/api/cart');
    return r.ok ? r.json() : null;
  });
}
