// End-to-end: what hostile or careless requests get from the edge: cross-site form posts change nothing,
// junk query strings and odd spellings of a path cannot mint cache entries, unknown slugs are cheap, bodies
// are checked before they are read, and the origin answers only the edge.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { BASE, feed, launchBrowser, originRequests } from './support.mjs';

const product = feed.find((p) => p.variants.some((v) => v.available));
const sku = product.variants.find((v) => v.available).sku;
const categorySlug = feed[0].product_type.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const form = (body, headers = {}) => fetch(`${BASE}/cart/add`, {
  method: 'POST', body, redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
});
const settle = () => new Promise((r) => setTimeout(r, 500));

let browser;
after(async () => { await browser?.close(); });

test('a cross-site form post is refused and changes nothing', async () => {
  const before = originRequests();
  for (const headers of [
    { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    { 'sec-fetch-site': 'same-site', origin: 'http://shop.evil.example' },
    { origin: 'https://evil.example' },
  ]) {
    const response = await form(`sku=${sku}&quantity=1`, headers);
    assert.equal(response.status, 403, JSON.stringify(headers));
    assert.equal(response.headers.get('set-cookie'), null, 'no cart cookie');
    assert.match(await response.text(), /came from another site/);
  }
  await settle();
  assert.equal(originRequests(), before, 'the origin never heard of it');
});

test('a real browser on another site cannot add to the cart', async () => {
  // The attacker's page: a different site (localhost vs 127.0.0.1) auto-submitting our form.
  const attacker = createServer((_, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<form method="post" action="${BASE}/cart/add"><input name="sku" value="${sku}">
      <input name="quantity" value="99"></form><script>document.forms[0].submit()</script>`);
  });
  await new Promise((r) => attacker.listen(0, '127.0.0.1', r));
  try {
    browser ??= await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused = page.waitForResponse((r) => r.url() === `${BASE}/cart/add`);
    await page.goto(`http://localhost:${attacker.address().port}/`);
    assert.equal((await refused).status(), 403);
    assert.deepEqual(await context.cookies(BASE), [], 'no cart cookie was set');
    await context.close();
  } finally {
    attacker.close();
  }
});

test('refusals show fixed text, never what was sent', async () => {
  const marker = 'attacker-sentence-3f9a';
  const response = await form(`sku=${encodeURIComponent(`<b>${marker}</b>`)}&quantity=1`,
    { 'sec-fetch-site': 'same-origin', origin: BASE });
  assert.equal(response.status, 422);
  assert.doesNotMatch(await response.text(), new RegExp(marker));
});

test('bodies are checked before they are read', async () => {
  const same = { 'sec-fetch-site': 'same-origin' };
  const multipart = new FormData();
  multipart.set('sku', sku);
  const asMultipart = await fetch(`${BASE}/cart/add`, { method: 'POST', body: multipart, headers: same });
  assert.equal(asMultipart.status, 415);
  const asText = await fetch(`${BASE}/api/cart/lines`, {
    method: 'POST', body: JSON.stringify({ sku, quantity: 1 }), headers: { 'content-type': 'text/plain', ...same },
  });
  assert.equal(asText.status, 415);
  assert.equal(asText.headers.get('set-cookie'), null);
  assert.equal((await form(`sku=${'x'.repeat(8000)}`, same)).status, 413);
});

test('junk query strings share the page cache entry; a trailing slash redirects', async () => {
  for (const path of [`/p/${product.handle}`, `/c/${categorySlug}`]) {
    await fetch(`${BASE}${path}`);
    const junk = await fetch(`${BASE}${path}?r=${Math.random()}&utm_source=x`);
    assert.equal(junk.status, 200, path);
    assert.equal(junk.headers.get('x-meridian-cache'), 'hit', `${path} with a random query`);
  }
  const slash = await fetch(`${BASE}/p/${product.handle}/`, { redirect: 'manual' });
  assert.equal(slash.status, 301);
  assert.equal(slash.headers.get('location'), `/p/${product.handle}`);
  const api = await fetch(`${BASE}/api/catalog/products?per_page=2&junk=1&page=1`);
  const sorted = await fetch(`${BASE}/api/catalog/products?page=1&per_page=2`);
  assert.equal(api.status, 200);
  assert.equal(sorted.headers.get('x-meridian-cache'), 'hit', 'known parameters, sorted, are the key');
  const absurd = await fetch(`${BASE}/api/catalog/products?page=4000000000`);
  assert.equal(absurd.status, 400, 'a page far past any catalog is refused before the cache');
  const pastTheEnd = () => fetch(`${BASE}/api/catalog/products?page=999&per_page=100`);
  assert.equal((await pastTheEnd()).status, 404);
  assert.equal((await pastTheEnd()).headers.get('x-meridian-cache'), 'hit', 'a 404 past the end is cached briefly');
});

test('only the publish-token holder can ask for a fresh render; anyone else gets the cached page', async () => {
  const url = `${BASE}/p/${product.handle}`;
  await fetch(url);
  const stranger = await fetch(url, { headers: { 'x-meridian-render': 'fresh', authorization: 'Bearer guess' } });
  assert.equal(stranger.headers.get('x-meridian-cache'), 'hit');
  const token = process.env.PUBLISH_TOKEN;
  assert.ok(token, 'PUBLISH_TOKEN is set by cargo xtask test');
  const operator = await fetch(url, { headers: { 'x-meridian-render': 'fresh', authorization: `Bearer ${token}` } });
  assert.equal(operator.status, 200);
  assert.equal(operator.headers.get('x-meridian-cache'), 'miss');
});

test('an unknown product is a 404 twice, the second from the cache', async () => {
  const slug = `no-such-product-${Date.now()}`;
  const first = await fetch(`${BASE}/p/${slug}`);
  const second = await fetch(`${BASE}/p/${slug}`);
  assert.deepEqual([first.status, second.status], [404, 404]);
  assert.equal(first.headers.get('x-meridian-cache'), 'miss');
  assert.equal(second.headers.get('x-meridian-cache'), 'hit', 'no KV read, no render');
  assert.equal((await fetch(`${BASE}/p/Not_A_Slug`)).status, 404);
});

test('security headers: a CSP without inline scripts, nosniff on static assets, our own request ids', async () => {
  const page = await fetch(`${BASE}/p/${product.handle}`, { headers: { 'x-request-id': 'client-chosen-id-1' } });
  const csp = page.headers.get('content-security-policy');
  const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'));
  assert.doesNotMatch(scriptSrc, /unsafe-inline/);
  assert.match(scriptSrc, /'sha256-[A-Za-z0-9+/]+=*'/);
  assert.match(csp, /img-src 'self';/);
  assert.notEqual(page.headers.get('x-request-id'), 'client-chosen-id-1', 'the client id is never ours');
  const html = await page.text();
  const css = html.match(/href="(\/pkg\/[0-9a-f]{10}\/meridian\.css)"/)[1];
  for (const path of [css, '/robots.txt']) {
    const asset = await fetch(`${BASE}${path}`);
    assert.equal(asset.headers.get('x-content-type-options'), 'nosniff', path);
    assert.match(asset.headers.get('content-security-policy') ?? '', /default-src 'self'/, path);
  }
});

test('the origin answers only the edge', async () => {
  const ORIGIN = process.env.ORIGIN_URL;
  assert.ok(ORIGIN, 'ORIGIN_URL is set by cargo xtask test');
  const direct = await fetch(`${ORIGIN}/api/carts`, {
    method: 'POST', body: JSON.stringify({ sku, quantity: 1 }), headers: { 'content-type': 'application/json' },
  });
  assert.equal(direct.status, 401);
  const forged = await fetch(`${ORIGIN}/api/catalog/categories`, { headers: { 'x-meridian-origin-auth': 'guess' } });
  assert.equal(forged.status, 401);
});
