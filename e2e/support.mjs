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

/// Adds one of `sku` to a cart through the edge, as the add-to-cart form's script does.
export function addToCart(sku, cookie) {
  return fetch(`${BASE}/api/cart/lines`, {
    method: 'POST',
    body: JSON.stringify({ sku, quantity: 1 }),
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
  });
}
