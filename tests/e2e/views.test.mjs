// End-to-end checks of the pieces main.js's split moved: replaying steps
// (failures included) from a share link, Reset, the decision log and 9P
// inspector picks, and the stale tree of an input error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeShare, decodeShare } from '../../www/src/share.js';
import { start, shot, repo, artifacts, submitContainer } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const child = JSON.parse(readFileSync(join(repo, 'www/presets/child-container.json'), 'utf8')).spec;
const docker = readFileSync(join(repo, 'www/presets/docker-default.json'), 'utf8');
const terminal = (page) => page.getByTestId('terminal-output').textContent();

test("a share link replays failing steps with the engine's results, and Reset forgets them", async () => {
  const hash = await encodeShare({
    scenario: docker,
    overlay: false,
    file_access: 'exclusive',
    steps: [
      { sh: 'cat /nope' },
      { container: { add: { cid: 'c1', spec: child } } },
      // The same id again: the engine refuses it (EEXIST), the replay goes on.
      { container: { add: { cid: 'c1', spec: child } } },
      { bogus: 1 },
      { sh: 'ls /__runsc_containers__' },
    ],
  });
  const page = await env.page(`${env.base}#${hash}`);
  await page.locator('[data-testid=container-list] [data-cid=c1]').waitFor();
  const out = await terminal(page);
  assert.match(out, /replaying a shared session: 5 step\(s\)/);
  assert.match(out, /# cat \/nope\ncat: \/nope: no such file or directory\n/);
  assert.match(out, /\nstarted container c1\n/);
  assert.match(out, /failed to start container c1: failed to create new process: create directory "c1": file exists/);
  // The engine's replay names the step in the scenario's own numbering.
  assert.match(
    out,
    /\nsteps\[3\]\.bogus is not a key this object takes \(it takes "container", "exec", "sh", "restore"\) \(parser: unknown field `bogus`, expected one of `container`, `exec`, `sh`, `restore`\)\n/,
  );
  assert.match(out, /# ls \/__runsc_containers__\nc1\n/);
  await shot(page, '10-replay-failures');
  // Reset: no container, a fresh terminal, and a link with no steps.
  await page.waitForFunction((h) => location.hash !== `#${h}`, hash);
  const replayed = await page.evaluate(() => location.hash);
  // The step the engine could not read is not kept; the refused add is.
  assert.equal((await decodeShare(replayed)).steps.length, 4);
  await page.locator('#reset').click();
  await page.locator('[data-testid=container-list] [data-cid=c1]').waitFor({ state: 'detached' });
  assert.doesNotMatch(await terminal(page), /replaying/);
  await page.waitForFunction((h) => location.hash !== h, replayed);
  const shared = await decodeShare(await page.evaluate(() => location.hash));
  assert.deepEqual(shared.steps, []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('Start container takes a child spec the scenario format takes (no process.user)', async () => {
  const page = await env.page();
  const spec = { ...child, process: { args: ['sh'], cwd: '/' } };
  const file = join(artifacts, 'child-without-user.json');
  writeFileSync(file, JSON.stringify(spec));
  await page.getByTestId('container-id').fill('nouser');
  await page.getByTestId('container-spec-file').setInputFiles(file);
  await page.getByTestId('container-submit').click();
  await page.locator('[data-testid=container-list] [data-cid=nouser]').waitFor();
  assert.equal(await page.locator('#container-error').isVisible(), false);
  assert.match(await terminal(page), /started container nouser/);
  // A bad child spec is refused with the JSON path, as a scenario file's would be.
  writeFileSync(file, JSON.stringify({ ...spec, mounts: [{ destination: '/x', type: 'tmpfs', options: 'ro' }] }));
  await submitContainer(page, 'bad', file);
  await page.locator('#container-error:not([hidden])').waitFor();
  assert.match(
    await page.locator('#container-error').textContent(),
    /spec\.mounts\[0\]\.options must be a list of strings/,
  );
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('picks in the decision log and the 9P inspector', async () => {
  const page = await env.page();
  await page.getByRole('tab', { name: 'decision log' }).click();
  await page.locator('#decisions tr', { hasText: '/data' }).click();
  assert.equal(await page.locator('#details h3').textContent(), '/data');
  assert.equal(await page.locator('.node.selected').getAttribute('data-path'), '/data');
  await page.getByRole('tab', { name: /9P inspector/ }).click();
  const conns = await page.locator('#ninep-conn option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(conns.length >= 2, conns.join(','));
  await page.selectOption('#ninep-conn', conns[1]);
  assert.match(
    await page.locator('#ninep-meta').textContent(),
    new RegExp(`^gofer ${conns[1].replace(':', ' · conn ')}`),
  );
  const first = page.locator('[data-testid=ninep-message]').first();
  await first.click();
  assert.equal(await page.locator('[data-testid=ninep-message].selected').count(), 1);
  // The frames are decoded in the engine's worker, so they arrive a moment later.
  await page.locator('#hex .hex-title strong').first().waitFor();
  const [req, rep] = await page.locator('#hex .hex-title strong').allTextContents();
  assert.match(req, /^T[a-z]+$/);
  assert.match(rep, /^R[a-z]+$/);
  assert.match(await first.textContent(), new RegExp(`${req} `));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a message picked on one 9P connection is not shown on the next one the inspector follows', async () => {
  const page = await env.page();
  await page.getByRole('tab', { name: /9P inspector/ }).click();
  await page.locator('[data-testid=ninep-message]').nth(3).click();
  assert.equal(await page.locator('[data-testid=ninep-message].selected').count(), 1);
  const before = await page.locator('#ninep-meta').textContent();
  // A started container talks on new connections; the inspector follows them.
  await page.getByTestId('container-id').fill('web');
  await page.getByTestId('container-spec-file').setInputFiles(join(repo, 'www/presets/child-container.json'));
  await page.getByTestId('container-submit').click();
  await page.locator('[data-testid=container-list] [data-cid=web]').waitFor();
  await page.waitForFunction((b) => document.querySelector('#ninep-meta').textContent !== b, before);
  assert.equal(await page.locator('[data-testid=ninep-message].selected').count(), 0);
  assert.match(await page.locator('#hex').textContent(), /^Select a message/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("an edited config moves the controls; a child's Terminal button and the views' targets follow it", async () => {
  const page = await env.page();
  const scenario = { config: { overlay: true, file_access: 'shared' }, spec: JSON.parse(docker).spec };
  await page.locator('.cm-content').fill(JSON.stringify(scenario, null, 2));
  await page.waitForFunction(() => document.querySelector('[data-testid=overlay-toggle]').checked);
  assert.equal(await page.getByTestId('file-access').inputValue(), 'shared');
  // overlay with shared file access: runsc's command line would refuse it.
  assert.match(await page.locator('#notes').textContent(), /overlay flag is incompatible with shared file access/);
  await page.getByTestId('container-id').fill('w1');
  await page.getByTestId('container-submit').click();
  await page.locator('[data-cid=w1] button', { hasText: 'Terminal' }).click();
  assert.equal(await page.locator('#term-target').inputValue(), 'w1');
  const before = (await terminal(page)).length;
  await page.keyboard.type('pwd');
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=terminal-output]').textContent.length > n + 10,
    before,
  );
  // The line runs in the child, and the next prompt names it.
  assert.match((await terminal(page)).slice(before), /^pwd\n\/\nw1@sandbox # $/);
  await page.getByRole('tab', { name: '/proc/mounts' }).click();
  await page.selectOption('#proc-target', 'w1');
  assert.match(
    await page.getByTestId('proc-mounts').textContent(),
    // The child's own table: its read-only bind, which the root does not have.
    /^none \/shared 9p ro 0 0$/m,
  );
  // Destroyed, it leaves every target select.
  await page.locator('[data-cid=w1] [data-testid=destroy-container]').click();
  await page.locator('[data-cid=w1]').waitFor({ state: 'detached' });
  for (const id of ['term-target', 'proc-target', 'mountinfo-target']) {
    assert.deepEqual(await page.locator(`#${id} option`).evaluateAll((os) => os.map((o) => o.value)), ['']);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an input error keeps the last tree, marked stale, until the text is fixed', async () => {
  const page = await env.page();
  const good = JSON.stringify({ ociVersion: '1.0.0', mounts: [{ destination: '/ok', type: 'tmpfs' }] }, null, 2);
  await page.locator('.cm-content').fill(good);
  await page.locator('[data-testid=mount-node][data-path="/ok"]').waitFor();
  await page.locator('.cm-content').fill(good.replace('"tmpfs"', '["tmpfs"]'));
  await page.waitForFunction(() => document.querySelector('[data-testid=error]').dataset.kind === 'input');
  assert.equal(await page.getByTestId('status').textContent(), 'input error');
  assert.match(await page.getByTestId('mount-tree').getAttribute('class'), /\bstale\b/);
  assert.equal(await page.locator('[data-testid=mount-node][data-path="/ok"]').count(), 1);
  assert.match(
    await page.locator('#input-error').textContent(),
    /^line 6, at mounts\[0\]\.type: must be a string in double quotes/,
  );
  await page.locator('.cm-content').fill(good);
  await page.waitForFunction(() => !document.querySelector('[data-testid=mount-tree]').classList.contains('stale'));
  assert.equal(await page.getByTestId('error').isVisible(), false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
