// Peer for `bench/peers.mjs`: the least a worker can do. Every request gets the same fixed HTML body, as
// large as Meridian's product page (BODY_BYTES, set by the bench from a page it fetched), built once per
// isolate. No KV, no cache, no rendering: the floor of workerd under `wrangler dev`.
let body;

export default {
  fetch(request, env) {
    if (body === undefined) {
      const size = Number(env.BODY_BYTES) || 8192;
      const head = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Empty worker</title></head><body><p>';
      const tail = '</p></body></html>';
      body = head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail;
    }
    return new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
  },
};
