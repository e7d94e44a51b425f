// Static server for the built playground: `npm start` builds, then serves
// www/dist at http://127.0.0.1:$PORT (default 8080).
//
// The engine is a ~2 MB wasm file: sent raw, a 5 Mbit/s link waits over 3 s
// for it. So text assets and the wasm go compressed (brotli, else gzip, as
// the request's Accept-Encoding allows), with `Vary: Accept-Encoding` so a
// cache keeps the variants apart, and the wasm as application/wasm (which
// WebAssembly.compileStreaming requires). Compressed bytes are cached per
// file, keyed by its mtime and size, so each file is compressed once.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const port = Number(process.env.PORT || 8080);
const host = process.env.HOST || '127.0.0.1';
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};
// What is worth compressing (images like PNG are compressed already).
const compressible = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.map']);

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const encoders = {
  // Quality 9, not 11: on the 2.18 MB wasm, 9 gives 565 KB in 145 ms and 11
  // gives 498 KB in 2.9 s, which the first page load after a start would wait
  // for (gzip -9: 686 KB in 50 ms).
  br: (buf) =>
    brotli(buf, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 9,
        [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }),
  gzip: (buf) => gz(buf, { level: 9 }),
};

// The codings we have that a request accepts, best first, by q-value (RFC
// 9110 §12.5.3): "br;q=0" refuses brotli, "*" stands for any coding not named.
export function acceptedEncodings(header) {
  const q = new Map();
  for (const part of String(header || '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const v = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(v) ? v : 0);
  }
  const qOf = (name) => q.get(name) ?? q.get('*') ?? 0;
  // Highest q first; brotli (the smaller) on a tie.
  return ['br', 'gzip'].filter((n) => qOf(n) > 0).sort((a, b) => qOf(b) - qOf(a));
}

// file -> { key, raw, br?: Promise<Buffer>, gzip?: Promise<Buffer> }
const cache = new Map();

async function load(file) {
  const st = await stat(file);
  if (!st.isFile()) throw new Error('not a file');
  const key = `${st.mtimeMs}:${st.size}`;
  let entry = cache.get(file);
  if (!entry || entry.key !== key) {
    entry = { key, raw: await readFile(file) };
    cache.set(file, entry);
  }
  return entry;
}

function encoded(entry, coding) {
  entry[coding] ??= encoders[coding](entry.raw);
  return entry[coding];
}

export function serve({ port: p = port, quiet = false } = {}) {
  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path;
    try {
      path = normalize(decodeURIComponent(new URL(req.url, 'http://localhost').pathname));
    } catch {
      res.writeHead(400).end('bad request\n');
      return;
    }
    if (path.endsWith('/') || path.endsWith(sep)) path += 'index.html';
    const file = join(root, path);
    if (!file.startsWith(root)) {
      res.writeHead(403).end('forbidden\n');
      return;
    }
    let entry;
    try {
      entry = await load(file);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const ext = extname(file);
    const headers = {
      'content-type': types[ext] || 'application/octet-stream',
      'cache-control': 'no-cache',
    };
    let body = entry.raw;
    if (compressible.has(ext)) {
      headers.vary = 'Accept-Encoding';
      const coding = acceptedEncodings(req.headers['accept-encoding'])[0];
      if (coding) {
        try {
          body = await encoded(entry, coding);
          headers['content-encoding'] = coding;
        } catch {
          delete entry[coding]; // not cached: the next request tries again
          body = entry.raw;
        }
      }
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve) =>
    server.listen(p, host, () => {
      if (!quiet) console.log(`mountlab playground: http://${host}:${server.address().port}/`);
      resolve(server);
    }),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) serve();
