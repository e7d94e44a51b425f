// The 9P inspector explains itself (#18) and is usable by keyboard (#19):
// rows grouped under the step that caused them, the handshake shown at
// open, a message's decode with each field lit on its bytes, expected
// errors explained rather than red; decision rows focusable too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, shot, typeLine } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const rows = '[data-testid=ninep-message]';

// Whether `el` is inside the scrolled table's visible box.
const visible = (page, sel) =>
  page.locator(sel).evaluate((el) => {
    const wrap = el.closest('.ninep-table-wrap').getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.top >= wrap.top && r.bottom <= wrap.bottom + 1;
  });

test('the inspector opens at the top of a connection, its handshake in view', async () => {
  const page = await env.page();
  await page.waitForSelector(rows);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const names = await page.locator(rows).evaluateAll((rs) => rs.slice(0, 2).map((r) => r.cells[2].textContent));
  assert.match(names[0], /^Tversion msize=/);
  assert.match(names[1], /^Tattach /);
  assert.equal(await visible(page, `${rows}:nth-child(2)`), true, 'Tversion is scrolled into view');
  assert.equal(
    await page.locator('[data-testid=ninep-group]').first().textContent(),
    `setup · ${await page.locator(`${rows}[data-group="0"]`).count()} messages`,
  );
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a command's messages come under its own group, shown from its head", async () => {
  const page = await env.page();
  await typeLine(page, 'cat /data/notes/todo.txt');
  const head = page.locator('[data-testid=ninep-group]', { hasText: '$ cat /data/notes/todo.txt' });
  await head.waitFor();
  const group = await head.getAttribute('data-group');
  assert.equal(group, '1');
  const mine = await page.locator(`${rows}[data-group="1"]`).evaluateAll((rs) => rs.map((r) => r.cells[2].textContent));
  assert.ok(
    mine.some((t) => t.startsWith('Tread')),
    mine.join(' | '),
  );
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await visible(page, `[data-testid=ninep-group][data-group="1"]`), true);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a row opens by keyboard: every field decoded, each lit on its bytes and back', async () => {
  const page = await env.page();
  await page.locator('#ninep-conn').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'ninep-message');
  // The first row is Tversion; ↓ goes to Tattach, ↑ back, Enter opens.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  const field = (name) => page.locator(`#hex [data-testid=ninep-frame]:first-of-type [data-name="${name}"]`);
  await field('version').waitFor();
  assert.equal(await page.locator(`${rows}.selected`).count(), 1);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'ninep-message', 'focus stays');
  const names = await page
    .locator('#hex [data-testid=ninep-frame]')
    .first()
    .locator('[data-testid=ninep-field]')
    .evaluateAll((fs) => fs.map((f) => `${f.dataset.name}=${f.cells[1].textContent}`));
  assert.deepEqual(names.slice(0, 5), [
    'size=30',
    'type=100 (Tversion)',
    'tag=65535 (NOTAG: Tversion carries no tag)',
    'msize=1048576',
    'version="9P2000.L.Google.6"',
  ]);
  // The reply decodes too.
  assert.match(await page.locator('#hex [data-testid=ninep-frame]').nth(1).textContent(), /Rversion/);
  // Focus (keyboard) or hover a field: its bytes light up, 2 + 17 of them.
  await field('version').focus();
  const lit = () => page.locator('#hex [data-testid=ninep-frame]').first().locator('.hexdump .lit').allTextContents();
  assert.equal((await lit()).length, 19);
  assert.deepEqual((await lit()).slice(0, 3), ['11', '00', '39']);
  await field('msize').hover();
  assert.deepEqual(await lit(), ['00', '00', '10', '00']);
  // And back: a byte lights the innermost field that holds it.
  await page.locator('#hex [data-testid=ninep-frame]').first().locator('.hexdump [data-i="5"]').hover();
  assert.equal(
    await page.locator('#hex [data-testid=ninep-frame]').first().locator('tr.lit').getAttribute('data-name'),
    'tag',
  );
  await shot(page, 'x-inspector-decode');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("setup's ENOENT walks are expected: not alarm red, and a tooltip says why", async () => {
  const page = await env.page();
  await page.selectOption('#ninep-conn', '0:0');
  const expected = page.locator(`${rows}.expected`);
  assert.ok((await expected.count()) >= 3);
  assert.equal(await page.locator(`${rows}.err`).count(), 0);
  assert.match(
    await expected.first().getAttribute('title'),
    /^expected: setup looks "dev" up on the host and it is not there; the mount point is a stub directory/,
  );
  const color = await expected
    .first()
    .locator('td')
    .nth(3)
    .evaluate((td) => getComputedStyle(td).color);
  assert.notEqual(color, 'rgb(194, 65, 59)');
  await expected.first().click();
  assert.match(await page.getByTestId('ninep-expected').textContent(), /addSubmountOverlay/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('decision log rows are focusable and Enter picks one', async () => {
  const page = await env.page();
  await page.getByRole('tab', { name: 'decision log' }).click();
  const first = page.getByTestId('decision-row').first();
  await first.focus();
  const target = await page.getByTestId('decision-row').nth(2).locator('td').nth(2).textContent();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#details h3').textContent(), target);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'decision-row', 'focus stays');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
