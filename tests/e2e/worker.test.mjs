// The engine runs in a Web Worker (engine.js, src/web/worker.rs): while it
// re-simulates a big spec the main thread keeps answering, and any wasm
// export is callable by name through it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';
import { openBigSpec } from './bigspec.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

test('the main thread keeps answering while the engine re-simulates 2 000 mounts', async (t) => {
  const page = await env.page();
  await openBigSpec(page, 2000);
  const r = await page.evaluate(async () => {
    // Pings on the main thread from the request until the engine's answer
    // is in: the largest gap between two is the longest input would wait.
    const t0 = performance.now();
    const pings = [t0];
    let done = false;
    const ping = () => {
      pings.push(performance.now());
      if (!done) setTimeout(ping, 0);
    };
    setTimeout(ping, 0);
    const sim = window.mountlab.resimulate();
    await sim;
    done = true;
    const engine = window.mountlab.timings.lastEngine;
    // Only the gaps while the engine worked (before its answer was drawn).
    const busy = pings.filter((p) => p <= t0 + engine);
    let gap = 0;
    for (let i = 1; i < busy.length; i++) gap = Math.max(gap, busy[i] - busy[i - 1]);
    return { engine, gap, pings: busy.length };
  });
  t.diagnostic(`engine ${r.engine.toFixed(1)} ms in the worker; ${r.pings} pings, largest gap ${r.gap.toFixed(1)} ms`);
  // The engine's work is long enough to tell: on the main thread it would be one gap.
  assert.ok(r.engine > 60, `engine ${r.engine} ms`);
  assert.ok(r.gap < 50, `the main thread stalled ${r.gap} ms while the engine worked`);
  assert.ok(r.pings > 5, `${r.pings} pings`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('any wasm export is called by name in the worker; errors carry the engine message', async () => {
  const page = await env.page();
  const r = await page.evaluate(async () => {
    const m = window.mountlab;
    const err = async (p) => {
      try {
        await p;
        return null;
      } catch (e) {
        return e instanceof Error ? e.message : `not an Error: ${e}`;
      }
    };
    return {
      config: await m.call('defaultConfig'),
      ref: await m.call('sourceRef', 'mountSubmount'),
      analysis: await m.call('analyze', '{'),
      unknown: await err(m.call('noSuchExport')),
      badArg: await err(m.call('analyze', 42)),
      mounts: await m.state.sb.procMounts(),
      noChild: await err(m.state.sb.procMounts('nope')),
    };
  });
  assert.deepEqual(r.config, await page.evaluate(() => window.mountlab.api.defaultConfig()));
  assert.match(r.ref.url, /runsc\/boot\/fs\.go/);
  assert.equal(r.analysis.ok, false);
  assert.equal(r.unknown, 'the engine has no function "noSuchExport"');
  assert.equal(r.badArg, 'analyze: text must be a string');
  assert.ok(r.mounts.includes('none / overlayfs rw 0 0'), r.mounts.join('\n'));
  assert.match(r.noChild, /unknown container "nope"/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
