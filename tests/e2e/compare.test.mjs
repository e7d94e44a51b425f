// The Compare view (#17): each engine's own flags in the top bar, the
// trees of two or three engines aligned by destination, a difference picked
// in every tree with each engine's decision, the main session handed to the
// engine of a tree, the share link and the download carrying the engines
// and their flags, and the cost of a comparison.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { budget, start, shot, typeLine } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

async function openCompare(page) {
  await page.getByTestId('compare-tab').click();
  await page.waitForSelector('[data-testid=compare-tree]');
}

const treeEngines = (page) => page.$$eval('[data-testid=compare-tree]', (ts) => ts.map((t) => t.dataset.engine));

test("each engine's own flags appear with it and reach the engine", async () => {
  const page = await env.page();
  const visible = (id) => page.getByTestId(id).isVisible();
  // runsc 2018: --overlay and --file-access; no --overlay2, no rootless.
  assert.equal(await page.locator('[data-flag-of=runsc-2018]').isVisible(), true);
  assert.equal(await visible('overlay2'), false);
  assert.equal(await page.locator('[data-flag-of=runc]').isVisible(), false);

  await page.getByTestId('engine').selectOption('runsc');
  await page.getByRole('tab', { name: '/proc/mounts' }).click();
  await page.waitForFunction(() =>
    /^none \/ overlay rw/m.test(document.querySelector('[data-testid=proc-mounts]').textContent),
  );
  assert.equal(await visible('overlay2'), true);
  assert.equal(await page.getByTestId('overlay-toggle').isDisabled(), true);
  assert.equal(await page.locator('[data-flag-of=runsc-2018]').isVisible(), false);
  // --overlay2=none: the root is the gofer's 9p mount, no overlay.
  await page.getByTestId('overlay2').selectOption('none');
  await page.waitForFunction(() =>
    /^none \/ 9p rw,trans=fd/m.test(document.querySelector('[data-testid=proc-mounts]').textContent),
  );

  await page.getByTestId('preset').selectOption('runc-spec.json');
  await page.getByTestId('engine').selectOption('runc');
  await page.waitForFunction(() =>
    /^\/dev\/sda1 \/ ext4 ro/m.test(document.querySelector('[data-testid=proc-mounts]').textContent),
  );
  assert.equal(await page.locator('[data-flag-of=runc]').isVisible(), true);
  assert.equal(await visible('overlay2'), false);
  // rootless: runc's validator refuses runc spec's default (no user namespace).
  await page.locator('[data-flag-of=runc]').click();
  await page.waitForFunction(() =>
    /rootless container requires user namespaces/.test(document.querySelector('[data-testid=error]').textContent),
  );
  // The preset says what to look for, on the page.
  assert.match(
    await page.getByTestId('preset-about').textContent(),
    /Look at \/dev: runc mounts the spec's tmpfs there/,
  );
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("Compare: a difference picked is selected in every tree, with each engine's decision", async () => {
  const page = await env.page();
  await page.getByTestId('preset').selectOption('runc-spec.json');
  await openCompare(page);
  assert.deepEqual(await treeEngines(page), ['runsc-2018', 'runsc', 'runc']);
  // Rows line up: every column has the same destinations in the same order.
  const cols = await page.$$eval('[data-testid=compare-tree]', (ts) =>
    ts.map((t) => [...t.querySelectorAll('[data-testid=compare-node]')].map((n) => n.dataset.path)),
  );
  assert.ok(cols[0].length > 10);
  assert.deepEqual(cols[1], cols[0]);
  assert.deepEqual(cols[2], cols[0]);
  // /dev/mqueue differs (runc mounts mqueue; both runscs ignore it), with
  // a reason on each side.
  const diff = page.locator('[data-testid=compare-diff][data-path="/dev/mqueue"]');
  assert.match(await diff.textContent(), /runc\s*mounted/);
  assert.match(await diff.textContent(), /mqueue/);
  await diff.click();
  for (const e of ['runsc-2018', 'runsc', 'runc']) {
    const sel = page.locator(`[data-testid=compare-tree][data-engine="${e}"] [aria-selected=true]`);
    assert.equal(await sel.count(), 1, e);
    assert.equal(await sel.getAttribute('data-path'), '/dev/mqueue', e);
  }
  const decisions = page.getByTestId('compare-decision');
  assert.equal(await decisions.count(), 3);
  const texts = await decisions.allTextContents();
  assert.match(texts[0], /\/dev\/mqueue.*ignored/s);
  assert.match(texts[0], /ignoring unknown filesystem type "mqueue"/);
  assert.match(texts[2], /\/dev\/mqueue.*mounted/s);
  assert.match(texts[2], /mount\("mqueue", "\/dev\/mqueue", "mqueue"/);
  // The main session's "Why this mount?" shows its engine's decision too.
  assert.match(await page.locator('#details').textContent(), /ignoring unknown filesystem type "mqueue"/);

  // A mount in the main tree is a pick in Compare too.
  await page.locator('#tree [data-testid=mount-node][data-path="/proc"]').click();
  assert.equal(
    await page.locator('[data-testid=compare-tree][data-engine=runc] [aria-selected=true]').getAttribute('data-path'),
    '/proc',
  );

  // Two engines: runsc 2018 unchecked; the last two cannot be unchecked.
  await page.getByTestId('compare-engine-runsc-2018').uncheck();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=compare-tree]').length === 2);
  assert.deepEqual(await treeEngines(page), ['runsc', 'runc']);
  assert.equal(await page.getByTestId('compare-engine-runc').isDisabled(), true);
  await page.getByTestId('compare-engine-runsc-2018').check();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=compare-tree]').length === 3);
  await shot(page, '30-compare');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("picking a mount in an engine's tree hands the terminal and the views to that engine", async () => {
  const page = await env.page();
  await openCompare(page);
  assert.match(await page.locator('.compare-col.main h3').textContent(), /runsc 2018/);
  await page.locator('[data-testid=compare-tree][data-engine=runc] [data-path="/etc/hosts"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=engine]').value === 'runc');
  await page.waitForFunction(() => /runc/.test(document.querySelector('.compare-col.main h3')?.textContent));
  // The main tree is runc's, with the same mount selected; the terminal runs in runc.
  await page.waitForFunction(() => document.querySelector('#tree [aria-selected=true]')?.dataset.path === '/etc/hosts');
  assert.match(await typeLine(page, 'cat /proc/mounts'), /\/dev\/sda1 \/ ext4 /);
  // "use here" on runsc today's column.
  await page.locator('.compare-col[data-engine=runsc] [data-testid=compare-use]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=engine]').value === 'runsc');
  assert.match(await typeLine(page, 'cat /proc/mounts'), /none \/ overlay rw 0 0/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the share link and the download carry the engines and their flags', async () => {
  const page = await env.page();
  await page.getByTestId('engine').selectOption('runsc');
  await page.getByTestId('overlay2').selectOption('root:memory');
  await openCompare(page);
  await page.getByTestId('compare-engine-runsc-2018').uncheck();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=compare-tree]').length === 2);
  await page.getByTestId('share').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=share]').dataset.url);
  const url = await page.getByTestId('share').getAttribute('data-url');

  // The download: the engine it ran and that engine's flag.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download' }).click(),
  ]);
  const scenario = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(scenario.config.engine, 'runsc');
  assert.equal(scenario.config.overlay2, 'root:memory');
  await page.context().close();

  const again = await env.page(url);
  assert.equal(await again.getByTestId('engine').inputValue(), 'runsc');
  assert.equal(await again.getByTestId('overlay2').inputValue(), 'root:memory');
  assert.equal(await again.getByTestId('compare-tab').getAttribute('aria-selected'), 'true');
  await again.waitForFunction(() => document.querySelectorAll('[data-testid=compare-tree]').length === 2);
  assert.deepEqual(await treeEngines(again), ['runsc', 'runc']);
  assert.equal(await again.getByTestId('compare-engine-runsc-2018').isChecked(), false);
  assert.deepEqual(again.errors, []);
  await again.context().close();
});

// Budget (#17): diffing Docker's default spec across the three engines
// costs under 5 ms of engine time and under 16 ms with the view redrawn,
// median of 30 (measureCompare in www/src/compare.js; each run starts with
// the page and the worker idle, and recomputes):
// - engine time: the engine's own time in its Web Worker (the worker's
//   performance.now() around the compareEngines wasm call: three
//   simulations, the diff, the answer's JSON text);
// - with the view redrawn: the page's time from the request to the Compare
//   view's DOM built (posting to the worker, the engine, both event loops,
//   JSON.parse, drawing). Style and layout of that DOM, which the browser
//   does after the task, are printed, not budgeted.
// Both are timings: printed by `npm test`, asserted against #17's figures
// by `npm run test:perf` (harness.mjs's budget()). The page's wasm is built
// for size (opt-level z, for #12's 600 KB gzipped budget): that build ran
// this comparison in 6.1–7.5 ms (median, load 0.4–2.6 on 2 cores); the same
// code at opt-level 3 ran it in 4.2 ms but is 739 KB gzipped.
const ENGINE_TARGET = 5;
test('a three-engine comparison of the Docker default: engine under 5 ms, 16 ms redrawn (median of 30)', async (t) => {
  const page = await env.page();
  await openCompare(page);
  const runs = await page.evaluate(() => window.mountlab.measureCompare(30));
  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
  const of = (k) => runs.map((r) => r[k]);
  const say = (k) => `${median(of(k)).toFixed(2)} (min ${sorted(of(k))[0].toFixed(2)})`;
  t.diagnostic(
    `compare, 30 runs, medians in ms: engine ${say('engine')}, with the view redrawn ${say('total')}; ` +
      `of which round trip with parse ${say('answer')}, parse ${say('parse')}; then layout ${say('layout')}; ` +
      `load ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} on ${cpus().length} cores`,
  );
  assert.equal(runs.length, 30);
  assert.ok(runs.every((r) => r.rows > 10 && r.engines === 3));
  const engine = median(of('engine'));
  budget(t, engine < ENGINE_TARGET, `engine median ${engine.toFixed(2)} ms (#17: under ${ENGINE_TARGET} ms)`);
  budget(t, median(of('total')) < 16, `redrawn median ${median(of('total')).toFixed(2)} ms (#17: under 16 ms)`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
