// End-to-end: shopper accounts. Signing up, out and in; a saved address that checkout starts from; the
// order in the account's history; sessions verified at the edge (a forged or expired token never reaches
// the origin); CSRF on signed-in forms; no personal data in the shared page cache; and the edge's rate
// limit on sign-in. Started by `cargo xtask test` (BASE_URL, ORIGIN_LOG, SESSION_SIGNING_KEY, PSP_URL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, sign, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { BASE, feed, launchBrowser, originRequests, pollUntil } from './support.mjs';
import { waitForEmail } from './mail.mjs';

const PASSWORD = 'correct horse battery staple';
// Products of their own, away from those of the other files.
const sellable = feed.filter((p) => p.variants.some((v) => v.available)).slice(32, 40);
/// A fresh address per test: reruns against the same database never collide.
const email = (who) => `${who}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;
const psql = (sql) => execFileSync('psql', [process.env.DATABASE_URL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql])
  .toString().trim();
const text = async (page, selector) => (await page.locator(selector).first().textContent()).trim();

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function signUp(page, address) {
  await page.goto(`${BASE}/account/sign-up`);
  await page.fill('input[name=email]', address);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form button[type=submit]');
  await page.waitForURL(`${BASE}/account?done=welcome`);
}

async function signIn(page, address, password = PASSWORD) {
  await page.goto(`${BASE}/account/sign-in`);
  await page.fill('input[name=email]', address);
  await page.fill('input[name=password]', password);
  return Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')])
    .then(([response]) => response);
}

async function addFromProductPage(page, product) {
  await page.goto(`${BASE}/p/${product.handle}`);
  await page.locator('form.add-to-cart[data-hydrated]').waitFor();
  await page.click('form.add-to-cart button[type=submit]');
  await page.locator('.status .ok').waitFor();
}

/// Checkout from step 1 as it is pre-filled (or as the test `typed` it), standard shipping, then pay on
/// the stand-in; the order's number.
async function buyAsFilled(page, { typed = false } = {}) {
  if (!typed) await page.goto(`${BASE}/checkout`);
  await page.click('form.details button[type=submit]');
  await page.waitForURL(`${BASE}/checkout/shipping`);
  await page.check('input[name=shipping_method][value=standard]');
  await page.click('form.shipping button[type=submit]');
  await page.waitForURL(`${BASE}/checkout/review`);
  await page.click('form.pay button[type=submit]');
  await page.locator('#payment-form').waitFor();
  await page.fill('#payment-form input[name=card_number]', '4242 4242 4242 4242');
  await page.fill('#payment-form input[name=exp]', '12/34');
  await page.fill('#payment-form input[name=cvc]', '123');
  await page.fill('#payment-form input[name=name]', 'Zoë Ångström-Nakamura');
  await page.click('#payment-form button:has-text("Pay")');
  await page.waitForURL(/\/orders\/[0-9a-f]{64}$/);
  await pollUntil(async () => /Payment confirmed/.test(await page.locator('.order-status').textContent()),
    'the payment to be confirmed', 30000);
  return text(page, '.order-number');
}

test('a shopper signs up, out and in, saves an address, buys with it and finds the order in the history', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/account`);
  assert.equal(page.url(), `${BASE}/account/sign-in`, 'signed out, the account page asks to sign in');

  const address = email('zoë');
  await signUp(page, address);
  assert.equal(await text(page, '.account-email'), address);
  const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c]));
  for (const name of ['meridian_session', 'meridian_refresh']) {
    assert.ok(cookies[name], `${name} is set`);
    assert.equal(cookies[name].httpOnly, true, `${name} is HttpOnly`);
    assert.equal(cookies[name].sameSite, 'Lax', `${name} is SameSite=Lax`);
  }

  await page.click('form.sign-out button[type=submit]');
  await page.waitForURL(`${BASE}/`);
  await page.goto(`${BASE}/account`);
  assert.equal(page.url(), `${BASE}/account/sign-in`, 'signed out again');
  const wrong = await signIn(page, address, 'not the password at all');
  assert.equal(wrong.status(), 401);
  assert.match(await text(page, '.form-errors'), /email or password is not right/);
  await signIn(page, address);
  assert.equal(page.url(), `${BASE}/account`);

  await page.goto(`${BASE}/account/addresses`);
  const saved = { name: 'Zoë Ångström-Nakamura', line1: '1 Infinite Loop', city: 'Cupertino', postcode: '95014' };
  for (const [field, value] of Object.entries(saved)) await page.fill(`input[name=${field}]`, value);
  await page.selectOption('select[name=country]', 'US');
  await page.click('form button:has-text("Save address")');
  assert.equal(page.url(), `${BASE}/account/addresses`, 'a refusal stays on the page (422)');
  assert.match(await text(page, '.field-error[data-field=region]'), /.+/, 'the state is required for the US');
  await page.selectOption('select[name=region]', 'CA');
  await Promise.all([page.waitForURL(`${BASE}/account/addresses`), page.click('form button:has-text("Save address")')]);
  assert.match(await text(page, '.saved-address .address'), /Zoë Ångström-Nakamura/);

  await addFromProductPage(page, sellable[0]);
  await page.goto(`${BASE}/checkout`);
  assert.equal(await page.inputValue('input[name=email]'), address, 'checkout starts from the account');
  assert.equal(await page.inputValue('input[name=line1]'), saved.line1, 'and its saved address');
  const number = await buyAsFilled(page);

  await page.goto(`${BASE}/account/orders`);
  const row = page.locator(`tr.history-order[data-number="${number}"]`);
  assert.equal(await row.count(), 1, `order ${number} is in the history`);
  await row.locator('a').click();
  await page.waitForURL(`${BASE}/account/orders/${number}`);
  assert.equal(await text(page, '.order-number'), number);
  await context.close();
});

test('a guest cart joins the account at sign-in, and another account cannot open the order', async () => {
  const owner = await browser.newContext();
  const page = await owner.newPage();
  const address = email('merge');
  await signUp(page, address);
  await page.click('form.sign-out button[type=submit]');
  await page.waitForURL(`${BASE}/`);
  await addFromProductPage(page, sellable[1]);
  await signIn(page, address);
  const cart = await (await page.request.get(`${BASE}/api/cart`)).json();
  assert.ok(cart.lines.some((l) => l.sku === sellable[1].variants.find((v) => v.available).sku),
    'the guest cart is the account cart now');

  await page.goto(`${BASE}/account/addresses`);
  for (const [field, value] of Object.entries({ name: 'Merge Test', line1: '2 Main St', city: 'Austin', postcode: '73301' })) {
    await page.fill(`input[name=${field}]`, value);
  }
  await page.selectOption('select[name=country]', 'US');
  await page.selectOption('select[name=region]', 'TX');
  await Promise.all([page.waitForURL(`${BASE}/account/addresses`), page.click('form button:has-text("Save address")')]);
  const number = await buyAsFilled(page);

  const other = await browser.newContext();
  const intruder = await other.newPage();
  await signUp(intruder, email('intruder'));
  const response = await intruder.goto(`${BASE}/account/orders/${number}`);
  assert.equal(response.status(), 404, "another account's order is not found");
  assert.doesNotMatch(await intruder.content(), new RegExp(address.replace(/[.+]/g, '\\$&')));
  await Promise.all([owner.close(), other.close()]);
});

// A PASETO v4.public token signed with the stack's session key, as the origin signs them.
const SEED = process.env.SESSION_SIGNING_KEY;
const le64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };
const pae = (...pieces) => Buffer.concat([le64(pieces.length), ...pieces.flatMap((p) => [le64(p.length), p])]);
function sessionToken(claims) {
  const key = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(SEED, 'hex')]),
    format: 'der',
    type: 'pkcs8',
  });
  const message = Buffer.from(JSON.stringify(claims));
  const header = Buffer.from('v4.public.');
  const signature = sign(null, pae(header, message, Buffer.alloc(0), Buffer.from('meridian session v1')), key);
  return `v4.public.${Buffer.concat([message, signature]).toString('base64url')}`;
}
const rfc3339 = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('a forged or expired session is turned away at the edge without an origin call', async () => {
  assert.ok(SEED, 'SESSION_SIGNING_KEY is set by cargo xtask test');
  const claims = { sub: randomUUID(), sid: randomUUID(), exp: rfc3339(Date.now() - 60_000) };
  const expired = sessionToken(claims);
  const valid = sessionToken({ ...claims, exp: rfc3339(Date.now() + 600_000) });
  const forged = `${valid.slice(0, -6)}AAAAAA`;
  for (const [what, token] of [['expired', expired], ['forged', forged], ['junk', 'v4.public.bm90IGEgdG9rZW4']]) {
    const before = originRequests();
    const response = await fetch(`${BASE}/account`, { redirect: 'manual', headers: { cookie: `meridian_session=${token}` } });
    assert.equal(response.status, 303, what);
    assert.equal(response.headers.get('location'), '/account/sign-in', what);
    assert.match(response.headers.get('set-cookie') ?? '', /meridian_session=;/, `${what}: the cookie is dropped`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(originRequests(), before, `${what}: the origin was not asked`);
  }
  // The same key's valid token passes the edge; the origin then finds no such session and says so.
  const before = originRequests();
  const response = await fetch(`${BASE}/account`, { redirect: 'manual', headers: { cookie: `meridian_session=${valid}` } });
  assert.equal(response.status, 303);
  await pollUntil(async () => originRequests() > before, 'the origin to be asked about a well-signed session');
});

test('signed-in forms need their CSRF token, and a signed-in visit leaves nothing personal in the page cache', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const address = email('csrf');
  await signUp(page, address);
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const same = { 'sec-fetch-site': 'same-origin', origin: BASE, 'content-type': 'application/x-www-form-urlencoded', cookie };
  for (const body of ['slug=anything', 'slug=anything&csrf=wrong-token-of-the-right-size-xxxxxxx']) {
    const response = await fetch(`${BASE}/wishlist`, { method: 'POST', redirect: 'manual', headers: same, body });
    assert.equal(response.status, 403, body);
    assert.match(await response.text(), /did not come from this site/);
  }
  const csrf = await page.goto(`${BASE}/account`).then(() => page.inputValue('form.sign-out input[name=csrf]'));
  // The product page is shared and cached; its wishlist form gets this viewer's token at the edge.
  await page.goto(`${BASE}/p/${sellable[2].handle}`);
  assert.equal(await page.inputValue('form.save-wish input[name=csrf]'), csrf);
  await Promise.all([page.waitForURL(`${BASE}/wishlist`), page.click('form.save-wish button')]);
  assert.match(await text(page, '.wishlist .wish a'), new RegExp(sellable[2].title.slice(0, 10).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

  // A category page first rendered for this signed-in shopper is the same cached page for anyone.
  const slug = sellable[3].product_type.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  await page.goto(`${BASE}/c/${slug}`);
  const anonymous = await fetch(`${BASE}/c/${slug}`);
  assert.equal(anonymous.headers.get('x-meridian-cache'), 'hit');
  const html = await anonymous.text();
  assert.ok(!html.includes(address), 'no email in the shared page');
  assert.ok(!html.includes(csrf), 'no CSRF token in the shared page');
  assert.doesNotMatch(html, /Sign out|Signed in as/);
  await context.close();
});

test('eleven wrong passwords in a row: the eleventh is refused with 429 and Retry-After', async () => {
  // The edge's limiter counts per fixed minute (Cloudflare's, and wrangler's copy of it): start the burst
  // early in a minute, so that a slow machine's dozen sign-ins cannot straddle two windows.
  const intoMinute = Date.now() % 60000;
  if (intoMinute > 25000) await new Promise((r) => setTimeout(r, 60000 - intoMinute + 250));
  const context = await browser.newContext();
  const page = await context.newPage();
  const address = email('guess');
  await signUp(page, address);
  await page.click('form.sign-out button[type=submit]');
  await page.waitForURL(`${BASE}/`);
  for (let i = 1; i <= 10; i += 1) {
    const response = await signIn(page, address, `wrong guess number ${i}`);
    assert.equal(response.status(), 401, `attempt ${i}`);
  }
  const before = originRequests();
  const eleventh = await signIn(page, address, 'wrong guess number 11');
  assert.equal(eleventh.status(), 429);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(originRequests(), before, 'the edge refused it: the origin was not asked');
  assert.equal(eleventh.headers()['retry-after'], '60');
  assert.match(await text(page, 'main'), /Too many attempts/);
  const right = await signIn(page, address);
  assert.equal(right.status(), 429, 'even the right password waits out the minute');
  await context.close();
});

test('notify me on a sold-out variant: one email queued when it is back, however often asked', async () => {
  const product = feed.slice(8, 19).find((p) => p.variants.some((v) => !v.available));
  const sku = product.variants.find((v) => !v.available).sku;
  const to = email('notify');
  const context = await browser.newContext();
  const page = await context.newPage();
  for (let i = 0; i < 2; i += 1) {
    await page.goto(`${BASE}/p/${product.handle}`);
    const form = page.locator('form.notify-me');
    if (await form.locator('select[name=sku]').count()) await form.locator('select[name=sku]').selectOption(sku);
    await form.locator('input[name=email]').fill(to);
    await Promise.all([page.waitForNavigation(), form.locator('button').click()]);
    assert.match(await text(page, 'main h1'), /We will let you know/);
  }
  const queued = () => psql(`SELECT count(*) FROM outbox WHERE topic = 'stock.back_in_stock' AND payload->>'to' = '${to}'`);
  assert.equal(queued(), '0', 'nothing is sent while it is sold out');
  try {
    psql(`UPDATE variants SET available = 3 WHERE sku = '${sku}'`);
    assert.equal(queued(), '1', 'back in stock: one email for the one subscription');
    psql(`UPDATE variants SET available = 0 WHERE sku = '${sku}'`);
    psql(`UPDATE variants SET available = 2 WHERE sku = '${sku}'`);
    assert.equal(queued(), '1', 'a subscription is notified once');
  } finally {
    psql(`UPDATE variants SET available = 0 WHERE sku = '${sku}'`);
  }
  await context.close();
});

/// The newest link of `topic` emailed to `to`, read from the captured mailbox as the shopper would (the
/// jobs drop a sent link from its outbox row).
const SUBJECTS = { 'account.password_reset': /^Reset your /, 'account.verify_email': /^Confirm your email address/ };
const linkFor = async (topic, to) => {
  const mails = await waitForEmail(to, (m) => SUBJECTS[topic].test(m.subject));
  return /https?:\/\/\S+\?token=[0-9a-f]+/.exec(mails[mails.length - 1].text)?.[0] ?? '';
};

test('a forgotten password is reset by the emailed link, once, and every session ends', async () => {
  const address = email('reset');
  const laptop = await browser.newContext();
  const signedIn = await laptop.newPage();
  await signUp(signedIn, address);

  const phone = await browser.newContext();
  const page = await phone.newPage();
  await page.goto(`${BASE}/account/sign-in`);
  await page.click('a:has-text("Forgot your password?")');
  await page.fill('input[name=email]', address);
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
  assert.match(await text(page, 'main [role=status]'), /If an account uses that address/);
  const link = await linkFor('account.password_reset', address);
  assert.ok(link.startsWith(`${BASE}/account/reset?token=`), link);

  await page.goto(link);
  await page.fill('input[name=new]', 'short');
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
  assert.match(await text(page, '.field-error[data-field=new]'), /at least 12 characters/);
  const fresh = 'a brand new passphrase';
  await page.fill('input[name=new]', fresh);
  await Promise.all([page.waitForURL(`${BASE}/account/sign-in`), page.click('form button[type=submit]')]);
  await signIn(page, address, fresh);
  assert.equal(page.url(), `${BASE}/account`);

  // The laptop's token still verifies at the edge, but the origin knows its session ended.
  await signedIn.goto(`${BASE}/account`);
  assert.equal(signedIn.url(), `${BASE}/account/sign-in`, 'the other device is signed out');
  const again = await page.goto(link);
  await page.fill('input[name=new]', 'yet another passphrase');
  const reused = await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
  assert.equal(reused[0].status(), 400, 'the link works once');
  assert.equal(again.headers()['referrer-policy'], 'same-origin', 'the token in the address goes to no other site');
  await Promise.all([laptop.close(), phone.close()]);
});

test('guest orders placed with an address appear in the account once that address is confirmed', async () => {
  const address = email('guest');
  const context = await browser.newContext();
  const page = await context.newPage();
  await addFromProductPage(page, sellable[4]);
  await page.goto(`${BASE}/checkout`);
  await page.fill('input[name=email]', address);
  for (const [field, value] of Object.entries({ name: 'Guest Buyer', line1: '5 Elm St', city: 'Boston', postcode: '02108' })) {
    await page.fill(`input[name=${field}]`, value);
  }
  await page.selectOption('select[name=country]', 'US');
  await page.selectOption('select[name=region]', 'MA');
  const number = await buyAsFilled(page, { typed: true });

  await signUp(page, address);
  await page.goto(`${BASE}/account/orders`);
  assert.equal(await page.locator(`tr.history-order[data-number="${number}"]`).count(), 0,
    'not before the address is confirmed');
  const link = await linkFor('account.verify_email', address);
  await page.goto(link);
  await Promise.all([page.waitForURL(`${BASE}/account?done=verified`), page.click('form button[type=submit]')]);
  await page.goto(`${BASE}/account/orders`);
  assert.equal(await page.locator(`tr.history-order[data-number="${number}"]`).count(), 1);
  await context.close();
});

test('deleting the account needs its password, ends the session, and the address no longer signs in', async () => {
  const address = email('leaving');
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, address);
  await page.click('details.danger summary');
  await page.fill('details.danger input[name=password]', 'not my password at all');
  const wrong = await Promise.all([page.waitForNavigation(), page.click('details.danger button[type=submit]')]);
  assert.equal(wrong[0].status(), 422);
  assert.match(await text(page, '.field-error[data-field=password]'), /not your password/);
  await page.click('details.danger summary');
  await page.fill('details.danger input[name=password]', PASSWORD);
  const gone = await Promise.all([page.waitForNavigation(), page.click('details.danger button[type=submit]')]);
  assert.equal(gone[0].status(), 200);
  assert.match(await text(page, 'main h1'), /Account deleted/);
  assert.deepEqual((await context.cookies()).filter((c) => c.name.startsWith('meridian_session')), [],
    'the session cookie is gone');
  const again = await signIn(page, address);
  assert.equal(again.status(), 401, 'the account no longer signs in');
  await context.close();
});
