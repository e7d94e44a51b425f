// Issue #12's browser targets, measured in the e2e browser:
//  (a) re-simulating and redrawing a 1 000-mount spec causes no main-thread
//      task over 50 ms (PerformanceObserver for 'longtask');
//  (b) the first tree is drawn under 300 ms after navigation (median of 5);
//  (c) the wasm is at most 600 KB gzipped (level 9).
// (c) is a size, asserted always; (a) and (b) are timings, printed as
// diagnostics by `npm test` and asserted by `npm run test:perf` (harness.mjs's
// budget()), since a shared CI machine's load is not the page's speed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { budget, start, repo } from './harness.mjs';
import { observeLongTasks, openBigSpec } from './bigspec.mjs';

const WASM_GZIP_MAX = 600 * 1000;
const FIRST_TREE_MAX_MS = 300;
const LONG_TASK_MAX_MS = 50;

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

test(`the wasm is at most ${WASM_GZIP_MAX} bytes gzipped`, (t) => {
  const dir = join(repo, 'www', 'dist', 'assets');
  const wasm = readdirSync(dir).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `one wasm asset in www/dist/assets: ${wasm}`);
  const bytes = readFileSync(join(dir, wasm[0]));
  const gz = gzipSync(bytes, { level: 9 }).length;
  t.diagnostic(`wasm ${bytes.length} bytes raw, ${gz} gzipped`);
  assert.ok(gz <= WASM_GZIP_MAX, `gzipped wasm is ${gz} bytes`);
});

test(`the first tree is drawn under ${FIRST_TREE_MAX_MS} ms after navigation`, async (t) => {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const page = await env.page();
    await page.waitForFunction(() => performance.getEntriesByName('mountlab-first-tree').length > 0);
    runs.push(await page.evaluate(() => performance.getEntriesByName('mountlab-first-tree')[0].startTime));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
  t.diagnostic(`first tree: median ${median(runs).toFixed(1)} ms of ${runs.map((x) => x.toFixed(0)).join(', ')}`);
  budget(
    t,
    median(runs) < FIRST_TREE_MAX_MS,
    `first tree median ${median(runs).toFixed(1)} ms (budget ${FIRST_TREE_MAX_MS} ms)`,
  );
});

test(`re-simulating and redrawing 1 000 mounts causes no main-thread task over ${LONG_TASK_MAX_MS} ms`, async (t) => {
  const context = await env.browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(observeLongTasks);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(env.base);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });

  await openBigSpec(page, 1000);

  const figures = [];
  for (let i = 0; i < 3; i++) {
    // A config change re-simulates with every view redrawn: the user's own action.
    const t0 = await page.evaluate(() => performance.now());
    const was = await page.evaluate(() => window.mountlab.timings.lastResim);
    await page.getByTestId('overlay-toggle').setChecked(i % 2 === 0, { force: true });
    await page.waitForFunction((w) => window.mountlab.timings.lastResim !== w, was);
    // Two frames and a pause: the redraw and anything it queued have run.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForTimeout(200);
    figures.push(
      await page.evaluate((from) => {
        const long = window.__longTasks.filter((e) => e.start >= from);
        const t = window.mountlab.timings;
        return {
          engine: t.lastEngine,
          parse: t.lastParse,
          draw: t.lastDraw,
          total: t.lastResim,
          longest: Math.max(0, ...long.map((e) => e.duration)),
          long: long.length,
        };
      }, t0),
    );
  }
  for (const f of figures)
    t.diagnostic(
      `1 000 mounts: engine ${f.engine.toFixed(1)} ms (worker); main thread: view parse ${f.parse.toFixed(1)} ms, ` +
        `drawing ${f.draw.toFixed(1)} ms; whole ${f.total.toFixed(1)} ms; longest main-thread task ` +
        `${f.longest.toFixed(0)} ms (${f.long} over 50 ms)`,
    );
  assert.deepEqual(errors, []);
  // The engine's share of the main thread (its answer's JSON.parse) on its own.
  const parse = Math.max(...figures.map((f) => f.parse));
  budget(t, parse <= LONG_TASK_MAX_MS, `parsing the engine's view took ${parse.toFixed(1)} ms`);
  const longest = Math.max(...figures.map((f) => f.longest));
  const draw = Math.max(...figures.map((f) => f.draw));
  budget(
    t,
    longest <= LONG_TASK_MAX_MS,
    `the longest main-thread task took ${longest.toFixed(0)} ms (budget ${LONG_TASK_MAX_MS} ms): the page's drawing of the views took up to ${draw} ms of it, ` +
      `the engine's view parse ${parse} ms (the rest is style and layout of the drawn DOM)`,
  );
  await context.close();
});
