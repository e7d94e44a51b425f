// The page's layout at a laptop's 1024x768 and a phone's 390x844 (a clicked
// mount's explanation is on screen; the view tabs scroll on a phone), and
// the view tabs' keyboard pattern (WAI-ARIA tabs: one Tab stop, ← → Home End).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { start, shot } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const laptop = { viewport: { width: 1024, height: 768 } };

// The state of the view tabs: which is selected, which are Tab stops, which
// panel shows.
const tabState = (page) =>
  page.evaluate(() => {
    const tabs = [...document.querySelectorAll('[data-testid=view-tabs] [role=tab]')];
    return {
      selected: tabs.filter((t) => t.getAttribute('aria-selected') === 'true').map((t) => t.dataset.tab),
      stops: tabs.filter((t) => t.tabIndex === 0).map((t) => t.dataset.tab),
      shown: [...document.querySelectorAll('[role=tabpanel]')].filter((p) => !p.hidden).map((p) => p.id),
      focused: document.activeElement?.dataset.tab ?? null,
    };
  });

// `name` selected, the one Tab stop, its panel alone shown, focus on `focused`.
const only = (name, focused = name) => ({ selected: [name], stops: [name], shown: [`panel-${name}`], focused });

test('the view tabs: one Tab stop, arrows and Home/End move and show, panels are labelled', async () => {
  const page = await env.page();
  // Each tab controls a tabpanel labelled by it.
  const wiring = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=view-tabs] [role=tab]')].map((t) => {
      const p = document.getElementById(t.getAttribute('aria-controls'));
      return p?.getAttribute('role') === 'tabpanel' && p.getAttribute('aria-labelledby') === t.id;
    }),
  );
  assert.equal(wiring.length, 7);
  assert.ok(
    wiring.every(Boolean),
    'every tab has aria-controls naming a role=tabpanel whose aria-labelledby is the tab',
  );
  assert.deepEqual(await tabState(page), only('ninep', null));

  await page.getByRole('tab', { name: /9P inspector/ }).focus();
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await tabState(page), only('proc'));
  await page.keyboard.press('End');
  assert.deepEqual((await tabState(page)).selected, ['compare']);
  assert.equal((await tabState(page)).focused, 'compare');
  // → wraps from the last tab to the first, ← from the first to the last.
  await page.keyboard.press('ArrowRight');
  assert.deepEqual((await tabState(page)).selected, ['ninep']);
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual((await tabState(page)).selected, ['compare']);
  await page.keyboard.press('Home');
  assert.deepEqual(await tabState(page), only('ninep'));
  // Other keys do nothing; Tab leaves the strip (the tabs are one Tab stop).
  await page.keyboard.press('ArrowDown');
  assert.equal((await tabState(page)).focused, 'ninep');
  await page.keyboard.press('Tab');
  assert.equal(
    await page.evaluate(() => document.activeElement.closest('[role=tablist]')),
    null,
    'Tab moves out of the strip, not to the next tab',
  );
  // A click selects as before.
  await page.getByRole('tab', { name: 'mountinfo' }).click();
  assert.deepEqual((await tabState(page)).shown, ['panel-mountinfo']);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// The box of an element against the viewport: its top edge and its first
// 120 px (the heading and the first facts) are on screen.
async function onScreen(page, locator) {
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  assert.ok(box, 'the element is laid out');
  return {
    box,
    vp,
    visible:
      box.y >= 0 && box.y + Math.min(box.height, 120) <= vp.height && box.x >= 0 && box.x + box.width <= vp.width,
  };
}

test('1024x768: two columns, the top bar in two rows, a clicked mount explained on screen', async () => {
  const page = await env.page(undefined, laptop);
  const tree = await page.locator('.tree-pane').boundingBox();
  const side = await page.locator('.side-pane').boundingBox();
  assert.ok(
    Math.abs(tree.y - side.y) < 2 && side.x >= tree.x + tree.width,
    'the tree and "Why this mount?" side by side',
  );
  // The top bar: brand and actions on one row, the scenario controls on one
  // line under them; nothing wider than the page.
  const bar = await page.evaluate(() => {
    const r = (sel) => document.querySelector(sel).getBoundingClientRect();
    // Rows by vertical centre (the controls differ in height).
    // (Another engine's flags are hidden: they take no row.)
    const mids = [...document.querySelectorAll('.controls > :not(.sep)')]
      .filter((e) => !e.hidden)
      .map((e) => e.getBoundingClientRect())
      .map((b) => b.top + b.height / 2);
    const rows = mids.filter((m, i) => mids.slice(0, i).every((o) => Math.abs(o - m) > 10)).length;
    return {
      bar: r('.topbar').height,
      controlRows: rows,
      actions: r('.actions').top,
      brand: r('.brand').top,
      overflow: document.documentElement.scrollWidth > innerWidth,
    };
  });
  assert.equal(bar.controlRows, 1, 'the scenario controls sit on one line');
  assert.ok(Math.abs(bar.actions - bar.brand) < 16, 'the share actions sit on the brand row');
  assert.ok(bar.bar <= 130, `the top bar is ${bar.bar}px tall`);
  assert.equal(bar.overflow, false, 'no sideways scrolling');

  const node = page.locator('[data-testid=mount-node][data-path="/data"]').first();
  await node.click();
  const details = page.locator('#details');
  await details.locator('h3', { hasText: '/data' }).waitFor();
  const { box, visible } = await onScreen(page, details);
  assert.ok(visible, `the explanation is in the viewport: ${JSON.stringify(box)}`);
  assert.ok((await onScreen(page, node)).visible, 'and so is the clicked mount');
  await shot(page, 'layout-1024-data');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('390x844: the explanation opens as a sheet under the tapped mount; the tab strip scrolls with a cue', async () => {
  const page = await env.page(undefined, phone);
  assert.equal(
    await page.evaluate(() => document.documentElement.scrollWidth > innerWidth),
    false,
    'no sideways page scroll',
  );
  const sheet = page.getByTestId('why-sheet');
  assert.equal(await sheet.isHidden(), true, 'no sheet before a tap');
  const node = page.locator('[data-testid=mount-node][data-path="/etc/hosts"]').first();
  await node.tap();
  await sheet.waitFor({ state: 'visible' });
  await sheet.locator('#details h3', { hasText: '/etc/hosts' }).waitFor();
  const nb = await node.boundingBox();
  const sb = await sheet.boundingBox();
  assert.ok(
    sb.y >= nb.y + nb.height - 1 && sb.y - (nb.y + nb.height) < 16,
    `the sheet starts right under the mount: ${nb.y + nb.height} vs ${sb.y}`,
  );
  const { box, visible } = await onScreen(page, sheet.locator('#details'));
  assert.ok(visible, `the explanation is in the viewport: ${JSON.stringify(box)}`);
  // The mounts after the tapped one moved down below the sheet, not under it.
  const next = await page.locator('[data-testid=mount-node]').evaluateAll((els, top) => {
    const after = els.map((e) => e.getBoundingClientRect()).filter((r) => r.top > top);
    return after.length ? after[0].top : null;
  }, nb.y + 1);
  if (next != null)
    assert.ok(next >= sb.y + sb.height, `the next mount (${next}) starts below the sheet (${sb.y + sb.height})`);
  await shot(page, 'layout-390-sheet');
  // Another tap moves the sheet; Close puts the explanation back.
  await page.locator('[data-testid=mount-node][data-path="/proc"]').first().tap();
  await sheet.locator('#details h3', { hasText: '/proc' }).waitFor();
  await page.locator('#why-sheet-close').tap();
  assert.equal(await sheet.isHidden(), true);
  assert.equal(await page.locator('.side-pane #details').count(), 1, 'the explanation is back in its pane');

  // The tab strip scrolls, and says so: a fade at the end with more tabs.
  const strip = page.getByTestId('view-tabs');
  await strip.scrollIntoViewIfNeeded();
  const s0 = await strip.evaluate((e) => ({
    scrolls: e.scrollWidth > e.clientWidth + 1,
    cls: [...e.classList],
    overflow: getComputedStyle(e).overflowX,
    mask: getComputedStyle(e).maskImage,
  }));
  assert.ok(s0.scrolls, 'the tabs are wider than the strip');
  assert.equal(s0.overflow, 'auto');
  assert.ok(s0.cls.includes('scroll-end') && !s0.cls.includes('scroll-start'), `cue at the end only: ${s0.cls}`);
  assert.match(s0.mask, /gradient/, 'the cue is drawn');
  // Keyboard to the last tab: it scrolls into the strip, and the cue flips.
  await page.getByRole('tab', { name: /9P inspector/ }).focus();
  await page.keyboard.press('End');
  const s1 = await strip.evaluate((e) => {
    const t = e.querySelector('[aria-selected=true]').getBoundingClientRect();
    const r = e.getBoundingClientRect();
    return { left: e.scrollLeft, cls: [...e.classList], inside: t.left >= r.left - 1 && t.right <= r.right + 1 };
  });
  assert.ok(s1.left > 0 && s1.inside, `the last tab is scrolled into view: ${JSON.stringify(s1)}`);
  assert.ok(s1.cls.includes('scroll-start') && !s1.cls.includes('scroll-end'), `cue at the start only: ${s1.cls}`);
  await shot(page, 'layout-390-tabs');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// A HEAD of the wasm the way Chrome asks (brotli accepted): what the page's
// loading text should say.
const wasmBytes = (base, path) =>
  new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      { method: 'HEAD', headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } },
      (res) => {
        res.resume();
        resolve(Number(res.headers['content-length']));
      },
    );
    req.on('error', reject);
    req.end();
  });

test('until the engine is ready: "loading the engine, N KB…" with the real size, controls disabled', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  let release;
  const held = new Promise((r) => {
    release = r;
  });
  let wasmPath = null;
  // Hold the engine's download (not the HEAD the page sizes it with).
  await page.route('**/*.wasm', async (route) => {
    wasmPath = new URL(route.request().url()).pathname;
    if (route.request().method() === 'GET') await held;
    await route.continue();
  });
  await page.goto(env.base);
  const loading = page.getByTestId('loading');
  await page.waitForFunction(() => /KB/.test(document.getElementById('loading-text').textContent));
  const kb = Math.round((await wasmBytes(env.base, wasmPath)) / 1024);
  assert.equal(await loading.textContent(), ` loading the engine, ${kb} KB…`);
  assert.ok(kb > 100 && kb < 1500, `${kb} KB: the compressed size`);
  assert.equal(await loading.getAttribute('role'), 'status');
  for (const id of ['preset', 'engine', 'overlay', 'file-access', 'share', 'spec-file']) {
    assert.equal(await page.locator(`#${id}`).isDisabled(), true, `#${id} is disabled while loading`);
  }
  assert.equal(await page.evaluate(() => document.querySelector('main').inert), true, 'the panes are inert');
  await shot(page, 'layout-loading');
  release();
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await loading.isHidden(), true);
  for (const id of ['preset', 'engine', 'overlay', 'share']) {
    assert.equal(await page.locator(`#${id}`).isEnabled(), true, `#${id} is enabled once ready`);
  }
  assert.equal(await page.evaluate(() => document.querySelector('main').inert), false);
  await context.close();
});
