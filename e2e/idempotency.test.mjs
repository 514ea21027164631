// End-to-end: a retried add lands once. The same key sent twice (with or without a cart cookie) gives the
// same cart holding one item; the no-JS form gets a fresh key per page view; the island retries a lost
// request with its key.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, feed, launchBrowser, addToCart, cartCookie } from './support.mjs';

const sellable = feed.filter((p) => p.variants.some((v) => v.available));
const skuOf = (p) => p.variants.find((v) => v.available).sku;
const cartOf = async (cookie) => (await fetch(`${BASE}/api/cart`, { headers: { cookie } })).json();
const quantity = (cart, sku) => cart.lines.find((l) => l.sku === sku)?.quantity;

let browser;
after(async () => { await browser?.close(); });

test('the first add sent twice with one key makes one cart holding one item', async () => {
  const sku = skuOf(sellable[1]);
  const key = crypto.randomUUID();
  const first = await addToCart(sku, undefined, key);
  const retry = await addToCart(sku, undefined, key);
  assert.deepEqual([first.status, retry.status], [200, 200]);
  const [a, b] = [await first.json(), await retry.json()];
  assert.equal(b.id, a.id, 'the retry got the same cart, not a second one');
  assert.equal(cartCookie(retry), cartCookie(first));
  assert.equal(quantity(await cartOf(cartCookie(first)), sku), 1);
});

test('an add to an existing cart sent twice with one key adds once', async () => {
  const [sku, other] = [skuOf(sellable[1]), skuOf(sellable[2])];
  const cookie = cartCookie(await addToCart(sku));
  const key = crypto.randomUUID();
  assert.equal((await addToCart(other, cookie, key)).status, 200);
  assert.equal((await addToCart(other, cookie, key)).status, 200);
  const cart = await cartOf(cookie);
  assert.equal(quantity(cart, other), 1);
  assert.equal(cart.item_count, 2);
});

test('every view of a cached product page carries its own form key, and a resubmitted form adds once', async () => {
  const product = sellable[3];
  const keyIn = async () => {
    const html = await (await fetch(`${BASE}/p/${product.handle}`)).text();
    return html.match(/name="idempotency_key" value="([^"]+)"/)?.[1];
  };
  const [k1, k2] = [await keyIn(), await keyIn()];
  assert.match(k1, /^[0-9a-f-]{36}$/, 'a real key, not the placeholder');
  assert.notEqual(k1, k2);
  const sku = skuOf(product);
  const post = (cookie) => fetch(`${BASE}/cart/add`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ sku, quantity: '1', idempotency_key: k1 }),
    headers: { 'sec-fetch-site': 'same-origin', origin: BASE, ...(cookie ? { cookie } : {}) },
  });
  const first = await post();
  assert.equal(first.status, 303);
  const cookie = cartCookie(first);
  assert.equal((await post(cookie)).status, 303);
  assert.equal(quantity(await cartOf(cookie), sku), 1, 'the double submit added once');
});

test('the island retries a lost add with the same key and the item is added once', async () => {
  const product = sellable[4];
  browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const sent = [];
  let firstCart;
  await page.route('**/api/cart/lines', async (route) => {
    sent.push(route.request().headers()['idempotency-key']);
    if (sent.length === 1) {
      // The add reaches the store, but its answer (and so its cookie) is lost on the way back.
      firstCart = await (await route.fetch()).json();
      await context.clearCookies();
      await route.abort('failed');
    } else {
      await route.continue();
    }
  });
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm'));
  await page.goto(`${BASE}/p/${product.handle}`);
  await wasm;
  await page.locator('form.add-to-cart[data-hydrated]').waitFor();
  await page.click('button[type=submit]');
  await page.locator('.status span').waitFor();
  assert.equal(sent.length, 2, 'one retry');
  assert.equal(sent[1], sent[0], 'with the same key');
  assert.match(await page.locator('.status').textContent(), /Added to your cart/);
  const cart = await page.evaluate(async () => (await fetch('/api/cart')).json());
  assert.equal(cart.id, firstCart.id, 'the cart the lost answer created');
  assert.equal(quantity(cart, skuOf(product)), 1);
  await context.close();
});
