// `cargo xtask bench`, second part: placing orders. Release builds of origin, jobs and the payment
// stand-in on the local Postgres. Rows: the origin alone (POST /api/carts/{id}/order: stock, promo, order,
// lines, event, outbox and idempotency record in one transaction), the same through the edge (the "Pay"
// form: place the order, open the payment page, 303 to it), and the contention line: 200 buyers racing
// for 10 units, then paying. BENCH_ORDERS sets the orders per row (default 2000); BENCH_ONLY filters.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { BASE, feed, originHeaders } from '../e2e/support.mjs';

const ORIGIN = process.env.ORIGIN_URL;
const PSP = process.env.PSP_URL;
const N = Number(process.env.BENCH_ORDERS || 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 32);
const ONLY = process.env.BENCH_ONLY || '';
const psql = (sql) => execFileSync('psql', [process.env.DATABASE_URL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]).toString().trim();

const skus = feed.flatMap((p) => p.variants.filter((v) => v.available).map((v) => v.sku));
const [stockSku, raceSku] = skus.slice(-2);
const spread = skus.slice(0, -2);
psql(`UPDATE variants SET available = 1000000 WHERE sku <> '${raceSku}'`);
const address = { name: 'Bench Buyer', line1: '1 Main St', city: 'New York', region: 'NY', postcode: '10001', country: 'US' };
const json = { ...originHeaders(), 'content-type': 'application/json' };

async function expect(response, status, what) {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/// A cart with one unit of `sku` and a complete checkout, made at the origin (not timed).
async function readyCart(sku, email) {
  const cart = await expect(await fetch(`${ORIGIN}/api/carts`, { method: 'POST', headers: json, body: JSON.stringify({ sku, quantity: 1 }) }), 201, 'cart');
  const step = { email, address, shipping_method: 'standard' };
  await expect(await fetch(`${ORIGIN}/api/carts/${cart.id}/checkout`, { method: 'PUT', headers: json, body: JSON.stringify(step) }), 200, 'checkout');
  return cart.id;
}

async function pool(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/// `n` ready carts: all for `sku`, or (an array) one item after another from the list.
const carts = (n, sku, tag) => pool(Array.from({ length: n }, (_, i) => i), 16,
  (i) => readyCart(Array.isArray(sku) ? sku[i % sku.length] : sku, `${tag}${i}@bench.example`));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/// CPU seconds used so far by every process named `origin` and every `postgres` process (from /proc),
/// and by this load generator: where an order's time goes.
function cpu() {
  const tick = 100; // USER_HZ on Linux
  const used = { origin: 0, postgres: 0 };
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (name in used) used[name] += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch { /* the process ended */ }
  }
  const self = process.cpuUsage();
  return { ...used, node: (self.user + self.system) / 1e6 };
}

/// `place` over every cart with CONCURRENCY in flight: orders/s and the latency of each call under load.
async function measure(name, ids, place, inFlight = CONCURRENCY) {
  const times = [];
  const before = cpu();
  const start = performance.now();
  await pool(ids, inFlight, async (id) => {
    const t = performance.now();
    await place(id);
    times.push(performance.now() - t);
  });
  const rate = ids.length / ((performance.now() - start) / 1000);
  times.sort((a, b) => a - b);
  const ms = (p) => percentile(times, p).toFixed(1);
  const after = cpu();
  const per = (k) => (((after[k] - before[k]) / ids.length) * 1e6).toFixed(0);
  cpuLines.push(`${name}: origin ${per('origin')} µs, postgres ${per('postgres')} µs, load generator ${per('node')} µs`);
  console.log(`| ${name} | ${ids.length} | ${inFlight} | ${rate.toFixed(0)} | ${ms(50)} | ${ms(95)} | ${ms(99)} |`);
}
const cpuLines = [];

const placeAtOrigin = async (id) => {
  const headers = { ...originHeaders(), 'idempotency-key': crypto.randomUUID() };
  await expect(await fetch(`${ORIGIN}/api/carts/${id}/order`, { method: 'POST', headers }), 201, 'place order');
};

// Each buyer pays from an address of their own, as separate shoppers would: one address meets the per-client
// write limits (issue 8) at once. Under `wrangler dev` the client's CF-Connecting-IP passes through.
let buyers = 0;
const buyerAddress = () => { buyers += 1; return `10.${(buyers >> 16) & 255}.${(buyers >> 8) & 255}.${buyers & 255}`; };

const payAtEdge = async (id) => {
  const response = await fetch(`${BASE}/checkout/pay`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      cookie: `meridian_cart=${id}`, origin: BASE, 'content-type': 'application/x-www-form-urlencoded',
      'cf-connecting-ip': buyerAddress(),
    },
    body: `idempotency_key=${crypto.randomUUID()}`,
  });
  await response.arrayBuffer();
  const location = response.headers.get('location') || '';
  if (response.status !== 303 || !location.startsWith(PSP)) throw new Error(`pay: HTTP ${response.status} → ${location}`);
};

console.log('\nPlacing orders; latency is each call\'s under the load of its row.\n');
console.log('| Scenario | orders | in flight | orders/s | p50 ms | p95 ms | p99 ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
if ('origin: place order'.includes(ONLY)) {
  await measure('origin: warm-up', await carts(200, spread, 'warm'), placeAtOrigin);
  await measure(`origin: place order, ${spread.length} different items`, await carts(N, spread, 'o'), placeAtOrigin);
  // Below saturation: the latency of one order when the machine is not the queue.
  await measure(`origin: place order, ${spread.length} different items, light load`, await carts(1000, spread, 'l'), placeAtOrigin, 2);
  await measure('origin: place order, all of one item (one hot stock row)', await carts(N, stockSku, 'h'), placeAtOrigin);
}
if ('edge → origin: pay (place order + payment page)'.includes(ONLY)) {
  const n = Math.min(N, 500);
  await measure('edge → origin: pay (place order + payment page)', await carts(n, stockSku, 'e'), payAtEdge);
}

console.log(`\nCPU per order (2 cores shared by all three):\n${cpuLines.map((l) => `- ${l}`).join('\n')}`);

// The race: 200 buyers, 10 units, all at once; the winners pay on the stand-in (its JSON pay tool).
if ('contention'.includes(ONLY) || ONLY === '') {
  psql(`UPDATE variants SET available = 10 WHERE sku = '${raceSku}'`);
  const ids = await carts(200, raceSku, 'race');
  const results = await Promise.all(ids.map(async (id) => {
    const headers = { ...originHeaders(), 'idempotency-key': crypto.randomUUID() };
    const response = await fetch(`${ORIGIN}/api/carts/${id}/order`, { method: 'POST', headers });
    const body = await response.json();
    if (response.status === 409 && body.error === 'sold_out') return null;
    if (response.status !== 201) throw new Error(`race: HTTP ${response.status} ${JSON.stringify(body)}`);
    const start = await fetch(`${ORIGIN}/api/orders/${body.token}/payment`, { method: 'POST', headers: { ...originHeaders(), 'idempotency-key': crypto.randomUUID() } });
    const { url } = await expect(start, 200, 'payment page');
    const session = url.split('/').pop();
    await expect(await fetch(`${PSP}/_psp/sessions/${session}/pay`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'card_number=4242424242424242',
    }), 200, 'pay');
    return body.token;
  }));
  const tokens = results.filter(Boolean);
  const deadline = Date.now() + 30000;
  let paid = 0;
  while (Date.now() < deadline) {
    paid = Number(psql(`SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.sku = '${raceSku}' AND o.status = 'paid'`));
    if (paid === tokens.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const stock = Number(psql(`SELECT available FROM variants WHERE sku = '${raceSku}'`));
  const sold = Number(psql(`SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.sku = '${raceSku}' AND o.status = 'paid'`));
  console.log(`\ncontention: 200 buyers, 10 units → ${paid} paid, ${Math.max(0, sold - 10) + Math.max(0, -stock)} oversold (stock left ${stock})`);
}
