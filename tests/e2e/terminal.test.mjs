// The terminal (#18, #19): a keyboard way out (Esc then Tab), old outputs
// greyed under a separator after a toggle replays the steps, copy-up and
// whiteouts named when they happen, and the sentence of what a toggle did.
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

const inTerminal = (page) => page.evaluate(() => document.getElementById('terminal').contains(document.activeElement));
const transcript = (page) => page.getByTestId('terminal-output').textContent();

test('Esc then Tab (or Shift+Tab) leaves the terminal; Tab alone stays', async () => {
  const page = await env.page();
  assert.equal(
    await page.getByTestId('terminal-hint').textContent(),
    'Esc then Tab leaves the terminal (Shift+Tab goes back)',
  );
  await page.getByTestId('terminal').focus();
  assert.equal(await inTerminal(page), true);
  await page.keyboard.press('Tab');
  assert.equal(await inTerminal(page), true, 'Tab is the shell’s');
  await page.keyboard.press('Escape');
  assert.match(await page.getByTestId('terminal-hint').textContent(), /^Tab or Shift\+Tab now leaves/);
  await page.keyboard.press('Tab');
  assert.equal(await inTerminal(page), false);
  // Back in, then out the other way.
  await page.getByTestId('terminal').focus();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await inTerminal(page), false);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'term-target');
  // Esc then another key disarms it.
  await page.getByTestId('terminal').focus();
  await page.keyboard.press('Escape');
  await page.keyboard.press('a');
  await page.keyboard.press('Tab');
  assert.equal(await inTerminal(page), true);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a toggle greys the old outputs, prints a separator and the replayed ones, and says what changed', async () => {
  const page = await env.page();
  await typeLine(page, 'cat /etc/hostname');
  await typeLine(page, 'ls /data');
  await page.getByTestId('overlay-toggle').setChecked(true, { force: true });
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=terminal-output]').textContent.includes('── replayed'),
  );
  const text = await transcript(page);
  const stale = await page.getByTestId('terminal-stale').textContent();
  assert.match(stale, /# cat \/etc\/hostname\n3f2a9c1b7e04\n/);
  const after = text.slice(stale.length);
  assert.match(after, /^── replayed 2 steps with --overlay on ──\n/);
  assert.match(after, /# cat \/etc\/hostname\n3f2a9c1b7e04\n.*# ls \/data\n/s);
  // On screen the old lines are xterm's grey (bright black), the new ones not.
  const greys = await page.locator('.xterm-rows .xterm-fg-8').allTextContents();
  assert.ok(
    greys.some((t) => t.includes('cat /etc/hostname')),
    greys.join('|'),
  );
  // What the toggle did, in one sentence, and per mount for the tree.
  await page.getByTestId('changes-note').waitFor();
  assert.equal(await page.getByTestId('changes-note').textContent(), '--overlay put a tmpfs upper over 5 mounts');
  const changes = await page.evaluate(() => ({ ...window.mountlab.state.changes }));
  assert.deepEqual(changes, {
    '/': '+ upper',
    '/data': '+ upper',
    '/etc/hostname': '+ upper',
    '/etc/hosts': '+ upper',
    '/etc/resolv.conf': '+ upper',
  });
  await shot(page, 'x-terminal-after-toggle');
  // Off again: a second separator, the first one's output greyed in turn.
  await page.getByTestId('overlay-toggle').setChecked(false, { force: true });
  await page.waitForFunction(() => document.querySelector('[data-testid=changes-note]').textContent.includes('took'));
  assert.match(await transcript(page), /── replayed 2 steps with --overlay off ──\n/);
  assert.match(await page.getByTestId('terminal-stale').textContent(), /replayed 2 steps with --overlay on/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('with --overlay, writing a lower file names its copy-up and rm its whiteout', async () => {
  const page = await env.page();
  await page.getByTestId('overlay-toggle').setChecked(true, { force: true });
  await page.waitForFunction(
    () => document.querySelector('[data-testid=mount-node][data-path="/data"]')?.dataset.fs === 'overlayfs',
  );
  let out = await typeLine(page, 'append /etc/passwd x');
  assert.match(
    out,
    /↳ copied up directory \/etc into the tmpfs upper\n↳ copied up \/etc\/passwd: 74 B read over 9P into the tmpfs upper\n/,
  );
  out = await typeLine(page, 'rm /etc/group');
  assert.match(out, /↳ rm made a whiteout over \/etc\/group in the upper\n/);
  out = await typeLine(page, 'append /etc/passwd y');
  assert.doesNotMatch(out, /copied up/);
  // A replay on a new sandbox copies up again, and says so again.
  await page.getByTestId('file-access').selectOption('shared');
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=terminal-output]').textContent.includes('── replayed 3 steps'),
  );
  const replay = (await transcript(page)).split('── replayed 3 steps with --file-access=shared ──\n')[1];
  assert.match(
    replay,
    /# append \/etc\/passwd x\n↳ copied up directory \/etc into the tmpfs upper\n↳ copied up \/etc\/passwd: 74 B/,
  );
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
