// The engine selector: the same preset rebuilt on runsc 2018, today's
// runsc and runc; every view draws for each engine without a JS error,
// and each shows that engine's own facts (its /proc/mounts format, the 9P
// inspector's note about the gofer, the 2018-only flags switched off).
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

const tabs = ['9P inspector', '/proc/mounts', 'mountinfo', 'restore env', 'warnings', 'decision log'];

async function everyView(page) {
  for (const name of tabs) {
    await page.getByRole('tab', { name: new RegExp(`^${name.replace('/', '\\/')}`) }).click();
  }
  await page.getByRole('tab', { name: '/proc/mounts' }).click();
  return page.getByTestId('proc-mounts').textContent();
}

test('the engine selector rebuilds the sandbox and every view draws for each engine', async () => {
  const page = await env.page();
  const select = page.getByTestId('engine');
  // runsc 2018, the default: overlayfs in /proc/mounts, both flags on.
  let mounts = await everyView(page);
  assert.match(mounts, /^none \/ overlayfs rw 0 0$/m);
  assert.equal(await page.getByTestId('overlay-toggle').isDisabled(), false);

  await select.selectOption('runsc');
  await page.waitForFunction(() =>
    /^none \/ overlay rw/m.test(document.querySelector('[data-testid=proc-mounts]').textContent),
  );
  mounts = await everyView(page);
  assert.match(
    mounts,
    /^none \/proc proc rw,nosuid,nodev,noexec,dentry_cache_limit=1000 0 0$|^none \/proc proc rw,noexec,nosuid,dentry_cache_limit=1000 0 0$/m,
  );
  assert.equal(await page.getByTestId('overlay-toggle').isDisabled(), true);
  await page.getByRole('tab', { name: /9P inspector/ }).click();
  assert.match(await page.locator('#ninep-meta').textContent(), /LISAFS/);
  // The 2018 preset's config.overlay is set aside, with a note.
  assert.match(
    await page.locator('#notes').textContent(),
    /config\.overlay is a key of engine runsc-2018, ignored on engine runsc/,
  );
  // The shell reads today's format too.
  assert.match(await typeLine(page, 'cat /proc/mounts'), /none \/ overlay rw 0 0/);
  await shot(page, '20-engine-runsc');

  await select.selectOption('runc');
  await page.waitForFunction(() =>
    /^\/dev\/sda1 \/ ext4 /m.test(document.querySelector('[data-testid=proc-mounts]').textContent),
  );
  mounts = await everyView(page);
  assert.match(mounts, /^proc \/proc proc rw,/m);
  await page.getByRole('tab', { name: /9P inspector/ }).click();
  assert.equal(await page.locator('#ninep-meta').textContent(), 'runc has no gofer: the kernel mounts directly');
  assert.equal(await page.getByTestId('file-access').isDisabled(), true);
  assert.match(await typeLine(page, 'cat /proc/mounts'), /\/dev\/sda1 \/ ext4 /);
  await shot(page, '21-engine-runc');

  // Back to the scenario's own engine.
  await select.selectOption('');
  await page.waitForFunction(() =>
    /^none \/ overlayfs rw 0 0$/m.test(document.querySelector('[data-testid=proc-mounts]').textContent),
  );
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
