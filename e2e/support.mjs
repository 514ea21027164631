// Shared by the end-to-end files (and bench/): the stack's addresses, the demo feed, and Debian's chromium.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const BASE = process.env.BASE_URL;
assert.ok(BASE, 'BASE_URL must point at the running edge (cargo xtask test sets it)');
export const feed = JSON.parse(readFileSync(new URL('../demo/products.json', import.meta.url))).products;

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // playwright gives each launch a fresh profile; these keep chromium off the (closed) network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/// Adds one of `sku` to a cart through the edge, as the add-to-cart island does (`key`: its idempotency key;
/// `headers`: more, such as the client address Cloudflare would name).
export function addToCart(sku, cookie, key, headers = {}) {
  return fetch(`${BASE}/api/cart/lines`, {
    method: 'POST',
    body: JSON.stringify({ sku, quantity: 1 }),
    headers: {
      'content-type': 'application/json',
      ...(cookie ? { cookie } : {}),
      ...(key ? { 'idempotency-key': key } : {}),
      ...headers,
    },
  });
}

/// The `name=value` part of a response's cart cookie, or undefined.
export const cartCookie = (response) => response.headers.get('set-cookie')?.split(';')[0];

/// Headers that let a test call the origin directly, as only the edge may (the stack's ORIGIN_SECRET).
export function originHeaders() {
  assert.ok(process.env.ORIGIN_SECRET, 'ORIGIN_SECRET is set by cargo xtask test');
  return { 'x-meridian-origin-auth': process.env.ORIGIN_SECRET };
}

/// How many requests the origin has logged so far (its access log, one line per request).
export const originRequests = () => readFileSync(process.env.ORIGIN_LOG, 'utf8')
  .split('\n').filter((line) => line.includes('finished processing request')).length;

/// Polls `check` until it is true, or fails naming `what`.
export async function pollUntil(check, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}
