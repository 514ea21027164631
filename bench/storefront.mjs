// `cargo xtask bench`: latency and throughput of the local stack (the worker in workerd under
// `wrangler dev`, the origin on the local Postgres), printed as a Markdown table. Local workerd is not
// Cloudflare's network: read the figures as relative costs (cache hit vs render vs origin), not as
// production latencies. BENCH_REQUESTS sets the requests per scenario (default 300); BENCH_ONLY keeps only
// the scenarios whose name contains it (e.g. BENCH_ONLY=edge:). The origin's own rows are measured by
// xtask/src/origin_bench.rs with a Rust load generator: Node's fetch costs more CPU than the origin does.
import { BASE, feed, addToCart } from '../e2e/support.mjs';

const N = Number(process.env.BENCH_REQUESTS || 300);
const CONCURRENCY = 8;

const product = feed.find((p) => p.variants.some((v) => v.available));
const sku = product.variants.find((v) => v.available).sku;
const run = Date.now();
const freshRender = { 'x-meridian-render': 'fresh', authorization: `Bearer ${process.env.PUBLISH_TOKEN}` };

async function ok(response, what, status = 200) {
  const body = await response.arrayBuffer();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${new TextDecoder().decode(body)}`);
  return response;
}

const cartCookie = (await ok(await addToCart(sku), 'seed cart')).headers.get('set-cookie').split(';')[0];

/// A distinct documentation-range address per request number (negative numbers are the warm-up's).
const shopper = (i) => { const n = i + 1000; return `198.18.${(n >> 8) & 255}.${n & 255}`; };

const scenarios = [
  ['edge: home page, cache hit', () => fetch(`${BASE}/`)],
  ['edge: product page, cache hit', () => fetch(`${BASE}/p/${product.handle}`)],
  // A random query string no longer makes a new cache key: this is a hit now.
  ['edge: product page, random query string (same key: hit)', (i) => fetch(`${BASE}/p/${product.handle}?bench=${run}-${i}`)],
  // The same page rendered from KV every time: the publish-token holder may skip the cache lookup.
  ['edge: product page, cache miss (render from KV)', () => fetch(`${BASE}/p/${product.handle}`, { headers: freshRender })],
  // Each unknown slug is a miss: one KV read and a (404) render, then cached for a minute.
  ['edge: unknown product, cache miss (KV + render of a 404)', (i) => fetch(`${BASE}/p/no-such-${run}-${i + 20}`), 404],
  ['edge: catalog API, product (KV, cached)', () => fetch(`${BASE}/api/catalog/products/${product.handle}`)],
  ['edge → origin: read cart', () => fetch(`${BASE}/api/cart`, { headers: { cookie: cartCookie } })],
  // Each from a shopper of its own (the address Cloudflare names in CF-Connecting-IP): one client would
  // meet the edge's and the origin's per-client write limits (300 a minute) within a second.
  ['edge → origin: add to a new cart', (i) => addToCart(sku, undefined, undefined, { 'cf-connecting-ip': shopper(i) })],
];

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (x) => x.toFixed(1);

async function latency(call, offset, status) {
  const times = [];
  for (let i = 0; i < N; i += 1) {
    const start = performance.now();
    await ok(await call(offset + i), 'request', status);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function throughput(call, offset, status) {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < N) {
      const i = next;
      next += 1;
      await ok(await call(offset + i), 'request', status);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return N / ((performance.now() - start) / 1000);
}

console.log(`\n${N} requests per scenario; latency sequential, throughput with ${CONCURRENCY} in flight.\n`);
console.log('| Scenario | p50 ms | p95 ms | p99 ms | req/s |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, call, status] of scenarios.filter(([name]) => name.includes(process.env.BENCH_ONLY || ''))) {
  for (let i = 0; i < 10; i += 1) await ok(await call(-1 - i), `warm-up of ${name}`, status);
  const times = await latency(call, 0, status);
  const rate = await throughput(call, N, status);
  console.log(`| ${name} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 95))} | ${ms(percentile(times, 99))} | ${rate.toFixed(0)} |`);
}
