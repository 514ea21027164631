// The emails the stack's SMTP server (aiosmtpd) captured, read as a mail client would: the Maildir in
// MAILDIR (set by `cargo xtask test` / `dev`), headers unfolded and RFC 2047-decoded, the text/plain part
// decoded from quoted-printable or base64.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from './support.mjs';

/// `=?utf-8?q?…?=` and `=?utf-8?b?…?=` words of a header, decoded.
const decodeWords = (value) => value.replace(/=\?([^?]+)\?([qQbB])\?([^?]*)\?=\s*/g, (_, _charset, kind, text) =>
  (kind.toLowerCase() === 'b'
    ? Buffer.from(text, 'base64')
    : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h) => String.fromCharCode(parseInt(h, 16))), 'latin1'))
    .toString('utf8'));

/// Headers (lower-cased names, unfolded) and body of one MIME entity.
function split(raw) {
  const end = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, end).replace(/\r?\n[ \t]+/g, ' ');
  const headers = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.slice(end).replace(/^\r?\n\r?\n/, '') };
}

function decodeBody({ headers, body }) {
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/// Every captured email, oldest first: `{ to, subject, messageId, text, html }`.
export function emails() {
  const dir = join(process.env.MAILDIR, 'new');
  let files = [];
  try { files = readdirSync(dir); } catch { return []; }
  const delivered = (file) => statSync(join(dir, file)).mtimeMs;
  files.sort((a, b) => delivered(a) - delivered(b) || a.localeCompare(b));
  return files.map((file) => {
    const raw = readFileSync(join(dir, file), 'latin1');
    const { headers, body } = split(raw);
    const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
    const parts = boundary ? body.split(`--${boundary}`).slice(1, -1).map((p) => split(p.replace(/^\r?\n/, ''))) : [{ headers, body }];
    const part = (type) => parts.find((p) => (p.headers['content-type'] ?? '').startsWith(type));
    return {
      to: headers.to,
      subject: decodeWords(headers.subject ?? ''),
      messageId: headers['message-id'],
      text: part('text/plain') ? decodeBody(part('text/plain')) : '',
      html: part('text/html') ? decodeBody(part('text/html')) : '',
    };
  });
}

/// Waits (up to `timeoutMs`) for the emails to `to` that `match` accepts; returns them.
export async function waitForEmail(to, match, timeoutMs = 20000) {
  let found = [];
  await pollUntil(async () => {
    found = emails().filter((m) => m.to?.includes(to) && match(m));
    return found.length > 0;
  }, `an email to ${to}`, timeoutMs);
  return found;
}
