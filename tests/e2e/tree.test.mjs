// End-to-end: the mount tree as a keyboard and screen-reader user, and a
// reader of a large spec, meets it (#19 tree pattern, #12 large trees, #18
// change badges).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { budget, start, artifacts } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

// An N-mount OCI spec shaped like `mountlab bench --emit-scenario`'s: groups
// of 50 under /srv, one mount in five nested in an earlier one; tmpfs only,
// so it needs no host files. Every 7th is read-only.
function bigSpec(n) {
  const mounts = [];
  const nestable = [];
  let top = 0;
  for (let i = 0; i < n; i++) {
    let destination;
    if (i % 5 === 4 && nestable.length) {
      destination = `${nestable[(i * 7) % nestable.length]}/n${i}`;
    } else {
      destination = `/srv/g${String(Math.floor(top / 50)).padStart(4, '0')}/m${top % 50}`;
      top++;
    }
    nestable.push(destination);
    if (nestable.length > 32) nestable.shift();
    mounts.push({ destination, type: 'tmpfs', source: 'tmpfs', options: i % 7 === 3 ? ['ro'] : ['rw'] });
  }
  return { ociVersion: '1.0.0', root: { path: '/rootfs' }, mounts };
}

const specFile = (n) => {
  const f = join(artifacts, `tree-${n}.json`);
  writeFileSync(f, JSON.stringify(bigSpec(n)));
  return f;
};

async function loadBig(page, n) {
  await page.getByTestId('spec-file').setInputFiles(specFile(n));
  // Loaded when the tree counts the spec's mounts (plus the few runsc adds).
  await page.waitForFunction(
    (k) => {
      const m = /^([\d ]+) mounts/.exec(document.querySelector('[data-testid=tree-count]')?.textContent ?? '');
      return m && Number(m[1].replace(/ /g, '')) >= k;
    },
    n,
    { timeout: 120000 },
  );
}

// The path of the focused tree item, or null when focus is elsewhere.
const focused = (page) =>
  page.evaluate(() => {
    const a = document.activeElement;
    return a?.getAttribute('role') === 'treeitem' ? a.dataset.path : null;
  });
const visiblePaths = (page) =>
  page.locator('#tree [role=treeitem]:not(.more)').evaluateAll((els) => els.map((e) => e.dataset.path));

const shots = '/work/notes/shots/R';
async function shoot(page, name) {
  try {
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `${name}.png`) });
  } catch {
    await page.screenshot({ path: join(artifacts, `tree-${name}.png`) });
  }
}

test('one Tab stop; ↑ ↓ Home End move; Enter selects and focus stays, across a re-simulation', async () => {
  const page = await env.page();
  const tree = page.locator('#tree[role=tree]');
  await tree.waitFor();
  assert.equal(await tree.getAttribute('aria-label'), 'Mounts');
  // Exactly one item is in the tab order, and Tab from the filter reaches it.
  assert.equal(await page.locator('#tree [role=treeitem][tabindex="0"]').count(), 1);
  await page.getByTestId('tree-filter').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), '/', 'Tab past the filter and its two buttons lands on the tree');
  const order = await visiblePaths(page);
  assert.equal(order[0], '/');
  assert.ok(order.includes('/dev/pts'), order.join(' '));
  // The tree items carry the pattern's attributes.
  const root = page.locator('#tree [role=treeitem][data-path="/"]');
  assert.equal(await root.getAttribute('aria-level'), '1');
  assert.equal(await root.getAttribute('aria-expanded'), 'true');
  assert.equal(await root.getAttribute('aria-selected'), 'true');
  const pts = page.locator('#tree [role=treeitem][data-path="/dev/pts"]');
  assert.equal(await pts.getAttribute('aria-level'), '3');
  assert.equal(await pts.getAttribute('aria-expanded'), null, 'a leaf has no aria-expanded');

  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(page), order[1]);
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(page), order[2]);
  await page.keyboard.press('ArrowUp');
  assert.equal(await focused(page), order[1]);
  await page.keyboard.press('End');
  assert.equal(await focused(page), order.at(-1));
  await page.keyboard.press('Home');
  assert.equal(await focused(page), '/');
  // Still one tab stop, now on the focused item.
  assert.deepEqual(
    await page.locator('#tree [role=treeitem][tabindex="0"]').evaluateAll((els) => els.map((e) => e.dataset.path)),
    ['/'],
  );

  // Enter selects /data: the details show it, focus does not fall to <body>.
  const data = order.indexOf('/data');
  for (let i = 0; i < data; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await focused(page), '/data');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#details h3')?.textContent === '/data');
  assert.equal(await focused(page), '/data', 'focus stays on the selected mount');
  assert.equal(await page.locator('#tree [role=treeitem][data-path="/data"]').getAttribute('aria-selected'), 'true');
  // The row others find (data-testid=mount-node) is the treeitem itself.
  assert.equal(await page.locator('[data-testid=mount-node][data-path="/data"][aria-selected=true]').count(), 1);
  assert.equal(await root.getAttribute('aria-selected'), 'false');
  assert.deepEqual(await page.evaluate(() => window.mountlab.state.selected), '/data');
  // Space selects too.
  await page.keyboard.press('ArrowUp');
  const above = await focused(page);
  await page.keyboard.press(' ');
  await page.waitForFunction((p) => document.querySelector('#details h3')?.textContent === p, above);
  assert.equal(await focused(page), above);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');

  // A re-simulation rebuilds the tree: focus comes back to the same mount.
  const oldEl = await page.evaluateHandle(() => document.activeElement);
  await page.evaluate(() => window.mountlab.resimulate());
  await page.waitForFunction((old) => !old.isConnected, oldEl);
  assert.equal(await focused(page), '/data', 'focus kept after a re-simulation');
  assert.equal(await page.locator('#tree [role=treeitem][tabindex="0"]').count(), 1);

  // → on a leaf does nothing; ← goes to the parent; ← on an open item
  // closes it, → opens it again, → again enters its first child.
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(page), '/data');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await focused(page), '/');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await root.getAttribute('aria-expanded'), 'false');
  assert.deepEqual(await visiblePaths(page), ['/']);
  assert.equal(await focused(page), '/');
  await page.keyboard.press('ArrowRight');
  assert.equal(await root.getAttribute('aria-expanded'), 'true');
  assert.equal(await focused(page), '/');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(page), order[1]);

  // Clicking a row selects it and moves the tab stop there.
  await page.locator('[data-testid=mount-node][data-path="/proc"]').click();
  assert.equal(await focused(page), '/proc');
  assert.equal(await page.evaluate(() => window.mountlab.state.selected), '/proc');
  await shoot(page, 'default-1440x900-keyboard');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('skipped mounts are focusable and Enter picks one, keeping focus', async () => {
  const page = await env.page();
  const skipped = page.getByTestId('skipped-mount').first();
  await skipped.waitFor();
  const path = await skipped.getAttribute('data-path');
  await skipped.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((p) => document.querySelector('#details h3')?.textContent === p, path);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'skipped-mount');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.path), path);
  assert.equal(await skipped.getAttribute('aria-current'), 'true');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a 1 000-mount spec: collapsed below the root, paged by 200, filtered by path, stubs folded', async () => {
  const page = await env.page();
  await loadBig(page, 1000);
  const count = page.getByTestId('tree-count');
  assert.match(await count.textContent(), /^1 0\d\d mounts · subtrees collapsed past 300$/);
  const root = page.locator('#tree [role=treeitem][data-path="/"]');
  assert.equal(await root.getAttribute('aria-expanded'), 'true');
  // Under the root, every item with children starts collapsed and says how
  // many mounts it holds.
  const states = await page
    .locator('#tree [role=treeitem][aria-level="2"][aria-expanded]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-expanded')));
  assert.ok(states.length > 10, String(states.length));
  assert.deepEqual(new Set(states), new Set(['false']));
  assert.match(
    await page.locator('#tree [role=treeitem][aria-level="2"][aria-expanded=false] .chip.inside').first().textContent(),
    /^\d+ inside$/,
  );
  assert.equal(await page.locator('#tree [role=treeitem][aria-level="3"]').count(), 0);
  // The root's ~800 children come 200 at a time.
  const level2 = page.locator('#tree [role=treeitem][aria-level="2"]:not(.more)');
  assert.equal(await level2.count(), 200);
  const setsize = Number(await level2.first().getAttribute('aria-setsize'));
  assert.ok(setsize > 400, String(setsize));
  const more = page.getByTestId('tree-more');
  assert.match(await more.textContent(), new RegExp(`^Show 200 more \\(200 of ${setsize} shown\\)$`));
  await more.focus();
  await page.keyboard.press('Enter');
  assert.equal(await level2.count(), 400);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-posinset')), '201');
  // End reaches the last item drawn, the next "show more".
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'tree-more');

  // The root's stub list (one per top-level directory) is folded to a count.
  const folded = page.locator('[data-testid=mount-node][data-path="/"] [data-testid=stubs-folded]');
  assert.match(await folded.textContent(), /^ramfs · \d[\d ]* stubs, show$/);
  await folded.locator('.stub-toggle').click();
  assert.equal(await folded.count(), 0);
  assert.match(
    await page.locator('[data-testid=mount-node][data-path="/"] .layer.stubs').textContent(),
    /stub dirs \[/,
  );
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.path), '/');
  await page.keyboard.press('s');
  assert.equal(await folded.count(), 1, 's folds it again');

  // A mount picked elsewhere (the decision log) is revealed in the tree:
  // its collapsed ancestors open, and it is scrolled into the tree's view.
  const deep = bigSpec(1000).mounts.at(-1).destination;
  assert.equal(await page.locator(`[data-testid=mount-node][data-path="${deep}"]`).count(), 0);
  await page.getByRole('tab', { name: 'decision log' }).click();
  await page.locator('#decisions tr', { hasText: deep }).first().click();
  const deepRow = page.locator(`[data-testid=mount-node][data-path="${deep}"]`);
  await deepRow.waitFor();
  assert.match(await deepRow.getAttribute('class'), /\bselected\b/);
  // (Within a few frames: rows above it get their real heights as drawn.)
  await page.waitForFunction(
    (p) => {
      const el = document.querySelector(`[data-testid=mount-node][data-path="${p}"]`);
      const r = el.getBoundingClientRect();
      const v = el.closest('.tree-scroll').getBoundingClientRect();
      return r.top >= v.top && r.bottom <= v.bottom;
    },
    deep,
    { timeout: 2000 },
  );

  // The filter shows the matching mounts and their ancestors, open.
  await page.getByTestId('tree-filter').fill('g0003/m1');
  await page.waitForFunction(() => /match$/.test(document.querySelector('[data-testid=tree-count]').textContent));
  const shown = await visiblePaths(page);
  const matches = shown.filter((p) => p.includes('g0003/m1'));
  assert.deepEqual(
    matches.filter((p) => !p.includes('/n')),
    ['/srv/g0003/m1', ...Array.from({ length: 10 }, (_, i) => `/srv/g0003/m1${i}`)],
  );
  for (const p of shown) {
    assert.ok(
      p.includes('g0003/m1') || matches.some((m) => m.startsWith(p === '/' ? '/' : `${p}/`)),
      `${p} neither matches nor holds a match`,
    );
  }
  assert.match(await count.textContent(), new RegExp(`^${matches.length} of 1 0\\d\\d mounts match$`));
  assert.equal(
    await page.locator('#tree [role=treeitem][aria-expanded=false]').count(),
    0,
    'ancestors of matches are open',
  );
  // ↓ from the filter enters the tree.
  await page.getByTestId('tree-filter').focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(page), '/');
  await page.setViewportSize({ width: 1440, height: 900 });
  await shoot(page, 'filter-1000-1440x900');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shoot(page, 'filter-1000-1024x768');
  // No match says so; Esc clears the filter and restores the collapsed tree.
  await page.getByTestId('tree-filter').fill('no-such-mount');
  assert.match(await page.getByTestId('tree-nomatch').textContent(), /No mount path contains "no-such-mount"/);
  await page.getByTestId('tree-filter').press('Escape');
  assert.equal(await page.getByTestId('tree-filter').inputValue(), '');
  assert.equal(await page.getByTestId('tree-nomatch').isVisible(), false);
  assert.equal(await page.locator('#tree [role=treeitem][aria-level="3"]').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the default spec opens fully expanded with short stub lists inline', async () => {
  const page = await env.page();
  await page.locator('#tree[role=tree]').waitFor();
  assert.deepEqual(
    await page
      .locator('#tree [role=treeitem][aria-expanded=false]')
      .evaluateAll((els) => els.map((e) => e.dataset.path)),
    [],
  );
  assert.equal(await page.getByTestId('tree-more').count(), 0);
  assert.equal(await page.locator('[data-testid=stubs-folded]').count(), 0);
  assert.match(await page.getByTestId('tree-count').textContent(), /^\d+ mounts$/);
  await shoot(page, 'default-1440x900');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shoot(page, 'default-1024x768');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a changed mount wears its badge and an accessible description', async () => {
  const page = await env.page();
  await page.locator('#tree[role=tree]').waitFor();
  await page.evaluate(() => window.mountlabTree.setChanges({ '/data': '+ upper', '/tmp': 'ro → rw' }));
  const badge = page.locator('[data-testid=mount-node][data-path="/data"] [data-testid=change-badge]');
  assert.equal(await badge.textContent(), '+ upper');
  assert.equal(
    await page.locator('[data-testid=mount-node][data-path="/tmp"] [data-testid=change-badge]').textContent(),
    'ro → rw',
  );
  const item = page.locator('#tree [role=treeitem][data-path="/data"]');
  const described = await item.getAttribute('aria-describedby');
  assert.equal(await page.locator(`[id="${described}"]`).textContent(), 'changed: + upper');
  // What a screen reader gets: the description, from the accessibility tree.
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const ax = nodes.find((n) => n.role?.value === 'treeitem' && n.description?.value === 'changed: + upper');
  assert.ok(ax, 'the /data treeitem is described as changed');
  assert.match(ax.name.value, /^\/data 9p/);
  assert.equal(await page.getByTestId('change-badge').count(), 2);
  // A changed mount no longer in the tree is listed above it.
  assert.equal(await page.getByTestId('tree-gone').isVisible(), false);
  await page.evaluate(() => window.mountlabTree.setChanges({ '/data': '+ upper', '/old': 'gone' }));
  assert.equal(await page.getByTestId('tree-gone').textContent(), '/old gone');
  // A Map works as well as an object; null clears them.
  await page.evaluate(() => window.mountlabTree.setChanges(new Map([['/proc', 'new']])));
  assert.deepEqual(await page.getByTestId('change-badge').allTextContents(), ['new']);
  await page.evaluate(() => window.mountlabTree.setChanges(null));
  assert.equal(await page.getByTestId('change-badge').count(), 0);
  assert.equal(await item.getAttribute('aria-describedby'), null);
  assert.equal(await page.getByTestId('tree-gone').isVisible(), false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// Redraw times of the tree alone (a full rebuild, as after a new view),
// medians of 9, written to test-results/tree-perf.json. The 1 000-mount
// redraw must stay well under the 50 ms long-task budget of #12.
test('redraw medians at 1 000 / 10 000 / 100 000 mounts; the 100 000-mount tree stays navigable', async (t) => {
  const page = await env.page();
  const out = {};
  for (const n of [1000, 10000, 100000]) {
    await loadBig(page, n);
    // Two warm-up redraws, then nine timed.
    const runs = await page.evaluate(() => Array.from({ length: 11 }, () => window.mountlabTree.redraw()).slice(2));
    const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[4];
    const t = runs.map((r) => r.total).sort((a, b) => a - b);
    const items = await page.locator('#tree [role=treeitem]').count();
    const f0 = await page.evaluate(() => {
      const t0 = performance.now();
      window.mountlabTree.setFilter('g0042/m7');
      const dt = performance.now() - t0;
      window.mountlabTree.setFilter('');
      return dt;
    });
    out[n] = { median_ms: t[4], build_median_ms: med('build'), min_ms: t[0], max_ms: t[8], items, filter_ms: f0 };
  }
  writeFileSync(join(artifacts, 'tree-perf.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log('tree redraw', JSON.stringify(out));
  budget(t, out[1000].median_ms < 50, `1 000-mount redraw median ${out[1000].median_ms} ms (budget 50 ms)`);
  // Navigable: keys move at once, a deep mount opens by filter.
  const root = page.locator('#tree [role=treeitem][data-path="/"]');
  await root.focus();
  const order = await visiblePaths(page);
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(page), order[1]);
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'tree-more');
  await page.keyboard.press('Home');
  assert.equal(await focused(page), '/');
  assert.ok((await page.locator('#tree [role=treeitem]').count()) < 400);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await shoot(page, 'tree-100000-1440x900');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
