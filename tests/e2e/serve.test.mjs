// `npm start`'s static server (www/serve.mjs): the wasm and the text assets
// go compressed as the request's Accept-Encoding allows, with Vary, the right
// MIME type, and a body that decompresses to the file's bytes. No browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { repo } from './harness.mjs';
import { acceptedEncodings, serve } from '../../www/serve.mjs';

const dist = join(repo, 'www', 'dist');
let server;
let port;

before(async () => {
  if (!existsSync(join(dist, 'index.html'))) throw new Error('www/dist is missing: run `npm run build` first');
  server = await serve({ port: 0, quiet: true });
  port = server.address().port;
});
after(() => new Promise((r) => server.close(r)));

// A raw GET (node's http does not decompress), with the body as bytes.
function get(path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const asset = (ext) => {
  const f = readdirSync(join(dist, 'assets')).find((n) => n.endsWith(ext));
  assert.ok(f, `a ${ext} asset in www/dist/assets`);
  return { url: `/assets/${f}`, bytes: readFileSync(join(dist, 'assets', f)) };
};

test('the wasm goes brotli-compressed as application/wasm, and decompresses to the file', async () => {
  const { url, bytes } = asset('.wasm');
  const r = await get(url, { 'accept-encoding': 'gzip, deflate, br, zstd' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/wasm');
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.equal(Number(r.headers['content-length']), r.body.length);
  assert.ok(r.body.length < bytes.length * 0.4, `compressed ${r.body.length} of ${bytes.length} bytes`);
  assert.ok(brotliDecompressSync(r.body).equals(bytes), 'the decompressed body is the file');
  // Served again from the cache: the same bytes.
  const again = await get(url, { 'accept-encoding': 'br' });
  assert.ok(again.body.equals(r.body));
});

test('gzip when brotli is not accepted; raw when nothing is', async () => {
  const { url, bytes } = asset('.wasm');
  const g = await get(url, { 'accept-encoding': 'gzip, br;q=0' });
  assert.equal(g.headers['content-encoding'], 'gzip');
  assert.equal(g.headers['content-type'], 'application/wasm');
  assert.ok(gunzipSync(g.body).equals(bytes));
  const raw = await get(url);
  assert.equal(raw.headers['content-encoding'], undefined);
  assert.equal(raw.headers.vary, 'Accept-Encoding', 'the raw variant varies too, so a cache keeps both');
  assert.ok(raw.body.equals(bytes));
  const identity = await get(url, { 'accept-encoding': 'identity' });
  assert.equal(identity.headers['content-encoding'], undefined);
});

test('text assets are compressed with their MIME types', async () => {
  for (const [path, type] of [
    ['/', 'text/html; charset=utf-8'],
    [asset('.js').url, 'text/javascript; charset=utf-8'],
    [asset('.css').url, 'text/css; charset=utf-8'],
  ]) {
    const r = await get(path, { 'accept-encoding': 'gzip' });
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-type'], type, path);
    assert.equal(r.headers['content-encoding'], 'gzip', path);
    const file = path === '/' ? readFileSync(join(dist, 'index.html')) : readFileSync(join(dist, path));
    assert.ok(gunzipSync(r.body).equals(file), `${path} decompresses to the file`);
  }
});

test('HEAD gives the compressed length without a body; other methods, traversal and misses are refused', async () => {
  const { url } = asset('.wasm');
  const full = await get(url, { 'accept-encoding': 'br' });
  const head = await get(url, { 'accept-encoding': 'br' }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(full.body.length));
  assert.equal(head.body.length, 0);
  assert.equal((await get(url, {}, 'POST')).status, 405);
  assert.equal((await get('/nope.js')).status, 404);
  assert.equal((await get('/assets')).status, 404, 'a directory is no file');
  assert.notEqual((await get('/../serve.mjs')).status, 200);
  assert.notEqual((await get('/%2e%2e/serve.mjs')).status, 200);
});

test('Accept-Encoding is read with its q-values', () => {
  assert.deepEqual(acceptedEncodings('gzip, deflate, br, zstd'), ['br', 'gzip']);
  assert.deepEqual(acceptedEncodings('br;q=0, gzip;q=0.5'), ['gzip']);
  assert.deepEqual(acceptedEncodings('*'), ['br', 'gzip']);
  assert.deepEqual(acceptedEncodings('*;q=0, gzip'), ['gzip']);
  assert.deepEqual(acceptedEncodings('identity'), []);
  assert.deepEqual(acceptedEncodings(''), []);
  assert.deepEqual(acceptedEncodings(undefined), []);
  assert.deepEqual(acceptedEncodings('GZIP;Q=1'), ['gzip']);
  assert.deepEqual(acceptedEncodings('br;q=0.5, gzip'), ['gzip', 'br'], 'the higher q wins');
});
