// How the page draws a 1 000-mount spec (issue #12's redraw under 50 ms a
// task, tests/e2e/perf.test.mjs): what it keeps, folds and defers, checked
// as behaviour rather than time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';
import { openBigSpec } from './bigspec.mjs';

let env;
let page;
before(async () => {
  env = await start();
  page = await env.page();
  await openBigSpec(page, 1000);
});
after(async () => {
  await env?.close();
});

const toggleOverlay = async (on) => {
  const was = await page.evaluate(() => window.mountlab.timings.lastResim);
  await page.getByTestId('overlay-toggle').setChecked(on, { force: true });
  await page.waitForFunction((w) => window.mountlab.timings.lastResim !== w, was);
};

test('the status chip folds 250 gofer FDs into a run, the whole list in its title', async () => {
  const chip = page.getByTestId('status');
  assert.equal(await chip.textContent(), 'runsc-2018 · 1007 mounts · gofer FDs 3–253');
  const title = await chip.getAttribute('title');
  assert.ok(title.startsWith('runsc-2018 · 1007 mounts · gofer FDs 3, 4, 5, 6,'), title);
  assert.ok(title.endsWith(', 252, 253'), title);
  // The tree is in view under it, not pushed below the pane.
  const inView = await page.evaluate(() => {
    const row = document.querySelector('#tree [role=treeitem]').getBoundingClientRect();
    const pane = document.querySelector('.tree-scroll').getBoundingClientRect();
    return row.top >= pane.top && row.top < pane.bottom;
  });
  assert.equal(inView, true);
});

test('a re-simulation that logs the same 9P messages keeps their rows', async () => {
  const mark = () =>
    page.evaluate(() => {
      const rows = [...document.querySelectorAll('[data-testid=ninep-message]')];
      for (const r of rows) r.__kept = true;
      return rows.length;
    });
  const n = await mark();
  assert.ok(n > 400, `${n} rows`);
  await toggleOverlay(true);
  const after = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('[data-testid=ninep-message]')];
    return {
      n: rows.length,
      kept: rows.filter((r) => r.__kept).length,
      stops: rows.filter((r) => r.tabIndex === 0).length,
    };
  });
  assert.deepEqual(after, { n, kept: n, stops: 1 });
  // A pick still marks exactly one row, and the next redraw keeps it marked.
  await page.locator('[data-testid=ninep-message]').nth(2).click();
  await toggleOverlay(false);
  assert.equal(await page.locator('[data-testid=ninep-message].selected').count(), 1);
  assert.equal(await page.locator('[data-testid=ninep-message]').nth(2).getAttribute('aria-selected'), 'true');
  assert.deepEqual(page.errors, []);
});
