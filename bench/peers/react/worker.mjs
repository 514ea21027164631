// Peer for `bench/peers.mjs`: Meridian's product page (app/src/product.rs inside app/src/layout.rs's
// document) as a React 19 server render, doing the same work per request as Meridian's edge:
// - GET /p/<slug>: the catalog version (from KV, held 5 s per isolate), then the Cache API under a key made of
//   that version and the path. A hit is served from the cache; `x-meridian-render: fresh` skips the lookup
//   (no token check: this peer has nothing to protect).
// - A miss reads the index (header navigation; parsed once per isolate and version) and the product document (`catalog:<v>:index`,
//   `catalog:<v>:product:<slug>`, the JSON Meridian publishes), `renderToString`s the page and stores it
//   with `cache.put` in `ctx.waitUntil`.
// - Every response, hit or miss, gets its placeholders filled as Meridian's edge does (cart count emptied,
//   a fresh idempotency key per view), so the bytes that leave are the same page.
// `x-meridian-cache: hit|miss` says which path answered.
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';

const CART_COUNT_PLACEHOLDER = '__meridian_cart_count__';
const IDEMPOTENCY_PLACEHOLDER = '__meridian_idempotency_key__';
const LOW_STOCK_THRESHOLD = 5;
const PAGE_TTL_SECONDS = 300;

// The islands loader Leptos puts in Meridian's <head> (copied from a served page): same bytes, same job.
const LOADER = "((root, pkg_path, output_name, wasm_output_name) => {\n\tlet MOST_RECENT_CHILDREN_CB = [];\n\n\tfunction idle(c) {\n\t\tif (\"requestIdleCallback\" in window) {\n\t\t\twindow.requestIdleCallback(c);\n\t\t} else {\n\t\t\tc();\n\t\t}\n\t}\n\tasync function hydrateIslands(rootNode, mod) {\n\t\tasync function traverse(node) {\n\t\t\tif (node.nodeType === Node.ELEMENT_NODE) {\n\t\t\t\tconst tag = node.tagName.toLowerCase();\n\t\t\t\tif(tag === 'leptos-island') {\n\t\t\t\t\tconst children = [];\n\t\t\t\t\tconst id = node.dataset.component || null;\n\n\t\t\t\t\tawait hydrateIsland(node, id, mod);\n\t\t\t\t\t\n\t\t\t\t\tfor(const child of node.children) {\n\t\t\t\t\t\tawait traverse(child, children);\n\t\t\t\t\t}\n\t\t\t\t} else {\n\t\t\t\t\tif (tag === 'leptos-children') {\n\t\t\t\t\t\tMOST_RECENT_CHILDREN_CB.push(node.$$on_hydrate);\n\t\t\t\t\t\tfor(const child of node.children) {\n\t\t\t\t\t\t\tawait traverse(child);\n\t\t\t\t\t\t};\n\t\t\t\t\t\t// un-set the \"most recent children\"\n\t\t\t\t\t\tMOST_RECENT_CHILDREN_CB.pop();\n\t\t\t\t\t} else {\n\t\t\t\t\t\tfor(const child of node.children) {\n\t\t\t\t\t\t\tawait traverse(child);\n\t\t\t\t\t\t};\n\t\t\t\t\t}\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\n\t\tawait traverse(rootNode);\n\t}\n\tasync function hydrateIsland(el, id, mod) {\n\t\tconst islandFn = mod[id];\n\t\tif (islandFn) {\n\t\t\tconst children_cb = MOST_RECENT_CHILDREN_CB[MOST_RECENT_CHILDREN_CB.length-1];\n\t\t\tif (children_cb) {\n\t\t\t\tchildren_cb();\n\t\t\t}\n\t\t\tconst res = islandFn(el);\n\t\t\tif (res && res.then) {\n\t\t\t\tawait res;\n\t\t\t}\n\t\t} else {\n\t\t\tconsole.warn(`Could not find WASM function for the island ${id}.`);\n\t\t}\n\t}\n\tidle(() => {\n\t\timport(`${root}/${pkg_path}/${output_name}.js`)\n\t\t\t.then(mod => {\n\t\t\t\tmod.default({module_or_path: `${root}/${pkg_path}/${wasm_output_name}.wasm`}).then(() => {\n\t\t\t\t\tmod.hydrate();\n\t\t\t\t\thydrateIslands(document.body, mod);\n\t\t\t\t});\n\n\t\t\t\twindow.__hydrateIsland = (el, id) => hydrateIsland(el, id, mod);\n\t\t\t})\n\t});\n})";

const DECIMALS = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3 };
const PREFIX = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };

/// `$1,895.00`, `¥1,500`, `KWD 1.500`, as domain/src/money.rs displays a price.
function money({ minor, currency }) {
  const units = DECIMALS[currency] ?? 2;
  const scale = 10 ** units;
  const abs = Math.abs(minor);
  const whole = String(Math.floor(abs / scale)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = units ? `.${String(abs % scale).padStart(units, '0')}` : '';
  return `${minor < 0 ? '-' : ''}${PREFIX[currency] ?? `${currency} `}${whole}${fraction}`;
}

const stockLabel = (n) => (n <= 0 ? 'Out of stock' : n <= LOW_STOCK_THRESHOLD ? `Only ${n} left` : 'In stock');
const optionLabel = (options) => (options.length ? options.map((o) => o.name).join(' / ') : 'Option');
const needsPicker = (options, variants) => (variants.length === 1
  ? !(options.length === 0 || variants[0].title === 'Default Title')
  : true);
const paragraphs = (text) => text.replace(/\r\n/g, '\n').split('\n\n')
  .map((p) => p.replace(/^\n+|\n+$/g, '').trimEnd())
  .filter((p) => p.trim() !== '');
const summary = (text, max) => [...text.split(/\s+/).filter(Boolean).join(' ')].slice(0, max).join('');
const variantLabel = (v) => `${v.title} — ${money(v.price)}${v.available > 0 ? '' : ' (sold out)'}`;

function AddToCart({ label, picker, variants }) {
  const first = Math.max(0, variants.findIndex((v) => v.available > 0));
  const current = variants[first];
  const choice = picker
    ? h('label', null, label, h('select', { name: 'sku', defaultValue: current?.sku },
      variants.map((v) => h('option', { key: v.sku, value: v.sku }, variantLabel(v)))))
    : h('input', { type: 'hidden', name: 'sku', value: current?.sku ?? '' });
  // The island wrapper and its props, as Leptos serialises them for hydration.
  return h('leptos-island', { 'data-component': 'AddToCart', 'data-props': JSON.stringify({ label, picker, variants }) },
    h('form', { method: 'post', action: '/cart/add', className: 'add-to-cart' },
      h('p', { className: 'price' }, current ? money(current.price) : null),
      choice,
      h('p', { className: 'stock' }, current ? stockLabel(current.available) : null),
      h('input', { type: 'hidden', name: 'quantity', value: '1' }),
      h('input', { type: 'hidden', name: 'idempotency_key', value: IDEMPOTENCY_PLACEHOLDER }),
      h('button', { type: 'submit', disabled: !current || current.available <= 0 }, 'Add to cart'),
      h('p', { role: 'status', className: 'status' })));
}

function ProductView({ product }) {
  const image = product.images[0];
  return h('article', { 'data-product': product.slug, className: 'product' },
    h('div', { className: 'product-media' },
      image ? h('img', { src: image.src, alt: image.alt, width: '400', height: '400' }) : null),
    h('div', { className: 'product-info' },
      h('p', { className: 'crumbs' }, h('a', { href: `/c/${product.category.slug}` }, product.category.name)),
      h('h1', null, product.title),
      h('p', { className: 'vendor' }, product.vendor),
      h(AddToCart, {
        label: optionLabel(product.options),
        picker: needsPicker(product.options, product.variants),
        variants: product.variants,
      }),
      h('div', { className: 'description' }, paragraphs(product.description).map((p, i) => h('p', { key: i }, p)))));
}

function Document({ assets, categories, product }) {
  const pkg = `/pkg/${assets}`;
  return h('html', { lang: 'en' },
    h('head', null,
      h('meta', { charSet: 'utf-8' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('title', null, `${product.title} · Meridian`),
      h('meta', { name: 'description', content: summary(product.description, 160) }),
      h('link', { rel: 'stylesheet', href: `${pkg}/meridian.css` }),
      h('link', { rel: 'modulepreload', href: `${pkg}/meridian_app.js` }),
      h('link', { rel: 'preload', href: `${pkg}/meridian_app_bg.wasm`, as: 'fetch', type: 'application/wasm', crossOrigin: '' }),
      h('script', {
        type: 'module',
        dangerouslySetInnerHTML: { __html: `${LOADER}\n("", "pkg/${assets}", "meridian_app", "meridian_app_bg", false);` },
      })),
    h('body', null,
      h('header', { className: 'site-header' },
        h('a', { href: '/', className: 'logo' }, 'Meridian'),
        h('nav', { 'aria-label': 'Categories', className: 'categories' },
          categories.map((c) => h('a', { key: c.slug, href: `/c/${c.slug}` }, c.name))),
        h('a', { href: '/cart', className: 'cart-link' }, 'Cart', h('span', { className: 'cart-count' }, CART_COUNT_PLACEHOLDER))),
      h('main', null, h(ProductView, { product })),
      h('footer', { className: 'site-footer' }, 'Meridian · a demo store: products and prices come from the bundled supplier feed')));
}

/// The shopper's parts of a (possibly cached) page: no cart count known here, one fresh key per view.
async function personalise(response, cache) {
  const html = (await response.text())
    .replace(CART_COUNT_PLACEHOLDER, '')
    .replaceAll(IDEMPOTENCY_PLACEHOLDER, () => crypto.randomUUID());
  const headers = new Headers(response.headers);
  headers.set('cache-control', 'private, no-store');
  headers.set('x-meridian-cache', cache);
  return new Response(html, { status: response.status, headers });
}

// Held per isolate, as Meridian's edge holds them: the version for VERSION_TTL_MS, the parsed index per
// version. Without these the peer would pay KV reads Meridian no longer pays.
const VERSION_TTL_MS = 5000;
let remembered = null; // { version, at }
let parsedIndex = null; // { version, index }

async function currentVersion(env) {
  if (remembered && Date.now() - remembered.at < VERSION_TTL_MS) return remembered.version;
  const version = await env.CATALOG.get('catalog:version');
  if (version) remembered = { version, at: Date.now() };
  return version;
}

async function catalogIndex(env, version) {
  if (parsedIndex?.version === version) return parsedIndex.index;
  const index = await env.CATALOG.get(`catalog:${version}:index`, 'json');
  if (index) parsedIndex = { version, index };
  return index;
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const slug = url.pathname.match(/^\/p\/([a-z0-9-]+)$/)?.[1];
    if (request.method !== 'GET' || !slug) return new Response('not found', { status: 404 });
    const version = await currentVersion(env);
    if (!version) return new Response('no catalog is published yet', { status: 503 });
    const assets = env.ASSET_VERSION || 'peer';
    const key = `https://page-cache.peer.internal/${version}/${assets}${url.pathname}`;
    const cache = caches.default;
    if (request.headers.get('x-meridian-render') !== 'fresh') {
      const hit = await cache.match(key);
      if (hit) return personalise(hit, 'hit');
    }
    // One read after the other, as Meridian's edge does (index, then product).
    const index = await catalogIndex(env, version);
    const product = await env.CATALOG.get(`catalog:${version}:product:${slug}`, 'json');
    if (!index) return new Response(`the index of catalog version ${version} is missing`, { status: 503 });
    if (!product) return new Response('Product not found', { status: 404 });
    const html = `<!DOCTYPE html>${renderToString(h(Document, { assets, categories: index.categories, product }))}`;
    const headers = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': `public, max-age=60, s-maxage=${PAGE_TTL_SECONDS}`,
    };
    ctx.waitUntil(cache.put(key, new Response(html, { headers })));
    return personalise(new Response(html, { headers }), 'miss');
  },
};
