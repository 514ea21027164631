// `cargo xtask bench`, peer table: Meridian's edge next to two JavaScript workers under the same wrangler
// (node_modules/.bin/wrangler, so the same workerd), so every run reports ratios, not absolute times:
// - bench/peers/empty: a fixed HTML body as large as Meridian's product page (the floor of the runtime);
// - bench/peers/react: the same product page rendered by React 19 `renderToString` from the same KV
//   documents, behind the same versioned Cache API key (see its worker.mjs).
// Both run behind the same platform layers as Meridian (`[assets]` routed before the worker, `[observability]`),
// each under its own `wrangler dev` (free ports, scratch --persist-to, own process group), seeded with
// the catalog version, index and product Meridian serves, and stopped at the end. Rows are measured as in
// storefront.mjs (BENCH_REQUESTS sequential for latency, then BENCH_REQUESTS with 8 in flight), except that
// throughput is BENCH_PEER_ROUNDS rounds (default 3) in which the rows take turns, and the median round is
// reported: the ratios are the point, and turns keep a slow moment of the machine from landing on one row.
// CPU per request is the utime+stime of that wrangler's workerd processes (from /proc) over those rounds.
// BENCH_ONLY keeps the rows whose name contains it (all start with "peer:"); sizes and Meridian's cold
// start are printed when BENCH_ONLY is empty or matches "peer: sizes and cold start".
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BASE, feed } from '../e2e/support.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');
const N = Number(process.env.BENCH_REQUESTS || 300);
const CONCURRENCY = 8;
const ROUNDS = Number(process.env.BENCH_PEER_ROUNDS || 3);
const ONLY = process.env.BENCH_ONLY || '';
const EXTRAS = 'peer: sizes and cold start';
const TICK = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in 1/100 s
const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', MERIDIAN_SKIP_BUILD: '1' };

const product = feed.find((p) => p.variants.some((v) => v.available));
const slug = product.handle;
const freshRender = { 'x-meridian-render': 'fresh', authorization: `Bearer ${process.env.PUBLISH_TOKEN}` };

const rows = [
  ['peer: empty worker (fixed body)', 'empty', '', null],
  ['peer: React 19 SSR, product page, cache hit', 'react', '', 'hit'],
  ['peer: React 19 SSR, product page, cache miss (render from KV)', 'react', 'fresh', 'miss'],
  ['peer: Meridian, product page, cache hit', 'meridian', '', 'hit'],
  ['peer: Meridian, product page, cache miss (render from KV)', 'meridian', 'fresh', 'miss'],
].filter(([name]) => name.includes(ONLY));
const extras = EXTRAS.includes(ONLY);
if (rows.length === 0 && !extras) process.exit(0);

// ---- processes: every wrangler we start is its own process group, stopped on every way out ----

const groups = new Set();
const scratch = mkdtempSync(join(tmpdir(), 'meridian-peers-'));
function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}
process.on('exit', () => {
  for (const pid of groups) killGroup(pid, 'SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/// `wrangler dev` on free ports in its own process group; resolves once `path` answers 200, with the time
/// from spawn to that first 200.
async function startWrangler(name, args, path, timeoutMs = 90000) {
  const [port, inspector] = [await freePort(), await freePort()];
  const log = join(scratch, `${name}.log`);
  const out = openSync(log, 'w');
  const started = performance.now();
  const child = spawn(WRANGLER, ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector),
    '--show-interactive-dev-session=false', ...args], { cwd: ROOT, env: wranglerEnv, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  groups.add(child.pid);
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal || `code ${code}`; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name}: wrangler dev exited (${exited}):\n${readFileSync(log, 'utf8').slice(-3000)}`);
    try {
      const response = await fetch(`${url}${path}`);
      await response.arrayBuffer();
      if (response.status === 200) return { name, child, url, pgid: child.pid, ready: performance.now() - started, log };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  await stopWrangler({ child, pgid: child.pid });
  throw new Error(`${name}: no 200 on ${path} within ${timeoutMs / 1000}s:\n${readFileSync(log, 'utf8').slice(-3000)}`);
}

/// TERM to the whole group (wrangler's node and its workerd), KILL after 10 s, then checks none is left.
async function stopWrangler({ child, pgid }) {
  killGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline && members(pgid).length > 0) await new Promise((r) => setTimeout(r, 100));
  killGroup(pgid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  groups.delete(pgid);
  const left = members(pgid);
  if (left.length) console.log(`warning: processes left in group ${pgid}: ${left.map((p) => `${p.pid} ${p.name}`).join(', ')}`);
  child.unref();
}

/// Every process as { pid, name, pgid, cpu seconds (utime + stime) }.
function processes() {
  const all = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      all.push({ pid: Number(pid), name, pgid: Number(fields[2]), cpu: (Number(fields[11]) + Number(fields[12])) / TICK });
    } catch { /* the process ended */ }
  }
  return all;
}
const members = (pgid) => processes().filter((p) => p.pgid === pgid);

/// CPU seconds so far of one wrangler instance: its workerd processes, and the rest of its group (node).
function groupCpu(pgid) {
  const used = { workerd: 0, other: 0 };
  for (const p of members(pgid)) used[p.name === 'workerd' ? 'workerd' : 'other'] += p.cpu;
  return used;
}

/// The process group of the `wrangler dev` serving Meridian: the workerd whose entry socket is BASE's port.
function meridianGroup() {
  const port = new URL(BASE).port;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args.some((a) => a.endsWith('/workerd')) && args.includes(`--socket-addr=entry=127.0.0.1:${port}`)) {
        return processes().find((p) => p.pid === Number(pid)).pgid;
      }
    } catch { /* the process ended */ }
  }
  return null;
}

// ---- what Meridian serves, and the peers seeded with it ----

function wranglerText(args, env = wranglerEnv) {
  return execFileSync(WRANGLER, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }).toString();
}

async function body(url, headers = {}) {
  const response = await fetch(url, { headers });
  const bytes = await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status} ${new TextDecoder().decode(bytes)}`);
  return { response, bytes: bytes.byteLength, text: new TextDecoder().decode(bytes) };
}

const page = await body(`${BASE}/p/${slug}`);
const assetVersion = page.text.match(/\/pkg\/([^/"]+)\/meridian\.css/)?.[1] || 'peer';
const peers = {};
const wanted = new Set(rows.map(([, who]) => who));
if (wanted.has('empty')) {
  peers.empty = await startWrangler('empty', ['--config', 'bench/peers/empty/wrangler.toml',
    '--persist-to', join(scratch, 'empty-state'), '--var', `BODY_BYTES:${page.bytes}`], '/');
}
if (wanted.has('react')) {
  const productJson = (await body(`${BASE}/api/catalog/products/${slug}`)).text;
  // The version and index are not served over HTTP: read them from the KV of Meridian's wrangler dev
  // (`<stack logs>/wrangler-state`, next to ORIGIN_LOG; see xtask/src/stack.rs).
  const meridianState = join(dirname(process.env.ORIGIN_LOG || '.'), 'wrangler-state');
  const kvGet = (key) => wranglerText(['kv', 'key', 'get', '--local', '--persist-to', meridianState, '--binding', 'CATALOG', key]);
  const version = kvGet('catalog:version').trim();
  const index = kvGet(`catalog:${version}:index`);
  JSON.parse(index);
  if (!/^[\w.-]+$/.test(version)) throw new Error(`unexpected catalog version ${JSON.stringify(version)} in ${meridianState}`);
  const state = join(scratch, 'react-state');
  const seed = join(scratch, 'seed.json');
  writeFileSync(seed, JSON.stringify([
    { key: 'catalog:version', value: version },
    { key: `catalog:${version}:index`, value: index },
    { key: `catalog:${version}:product:${slug}`, value: productJson },
  ]));
  wranglerText(['kv', 'bulk', 'put', '--local', '--persist-to', state, '--binding', 'CATALOG',
    '--config', 'bench/peers/react/wrangler.toml', seed]);
  peers.react = await startWrangler('react', ['--config', 'bench/peers/react/wrangler.toml',
    '--persist-to', state, '--var', `ASSET_VERSION:${assetVersion}`], `/p/${slug}`);
}
if (wanted.has('meridian')) {
  const pgid = meridianGroup();
  peers.meridian = { url: BASE, pgid };
}

// ---- measuring: the same method as storefront.mjs ----

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (x) => x.toFixed(1);

function request(who, fresh, expectCache) {
  const { url } = peers[who];
  const headers = fresh ? (who === 'meridian' ? freshRender : { 'x-meridian-render': 'fresh' }) : {};
  const target = `${url}/p/${slug}`;
  return async () => {
    const response = await fetch(target, { headers });
    const bytes = await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${who}: HTTP ${response.status} ${new TextDecoder().decode(bytes)}`);
    const cache = response.headers.get('x-meridian-cache');
    if (expectCache && cache !== expectCache) throw new Error(`${who}: x-meridian-cache ${cache}, expected ${expectCache}`);
    return bytes.byteLength;
  };
}

async function latency(call) {
  const times = [];
  for (let i = 0; i < N; i += 1) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function throughput(call) {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < N) {
      next += 1;
      await call();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return N / ((performance.now() - start) / 1000);
}

const results = {};
const notes = [];
console.log(`\nPeers under the same wrangler (${wranglerText(['--version']).trim().split('\n').pop()}): ${N} requests per row `
  + `sequential for latency, then ${ROUNDS} rounds of ${N} with ${CONCURRENCY} in flight, the rows taking turns (req/s: the `
  + `median round); CPU: that wrangler's workerd processes over all its throughput rounds.\n`);
try {
  const measured = [];
  for (const [name, who, fresh, expectCache] of rows) {
    const call = request(who, fresh, expectCache);
    let bytes = 0;
    for (let i = 0; i < 10; i += 1) bytes = await call();
    measured.push({ name, who, call, bytes, times: await latency(call), rates: [], workerd: 0, other: 0 });
  }
  // Rows take turns, so a slow moment of the machine (the stack's own jobs, another build) is shared out.
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const row of measured) {
      const pgid = peers[row.who].pgid;
      const before = pgid ? groupCpu(pgid) : null;
      row.rates.push(await throughput(row.call));
      if (before) {
        const after = groupCpu(pgid);
        row.workerd += after.workerd - before.workerd;
        row.other += after.other - before.other;
      }
    }
  }
  console.log('| Scenario | p50 ms | p95 ms | p99 ms | req/s | CPU ms/request |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const { name, who, bytes, times, rates, workerd, other } of measured) {
    const rate = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
    const perRequest = (seconds) => ((seconds / (N * ROUNDS)) * 1000).toFixed(2);
    const cpu = peers[who].pgid ? perRequest(workerd) : 'n/a';
    const rounds = rates.map((r) => r.toFixed(0)).join(', ');
    notes.push(peers[who].pgid
      ? `${name}: ${bytes} bytes per response; rounds ${rounds} req/s; wrangler's own node process ${perRequest(other)} ms CPU/request besides workerd`
      : `${name}: ${bytes} bytes per response; rounds ${rounds} req/s; CPU not measured: no workerd listening on ${BASE} was found in /proc`);
    results[name] = rate;
    console.log(`| ${name} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 95))} | ${ms(percentile(times, 99))} | ${rate.toFixed(0)} | ${cpu} |`);
  }
} finally {
  for (const peer of [peers.empty, peers.react]) if (peer) await stopWrangler(peer);
}
console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
console.log('- All three run behind the same platform layers (static assets routed before the worker, Workers Logs on), as in Meridian\'s wrangler.toml.');
console.log('- All of it shares 2 cores with the load generator and the rest of the stack; CPU is counted in 1/100 s ticks.\n');

const rate = (prefix) => Object.entries(results).find(([name]) => name.startsWith(prefix))?.[1];
const ratio = (label, a, b, why) => console.log(a && b ? `${label}: ${(a / b).toFixed(2)}` : `${label}: not measured (${why})`);
ratio('ratio hit/empty-worker', rate('peer: Meridian, product page, cache hit'), rate('peer: empty worker'), `BENCH_ONLY=${ONLY} left out a row`);
ratio('ratio miss/react', rate('peer: Meridian, product page, cache miss'), rate('peer: React 19 SSR, product page, cache miss'), `BENCH_ONLY=${ONLY} left out a row`);

if (!extras) process.exit(0);

// ---- worker upload sizes: `wrangler deploy --dry-run`, gzip computed here ----

function uploadSize(label, args) {
  const out = join(scratch, `dry-run-${label}`);
  let text;
  try {
    text = wranglerText(['deploy', '--dry-run', '--outdir', out, ...args]);
  } catch (err) {
    return `- ${label}: not measured: wrangler deploy --dry-run failed: ${String(err.stderr || err.message).slice(-500)}`;
  }
  const files = readdirSync(out).filter((f) => !f.endsWith('.map') && f !== 'README.md');
  let raw = 0;
  let gz = 0;
  for (const file of files) {
    const data = readFileSync(join(out, file));
    raw += data.length;
    gz += gzipSync(data, { level: 9 }).length;
  }
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const theirs = text.match(/Total Upload: ([^\n]*)/)?.[1] || 'not printed';
  return `- ${label}: ${kib(raw)} raw / ${kib(gz)} gzip -9 (node zlib, ${files.length} file${files.length > 1 ? 's' : ''}: ${files.join(', ')}); wrangler says ${theirs.trim()}`;
}

console.log('\nWorker upload size (`wrangler deploy --dry-run`, what would be uploaded, source maps left out):');
console.log(uploadSize('empty worker', ['--config', 'bench/peers/empty/wrangler.toml']));
console.log(uploadSize('React 19 SSR worker (minified)', ['--config', 'bench/peers/react/wrangler.toml']));
console.log(uploadSize('Meridian edge (the built worker, MERIDIAN_SKIP_BUILD=1)', []));

// ---- Meridian's start: a fresh `wrangler dev` with the built worker, to its first 200 on /robots.txt ----

const starts = [];
let why = null;
for (let i = 0; i < 3 && !why; i += 1) {
  try {
    const fresh = await startWrangler(`meridian-cold-${i}`, ['--persist-to', join(scratch, `cold-${i}`),
      '--var', `ORIGIN_URL:${process.env.ORIGIN_URL}`], '/robots.txt');
    starts.push(fresh.ready);
    await stopWrangler(fresh);
  } catch (err) {
    why = err.message;
  }
}
if (starts.length) {
  const list = starts.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ');
  console.log(`\nMeridian, local wrangler dev start to first response (spawn of a fresh \`wrangler dev\` with the built worker → first 200 on /robots.txt; node + wrangler + workerd start + wasm compile, not a Cloudflare isolate cold start): ${list}`);
}
if (why) console.log(`\nMeridian's local start not measured${starts.length ? ' (every run)' : ''}: ${why}`);
for (const peer of ['empty', 'react']) {
  if (peers[peer]) console.log(`(for comparison, the ${peer} peer's wrangler dev start to its first 200 in this run: ${(peers[peer].ready / 1000).toFixed(2)} s, measured with 20 ms polling)`);
}
