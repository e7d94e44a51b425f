// The share link: the scenario text, the config controls and every step run
// so far, deflated (CompressionStream) and base64url-encoded in the hash.
function b64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unb64url(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

export async function encodeShare(payload) {
  const raw = new TextEncoder().encode(JSON.stringify({ v: 1, ...payload }));
  return `s=${b64url(await pipe(raw, new CompressionStream('deflate-raw')))}`;
}

export async function decodeShare(hash) {
  const m = /^#?s=([A-Za-z0-9_-]+)$/.exec(hash || '');
  if (!m) return null;
  const raw = await pipe(unb64url(m[1]), new DecompressionStream('deflate-raw'));
  const payload = JSON.parse(new TextDecoder().decode(raw));
  if (payload.v !== 1 || typeof payload.scenario !== 'string') throw new Error('unsupported share link');
  return payload;
}
