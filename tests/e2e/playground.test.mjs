// End-to-end: the playground as a person uses it, in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, shot, typeLine, artifacts, repo } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const nodes = (page) => page.getByTestId('mount-node');
const paths = (page) => nodes(page).evaluateAll((els) => els.map((e) => [e.dataset.path, e.dataset.fs]));

test("opens on Docker's default with a layered tree", async () => {
  const page = await env.page();
  const tree = page.getByTestId('mount-tree');
  await tree.waitFor();
  const p = Object.fromEntries(await paths(page));
  assert.equal(p['/'], 'overlayfs');
  assert.equal(p['/data'], '9p');
  assert.equal(p['/proc'], 'proc');
  assert.equal(p['/__runsc_containers__'], 'tmpfs');
  // The root shows its layers: 9p over ramfs stubs.
  const layers = await page.locator('[data-testid=mount-node][data-path="/"] .layer').allTextContents();
  assert.ok(layers.some((l) => l.includes('9p')) && layers.some((l) => l.includes('stub')), layers.join('|'));
  // A hidden tab's panel is drawn when shown (mounts.js).
  await page.getByRole('tab', { name: /^warnings/ }).click();
  const warnings = await page.getByTestId('warnings').textContent();
  assert.match(warnings, /ignoring unknown filesystem type "cgroup"/);
  assert.match(await page.getByTestId('proc-mounts').textContent(), /^none \/ overlayfs rw 0 0$/m);
  assert.equal(await page.getByTestId('error').isVisible(), false);
  // Click to explain.
  await page.locator('[data-testid=mount-node][data-path="/data"]').click();
  const details = await page.locator('#details').textContent();
  assert.match(details, /spec\.mounts\[6\]/);
  assert.match(details, /getMountNameAndOptions\(\)|mountSubmount\(\)/);
  await shot(page, '01-default');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('loads a spec file, flips overlay and file access', async () => {
  const page = await env.page();
  await page.getByTestId('spec-file').setInputFiles(join(repo, 'www/presets/readonly-root-overlay.json'));
  await page.waitForFunction(() => document.querySelector('[data-testid=mount-node][data-path="/scratch"]'));
  assert.equal(await page.getByTestId('overlay-toggle').isChecked(), true);
  let p = Object.fromEntries(await paths(page));
  assert.equal(p['/data'], 'overlayfs', 'a writable bind is overlaid');
  assert.equal(p['/reference'], '9p', 'a read-only bind is not');
  const dataLayers = await page.locator('[data-testid=mount-node][data-path="/data"] .layer').allTextContents();
  assert.ok(dataLayers[0].includes('tmpfs'), dataLayers.join('|'));
  await shot(page, '02-overlay-on');
  await page.getByTestId('overlay-toggle').setChecked(false, { force: true });
  await page.waitForFunction(
    () => document.querySelector('[data-testid=mount-node][data-path="/data"]')?.dataset.fs === '9p',
  );
  p = Object.fromEntries(await paths(page));
  assert.equal(p['/data'], '9p');
  await page.getByTestId('file-access').selectOption('shared');
  await page.getByRole('tab', { name: 'restore env' }).click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=restore-env]').textContent.includes('cache=remote_revalidating'),
  );
  await shot(page, '03-overlay-off-shared');
  await page.context().close();
});

test('shows a fatal error as a runsc panic, and input errors with their JSON path', async () => {
  const page = await env.page();
  const bad = join(artifacts, 'bad-spec.json');
  writeFileSync(
    bad,
    JSON.stringify({ ociVersion: '1.0.0', mounts: [{ destination: '/x', type: 'tmpfs', options: 'ro' }] }, null, 2),
  );
  await page.getByTestId('spec-file').setInputFiles(bad);
  await page.waitForFunction(() => !document.querySelector('[data-testid=error]').hidden);
  assert.match(
    await page.getByTestId('error').textContent(),
    /spec\.mounts\[0\]\.options must be a list of strings, e\.g\. \["ro"\]/,
  );
  assert.match(
    await page.locator('#input-error').textContent(),
    /line 7, at mounts\[0\]\.options: must be a list of strings/,
  );
  assert.ok((await page.locator('.cm-lintRange-error').count()) >= 1, 'inline marker in the editor');
  await shot(page, '04-input-error');
  const fatal = join(artifacts, 'fatal-spec.json');
  writeFileSync(
    fatal,
    JSON.stringify({ spec: { ociVersion: '1.0.0', mounts: [{ destination: '/b', type: 'bind' }] }, gofer_fds: [3] }),
  );
  await page.getByTestId('spec-file').setInputFiles(fatal);
  await page.waitForFunction(() => document.querySelector('[data-testid=error]').dataset.kind === 'fatal');
  const text = await page.getByTestId('error').textContent();
  assert.match(text, /runsc would panic here/);
  assert.match(text, /fdDispenser out of fds/);
  await shot(page, '05-fatal');
  await page.selectOption('#preset', 'symlink-destination.json');
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=error]').textContent.includes('too many levels of symbolic links'),
  );
  await page.context().close();
});

test('adds and destroys a container', async () => {
  const page = await env.page();
  await page.getByTestId('container-id').fill('web');
  await page.getByTestId('container-spec-file').setInputFiles(join(repo, 'www/presets/child-container.json'));
  await page.getByTestId('container-submit').click();
  await page.locator('[data-testid=container-list] [data-cid=web]').waitFor();
  await page.locator('[data-testid=mount-node][data-path="/__runsc_containers__/web/shared"]').waitFor();
  const p = Object.fromEntries(await paths(page));
  assert.equal(p['/__runsc_containers__/web'], 'overlayfs');
  assert.equal(p['/__runsc_containers__/web/shared'], '9p');
  await page.selectOption('#term-target', 'web');
  const out = await typeLine(page, 'cat /shared/hello.txt');
  assert.match(out, /hello from the child's bind mount/);
  await shot(page, '06-container');
  await page.locator('[data-cid=web] [data-testid=destroy-container]').click();
  await page.locator('[data-testid=container-list] [data-cid=web]').waitFor({ state: 'detached' });
  const after = Object.fromEntries(await paths(page));
  assert.equal(after['/__runsc_containers__/web'], undefined);
  assert.equal(after['/__runsc_containers__'], 'tmpfs');
  await page.context().close();
});

test('runs ls and cat in the terminal and shows their 9P messages', async () => {
  const page = await env.page();
  const msgs = page.locator('[data-testid=ninep-log] [data-testid=ninep-message]');
  let out = await typeLine(page, 'ls /');
  for (const name of ['bin', 'data', 'etc', 'proc', 'tmp']) assert.match(out, new RegExp(`^${name}$`, 'm'));
  const seqBefore = await msgs.last().getAttribute('data-seq');
  out = await typeLine(page, 'cat /data/notes/todo.txt');
  assert.match(out, /read runsc\/boot\/fs\.go/);
  await page.waitForFunction((s) => {
    const rows = document.querySelectorAll('[data-testid=ninep-message]');
    return rows.length && rows[rows.length - 1].dataset.seq !== s;
  }, seqBefore);
  const log = await page.getByTestId('ninep-log').textContent();
  assert.match(log, /Twalk/);
  assert.match(log, /Tread|Tlopen/);
  assert.match(await page.locator('#ninep-conn option:checked').textContent(), /\/data/);
  // The hex view of the newest frame.
  await msgs.last().click();
  // The frames are decoded in the engine's worker, so they arrive a moment later.
  await page.locator('#hex [data-testid=ninep-frame]').first().waitFor();
  assert.match(await page.locator('#hex').textContent(), /0000/);
  await shot(page, '07a-hex');
  out = await typeLine(page, 'cat /nope');
  assert.match(out, /cat: \/nope: no such file or directory/);
  // History: ArrowUp recalls the last line.
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=terminal-output]').textContent.split('cat: /nope').length > 2,
  );
  // The proc root is a ramfs.Dir without CreateOps in gVisor 2018: EACCES.
  out = await typeLine(page, 'mkdir /proc/d');
  assert.match(out, /mkdir: \/proc\/d: permission denied/);
  await shot(page, '07-terminal-9p');
  await page.context().close();
});

test('a share URL replays the scenario and its steps', async () => {
  const page = await env.page();
  await page.getByTestId('overlay-toggle').setChecked(true, { force: true });
  await page.waitForFunction(
    () => document.querySelector('[data-testid=mount-node][data-path="/data"]')?.dataset.fs === 'overlayfs',
  );
  await typeLine(page, 'write /data/new.txt shared-state');
  await page.getByTestId('container-id').fill('c9');
  await page.getByTestId('container-submit').click();
  await page.locator('[data-cid=c9]').waitFor();
  await page.getByTestId('share').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=share]').dataset.url);
  const url = await page.getByTestId('share').getAttribute('data-url');
  assert.match(url, /#s=[A-Za-z0-9_-]+$/);
  await page.context().close();

  const again = await env.page(url);
  await again.locator('[data-cid=c9]').waitFor();
  assert.equal(await again.getByTestId('overlay-toggle').isChecked(), true);
  const out = await typeLine(again, 'cat /data/new.txt');
  assert.match(out, /shared-state/);
  assert.match(await again.getByTestId('terminal-output').textContent(), /write \/data\/new\.txt shared-state/);
  await shot(again, '08-shared');
  assert.deepEqual(again.errors, []);
  await again.context().close();
});

test('every preset loads; editing and dropping a file re-simulate', async () => {
  const page = await env.page();
  const files = await page.locator('#preset option:not([disabled])').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(files.length >= 6);
  for (const f of files) {
    await page.selectOption('#preset', f);
    // The preset is simulated in the engine's worker: wait for its own view
    // (the text it ran is the file's), drawn, not the previous preset's tree.
    const text = readFileSync(join(repo, 'www', 'presets', f), 'utf8');
    await page.waitForFunction((t) => window.mountlab.state.text === t && window.mountlab.state.view, text);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=mount-node]').length > 0);
    const err = await page.getByTestId('error').isVisible();
    assert.equal(err, f === 'symlink-destination.json', `${f}: error banner`);
    if (f === 'kubernetes-pod.json') await shot(page, '09-kubernetes');
  }
  // Typing in the editor re-simulates (debounced).
  await page
    .locator('.cm-content')
    .fill(
      JSON.stringify(
        { ociVersion: '1.0.0', mounts: [{ destination: '/scratch', type: 'tmpfs', options: ['mode=1777'] }] },
        null,
        2,
      ),
    );
  await page.locator('[data-testid=mount-node][data-path="/scratch"]').waitFor();
  // Dropping a file on the editor loads it.
  const text = JSON.stringify({ ociVersion: '1.0.0', mounts: [{ destination: '/dropped', type: 'tmpfs' }] });
  const dt = await page.evaluateHandle((t) => {
    const d = new DataTransfer();
    d.items.add(new File([t], 'dropped.json', { type: 'application/json' }));
    return d;
  }, text);
  await page.dispatchEvent('#editor-pane', 'drop', { dataTransfer: dt });
  await page.locator('[data-testid=mount-node][data-path="/dropped"]').waitFor();
  assert.match(await page.locator('.cm-content').textContent(), /dropped/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
