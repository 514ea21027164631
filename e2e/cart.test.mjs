// End-to-end: what a shopper sees when the shop stops selling something already in their cart. The
// product is archived in the stack's database (as product-sync does when the supplier drops it) and
// restored afterwards.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BASE, feed, launchBrowser, addToCart } from './support.mjs';

const DATABASE_URL = process.env.DATABASE_URL;
const psql = (sql) => execFileSync('psql', [DATABASE_URL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]);

let browser;
after(async () => { await browser?.close(); });

test('a discontinued product stays in the cart, named, but out of the total and no longer addable', async () => {
  assert.ok(DATABASE_URL, 'DATABASE_URL is set by cargo xtask test');
  // The last sellable product: the other end-to-end tests use the first ones.
  const product = feed.findLast((p) => p.variants.some((v) => v.available));
  const sku = product.variants.find((v) => v.available).sku;
  const added = await addToCart(sku);
  assert.equal(added.status, 200);
  const cookie = added.headers.get('set-cookie').split(';')[0];

  psql(`UPDATE products SET archived_at = now() WHERE external_id = ${product.id}`);
  try {
    const refused = await addToCart(sku, cookie);
    assert.equal(refused.status, 422);
    assert.match((await refused.json()).message, /no longer sold/);

    browser = await launchBrowser();
    const context = await browser.newContext();
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, url: BASE }]);
    const page = await context.newPage();
    await page.goto(`${BASE}/cart`);
    assert.match(await page.locator('.empty').textContent(), /Your cart is empty/);
    const notice = page.locator('.unavailable');
    assert.match(await notice.textContent(), /No longer available, and not counted in your total/);
    const line = await notice.locator(`li[data-sku="${sku}"]`).textContent();
    assert.ok(line.startsWith(product.title) && line.endsWith('× 1'), line);
  } finally {
    psql(`UPDATE products SET archived_at = NULL WHERE external_id = ${product.id}`);
  }
  const cart = await (await fetch(`${BASE}/api/cart`, { headers: { cookie } })).json();
  assert.equal(cart.item_count, 1, 'sold again, the line counts again');
  assert.deepEqual(cart.unavailable, []);
});
