// `cargo xtask bench`, third part: the background path, on the running stack (release builds of origin and
// jobs, `wrangler dev`, the local Postgres and Redis).
// - write → visible at edge: a price changed in Postgres (plain SQL, committed), until the edge's product
//   API shows it; through the outbox trigger, the relay, the edge-refresh job and a diff publish to KV.
//   BENCH_CHANGES changes (default 100), one at a time; p50/p99.
// - outbox relay: BENCH_EVENTS rows (default 5000) committed at once, until the relay has put every one on
//   its queue (rows/s); then until the no-op job has run for every one (jobs/s, one worker, receipts and
//   all), next to redis-benchmark's LPUSH/RPOP on the same Redis for scale.
// BENCH_ONLY filters rows by name (`jobs` runs this file's rows only).
import { execFileSync } from 'node:child_process';

const BASE = process.env.BASE_URL;
const CHANGES = Number(process.env.BENCH_CHANGES || 100);
const EVENTS = Number(process.env.BENCH_EVENTS || 5000);
const ONLY = process.env.BENCH_ONLY || '';
const psql = (sql) => execFileSync('psql', [process.env.DATABASE_URL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]).toString().trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function priceAtEdge(slug) {
  const response = await fetch(`${BASE}/api/catalog/products/${slug}`);
  if (response.status !== 200) return null;
  return (await response.json()).variants[0].price.minor;
}

async function writeToEdge() {
  const [slug, sku, price] = psql(`SELECT p.slug, v.sku, v.price_minor FROM products p JOIN variants v ON v.product_id = p.id
    WHERE p.archived_at IS NULL AND v.archived_at IS NULL ORDER BY p.slug, v.position, v.id LIMIT 1`).split('|');
  const base = Number(price);
  const times = [];
  for (let i = 1; i <= CHANGES; i += 1) {
    const target = base + i;
    const started = performance.now();
    psql(`UPDATE variants SET price_minor = ${target} WHERE sku = '${sku}'`);
    for (;;) {
      if ((await priceAtEdge(slug)) === target) break;
      if (performance.now() - started > 30000) throw new Error(`change ${i} not visible at the edge after 30 s`);
      await sleep(10);
    }
    times.push(performance.now() - started);
  }
  psql(`UPDATE variants SET price_minor = ${base} WHERE sku = '${sku}'`);
  times.sort((a, b) => a - b);
  console.log(`write → visible at edge: ${CHANGES} changes, p50 ${percentile(times, 50).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms`);
}

async function waitFor(sql, what) {
  const started = performance.now();
  while (psql(sql) !== '0') {
    if (performance.now() - started > 300000) throw new Error(`${what}: not done after 300 s`);
    await sleep(20);
  }
  return performance.now();
}

async function relayAndNoop() {
  const first = Number(psql('SELECT coalesce(max(id), 0) FROM outbox'));
  const started = performance.now();
  psql(`INSERT INTO outbox (topic, payload) SELECT 'bench.noop', jsonb_build_object('n', n) FROM generate_series(1, ${EVENTS}) AS n`);
  const relayed = await waitFor(`SELECT count(*) FROM outbox WHERE id > ${first} AND sent_at IS NULL`, 'relay');
  const handled = await waitFor(`SELECT count(*) FROM outbox WHERE id > ${first} AND done_at IS NULL`, 'no-op jobs');
  const perSecond = (ms) => Math.round(EVENTS / (ms / 1000));
  console.log(`outbox relay throughput: ${EVENTS} rows relayed in ${(relayed - started).toFixed(0)} ms: ${perSecond(relayed - started)} rows/s`);
  console.log(`no-op job throughput: ${EVENTS} jobs done in ${(handled - started).toFixed(0)} ms: ${perSecond(handled - started)} jobs/s (one worker, a receipt per job)`);
  const redis = execFileSync('redis-benchmark', ['-q', '-n', '20000', '-t', 'lpush,rpop']).toString().trim().split('\n')
    .map((line) => line.split('\r').at(-1).trim()).filter(Boolean);
  console.log(`redis-benchmark on the same Redis (for scale): ${redis.join('; ')}`);
}

const wanted = (names) => !ONLY || ONLY === 'jobs' || names.includes(ONLY);
if (wanted('write → visible at edge')) await writeToEdge();
if (wanted('outbox relay throughput no-op job throughput')) await relayAndNoop();
