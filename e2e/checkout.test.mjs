// End-to-end: a shopper manages the cart, checks out as a guest and pays on the payment stand-in's hosted
// page; a declined card, an order that expires unpaid (its stock comes back), the whole purchase with
// JavaScript off, and an address the origin refuses. Started by `cargo xtask test` (BASE_URL, DATABASE_URL,
// PSP_URL, ORIGIN_URL, ORIGIN_SECRET).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BASE, feed, launchBrowser, originHeaders, originRequests, pollUntil } from './support.mjs';
import { waitForEmail } from './mail.mjs';

const PSP = process.env.PSP_URL;
const psql = (sql) => execFileSync('psql', [process.env.DATABASE_URL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql])
  .toString().trim();
const stock = (sku) => Number(psql(`SELECT available FROM variants WHERE sku = '${sku}'`));
/// "$1,234.56" or "-$5.00" → minor units.
const minor = (text) => Math.round(Number(text.replace(/[^0-9.-]/g, '')) * 100);
const text = async (page, selector) => (await page.locator(selector).first().textContent()).trim();

// Products of their own, away from the first ones (other files) and the last one (cart.test.mjs).
const sellable = feed.filter((p) => p.variants.some((v) => v.available)).slice(20, 30);
const skuOf = (p) => p.variants.find((v) => v.available).sku;

const ADDRESS = { name: 'Ada Lovelace', line1: '350 Fifth Avenue', city: 'New York', region: 'NY', postcode: '10118' };

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/// Adds `product` from its page: through the island when JavaScript runs, else the plain form.
async function addFromProductPage(page, product, js = true) {
  await page.goto(`${BASE}/p/${product.handle}`);
  if (js) {
    await page.locator('form.add-to-cart[data-hydrated]').waitFor();
    await page.click('form.add-to-cart button[type=submit]');
    await page.locator('.status .ok').waitFor();
  } else {
    await page.click('form.add-to-cart button[type=submit]');
    await page.waitForURL(`${BASE}/cart`);
  }
}

/// Fills and submits step 1 (contact and address) and step 2 (standard shipping); ends on the review.
async function checkoutAsGuest(page, email) {
  await page.goto(`${BASE}/checkout`);
  await page.fill('input[name=email]', email);
  for (const [field, value] of Object.entries(ADDRESS)) {
    if (field === 'region') await page.selectOption('select[name=region]', value);
    else await page.fill(`input[name=${field}]`, value);
  }
  await page.selectOption('select[name=country]', 'US');
  await page.click('form.details button[type=submit]');
  await page.waitForURL(`${BASE}/checkout/shipping`);
  await page.check('input[name=shipping_method][value=standard]');
  await page.click('form.shipping button[type=submit]');
  await page.waitForURL(`${BASE}/checkout/review`);
}

/// Pays on the stand-in's hosted page with `card`.
async function payWith(page, card) {
  await page.click('form.pay button[type=submit]');
  await page.locator('#payment-form').waitFor();
  if (PSP) assert.ok(page.url().startsWith(PSP), `on the provider's page, not ${page.url()}`);
  await page.fill('#payment-form input[name=card_number]', card);
  await page.fill('#payment-form input[name=exp]', '12/34');
  await page.fill('#payment-form input[name=cvc]', '123');
  await page.fill('#payment-form input[name=name]', ADDRESS.name);
  await page.click('#payment-form button:has-text("Pay")');
}

/// Waits on the order page (it reloads itself every 2 s) until its status says `expected`.
async function waitForStatus(page, expected, timeoutMs = 30000) {
  await pollUntil(async () => {
    const status = await page.locator('.order-status').textContent().catch(() => '');
    return expected.test(status ?? '');
  }, `the order page to say ${expected}`, timeoutMs);
}

/// The amounts of the review or order page, in minor units.
async function amounts(page) {
  const read = async (cls) => ((await page.locator(`.amounts .${cls}`).count())
    ? minor(await text(page, `.amounts .${cls}`)) : 0);
  return {
    subtotal: await read('subtotal'), discount: await read('discount'), shipping: await read('shipping'),
    tax: await read('tax'), total: await read('total'),
  };
}

test('a shopper changes the cart, checks out with a promo code, pays and sees the order confirmed', async () => {
  const [a, b] = sellable;
  const context = await browser.newContext();
  const page = await context.newPage();
  await addFromProductPage(page, a);
  await addFromProductPage(page, b);
  await page.goto(`${BASE}/`);
  assert.equal(await text(page, '.cart-count'), '2', 'the header counts on a cached catalog page');

  await page.goto(`${BASE}/cart`);
  const lineA = page.locator(`tr.cart-line[data-sku="${skuOf(a)}"]`);
  await lineA.locator('input[name=quantity]').fill('3');
  await lineA.locator('button.update').click();
  await page.waitForURL(`${BASE}/cart`);
  assert.equal(await lineA.locator('input[name=quantity]').inputValue(), '3');
  assert.equal(await text(page, '.cart-count'), '4');
  await page.locator(`tr.cart-line[data-sku="${skuOf(b)}"] button.remove`).click();
  await page.waitForURL(`${BASE}/cart`);
  assert.equal(await page.locator('tr.cart-line').count(), 1);
  assert.equal(await text(page, '.cart-count'), '3');

  await page.click('a.checkout');
  await checkoutAsGuest(page, 'ada@example.com');
  const before = await amounts(page);
  assert.equal(before.discount, 0);
  await page.fill('form.promo input[name=promo_code]', 'welcome10');
  await page.click('form.promo button[type=submit]');
  await page.waitForURL(`${BASE}/checkout/review`);
  assert.equal(await text(page, '.promo-code'), 'WELCOME10');
  const review = await amounts(page);
  assert.equal(review.subtotal, before.subtotal);
  assert.equal(review.discount, -Math.round(review.subtotal / 10), '10 % off the subtotal');
  assert.equal(review.total, review.subtotal + review.discount + review.shipping + review.tax);
  assert.match(await text(page, '.amounts tr:nth-child(4) th'), /Sales tax \(NY\)/);

  await payWith(page, '4242 4242 4242 4242');
  await page.waitForURL(/\/orders\/[0-9a-f]{64}$/);
  await waitForStatus(page, /Payment confirmed/);
  assert.match(await text(page, '.order-number'), /^M-\d+$/);
  assert.deepEqual(await amounts(page), review, 'the order keeps the amounts the review showed');
  assert.equal(await text(page, '.cart-count'), '', 'the paid cart is empty');
  const response = await page.reload();
  assert.equal(response.headers()['referrer-policy'], 'no-referrer');
  assert.match(response.headers()['cache-control'], /no-store/);

  // The confirmation email reaches the captured mailbox (outbox → relay → send-email → SMTP), once.
  const number = await text(page, '.order-number');
  const total = await text(page, '.amounts .total');
  const [mail, ...more] = await waitForEmail('ada@example.com', (m) => m.subject.includes(number));
  assert.equal(mail.subject, `Order ${number} confirmed: ${total}`);
  assert.ok(mail.text.includes(`Total: ${total}`), mail.text);
  assert.ok(mail.html.includes(total), 'the HTML part carries the total too');
  assert.ok(mail.text.includes(page.url()), 'the email links to the order page');
  assert.equal(more.length, 0, 'one confirmation per order');
  await context.close();
});

test('a declined card returns to the review saying so; unpaid, the order expires and its stock comes back', async () => {
  const product = sellable[2];
  const sku = skuOf(product);
  const context = await browser.newContext();
  const page = await context.newPage();
  await addFromProductPage(page, product);
  await checkoutAsGuest(page, 'grace@example.com');
  const shelf = stock(sku);
  await payWith(page, '4000 0000 0000 0002');
  assert.match(await text(page, '.error[role=alert]'), /declined/);
  assert.equal(stock(sku), shelf - 1, 'the unpaid order holds the item');

  await page.click('a.return');
  await page.waitForURL(/\/checkout\/review\?order=[0-9a-f]{64}$/);
  const token = new URL(page.url()).searchParams.get('order');
  // The decline reaches the origin by webhook: reload until the review can say it.
  await pollUntil(async () => {
    await page.reload();
    return /declined/.test(await page.locator('[role=alert]').textContent().catch(() => ''));
  }, 'the review to show the decline');
  assert.equal(await page.locator('form.pay input[name=order]').inputValue(), token, 'Pay would pay that order again');
  const [declined] = await waitForEmail('grace@example.com', (m) => /did not go through/.test(m.subject));
  assert.ok(declined.text.includes(`/checkout/review?order=${token}`), 'the email leads back to paying');

  psql(`UPDATE orders SET expires_at = now() WHERE token = '${token}'`);
  await page.goto(`${BASE}/orders/${token}`);
  await waitForStatus(page, /[Ee]xpired/);
  await pollUntil(async () => stock(sku) === shelf, 'the stock to come back');
  await context.close();
});

test('the whole purchase works with JavaScript off', async () => {
  const product = sellable[3];
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await addFromProductPage(page, product, false);
  assert.equal(await text(page, '.cart-count'), '1');
  const line = page.locator('tr.cart-line');
  await line.locator('input[name=quantity]').fill('2');
  await line.locator('button.update').click();
  await page.waitForURL(`${BASE}/cart`);
  assert.equal(await text(page, '.cart-count'), '2');
  await page.click('a.checkout');
  await checkoutAsGuest(page, 'no-js@example.com');
  const review = await amounts(page);
  await payWith(page, '4242424242424242');
  await page.waitForURL(/\/orders\/[0-9a-f]{64}$/);
  await waitForStatus(page, /Payment confirmed/);
  assert.equal((await amounts(page)).total, review.total);
  await context.close();
});

test('an address the origin refuses is shown again with each field to fix, and nothing is saved', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await addFromProductPage(page, sellable[4]);
  await page.goto(`${BASE}/checkout`);
  await page.fill('input[name=email]', 'typo@example.com');
  await page.fill('input[name=name]', ADDRESS.name);
  await page.fill('input[name=line1]', ADDRESS.line1);
  await page.selectOption('select[name=region]', 'NY');
  await page.fill('input[name=postcode]', '1011');
  const answer = page.waitForResponse((r) => r.url() === `${BASE}/checkout` && r.request().method() === 'POST');
  await page.click('form.details button[type=submit]');
  assert.equal((await answer).status(), 422);
  assert.match(await text(page, '.field-error[data-field=postcode]'), /postcode/i);
  assert.match(await text(page, '.field-error[data-field=city]'), /city/i);
  assert.equal(await page.locator('.field-error[data-field=name]').count(), 0);
  assert.equal(await page.inputValue('input[name=name]'), ADDRESS.name, 'what was typed is kept');
  assert.equal(await page.inputValue('input[name=postcode]'), '1011');

  const cookie = (await context.cookies(BASE)).find((c) => c.name === 'meridian_cart');
  const origin = process.env.ORIGIN_URL;
  const saved = await (await fetch(`${origin}/api/carts/${cookie.value}/checkout`, { headers: originHeaders() })).json();
  assert.equal(saved.email, null, 'nothing was saved');
  assert.equal(saved.address, null);
  await page.goto(`${BASE}/checkout/shipping`);
  assert.equal(page.url(), `${BASE}/checkout`, 'the shipping step still needs an address');
  await context.close();
});

test('order links and checkout forms refuse what is not ours', async () => {
  const seen = originRequests();
  for (const bad of ['abc', 'A'.repeat(64), `${'0'.repeat(63)}g`]) {
    assert.equal((await fetch(`${BASE}/orders/${bad}`)).status, 404, bad);
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(originRequests(), seen, 'a malformed token costs no origin call');
  const unknown = await fetch(`${BASE}/orders/${'0'.repeat(64)}`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers.get('referrer-policy'), 'no-referrer');
  const crossSite = await fetch(`${BASE}/checkout/pay`, {
    method: 'POST', body: 'idempotency_key=x', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
  });
  assert.equal(crossSite.status, 403);
  const noCart = await fetch(`${BASE}/checkout`, { redirect: 'manual' });
  assert.equal(noCart.status, 303);
  assert.equal(noCart.headers.get('location'), '/cart');
});
