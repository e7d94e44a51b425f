// End-to-end: diagnostics (#19) and the editor <-> tree link (#18). The
// engine's lint findings as marks at their spec.mounts[i], the input error's
// clickable location, the highlight both ways, a refused child spec, and a
// file that is not text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, shot, artifacts, repo, submitContainer } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const FIVE = join(repo, 'tests/fixtures/lint/five.json');

async function openFive(page) {
  await page.getByTestId('spec-file').setInputFiles(FIVE);
  await page.locator('[data-testid=mount-node][data-path="/sys2"]').waitFor();
  await page.locator('.cm-lintRange-warning').first().waitFor();
}

// Every diagnostic's message, from CodeMirror's lint panel (Mod-Shift-m).
async function lintMessages(page) {
  await page.locator('.cm-line').first().click();
  await page.keyboard.press('Control+Shift+KeyM');
  const items = page.locator('.cm-panel-lint li');
  await items.first().waitFor();
  const texts = await items.locator('.cm-diagnosticText').allTextContents();
  await page.keyboard.press('Escape');
  return texts;
}

test('lint marks at each spec.mounts[i], with the reason and the rule', async () => {
  const page = await env.page();
  await openFive(page);
  const warn = (await page.locator('.cm-lintRange-warning').allTextContents()).join('');
  const info = (await page.locator('.cm-lintRange-info').allTextContents()).join('');
  // Changes behaviour: the ignored nfs, none -> sysfs, the dropped size key.
  for (const d of ['/mnt/nfs', '/sys2', '/scratch']) assert.ok(warn.includes(`"${d}"`), `${d} in ${warn}`);
  // Harmless: the /dev/shm the sandbox provides, the relative "data".
  for (const d of ['/dev/shm', 'data']) assert.ok(info.includes(`"${d}"`), `${d} in ${info}`);
  assert.ok(!warn.includes('"/dev/shm"') && !warn.includes('"data"'));
  const tips = {
    '/mnt/nfs':
      /spec\.mounts\[0\]: ignored-type \(changes behaviour\): ignoring unknown filesystem type "nfs" \[getMountNameAndOptions\]/,
    '/dev/shm':
      /spec\.mounts\[1\]: dropped-dev-mount \(harmless\): ignoring dev mount at "\/dev\/shm" \[compileMounts\]/,
    '/sys2': /spec\.mounts\[2\]: converted-type \(changes behaviour\): type "none" is mounted as sysfs/,
    data: /spec\.mounts\[3\]: relative-destination \(harmless\): destination "data" is relative: .* mounted at \/data/,
    '/scratch':
      /spec\.mounts\[4\]: filtered-option \(changes behaviour\): ignoring unsupported key "size" \[parseAndFilterOptions\]/,
  };
  // One mark per entry, a line per finding.
  const marks = await lintMessages(page);
  assert.equal(marks.length, 5, marks.join('\n'));
  const messages = marks.flatMap((m) => m.split('\n'));
  assert.equal(messages.length, 7, messages.join('\n'));
  for (const [dest, re] of Object.entries(tips))
    assert.ok(
      messages.some((m) => re.test(m)),
      `${dest}: ${re}`,
    );
  // The warnings tab groups them by mount, behaviour changes first.
  await page.getByRole('tab', { name: /warnings/ }).click();
  const groups = await page
    .locator('[data-testid=warnings] .warn-group')
    .evaluateAll((els) => els.map((e) => e.dataset.specIndex));
  assert.deepEqual(groups, ['0', '2', '4', '1', '3', '4']);
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, 'L-lint-marks-1440');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'L-lint-marks-1024');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an input error far down: the editor scrolls to it, and its location is a link back', async () => {
  const page = await env.page();
  const mounts = Array.from({ length: 60 }, (_, i) => ({ destination: `/m${i}`, type: 'tmpfs' }));
  mounts[55].options = 'ro';
  const file = join(artifacts, 'far-error.json');
  writeFileSync(file, JSON.stringify({ ociVersion: '1.0.0', mounts }, null, 2));
  await page.getByTestId('spec-file').setInputFiles(file);
  const where = page.getByTestId('error-location');
  await where.waitFor();
  assert.match(
    await page.locator('#input-error').textContent(),
    /^line \d+, at mounts\[55\]\.options: must be a list of strings, e\.g\. \["ro"\] \(parser: invalid type: string "ro", expected a sequence\)$/,
  );
  const marker = page.locator('.cm-lintRange-error');
  const inView = async () => {
    const s = await page.locator('.cm-scroller').boundingBox();
    const m = await marker.first().boundingBox();
    return m != null && m.y >= s.y && m.y + m.height <= s.y + s.height;
  };
  await marker.first().waitFor();
  assert.ok(await inView(), 'the editor scrolled to the error by itself');
  await shot(page, 'L-input-error-1440');
  await page.locator('.cm-scroller').evaluate((el) => {
    el.scrollTop = 0;
  });
  await page.waitForFunction(() => !document.querySelector('.cm-lintRange-error'));
  await where.click();
  await marker.first().waitFor();
  assert.ok(await inView(), 'the location link scrolls the editor back to the marker');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'L-input-error-1024');
  await page.context().close();
});

test('a missing comma is marked where the comma belongs, a non-JSON file says so', async () => {
  const page = await env.page();
  const file = join(artifacts, 'missing-comma.json');
  writeFileSync(file, '{\n  "ociVersion": "1.0.0",\n  "mounts": []\n  "hostname": "x"\n}\n');
  await page.getByTestId('spec-file').setInputFiles(file);
  await page.getByTestId('error-location').waitFor();
  assert.equal(
    await page.locator('#input-error').textContent(),
    'line 3: invalid JSON: a comma is missing after line 3 column 15 (parser: expected `,` or `}` at line 4 column 3)',
  );
  const yaml = join(artifacts, 'spec.yaml.json');
  writeFileSync(yaml, 'ociVersion: 1.0.0\nmounts: []\n');
  await page.getByTestId('spec-file').setInputFiles(yaml);
  await page.waitForFunction(() => /not JSON/.test(document.querySelector('#input-error').textContent));
  assert.match(
    await page.getByTestId('error').textContent(),
    /the text is not JSON: a spec or scenario is a JSON object/,
  );
  await page.context().close();
});

test('selecting a mount highlights its spec entry; clicking an entry selects its mount', async () => {
  const page = await env.page();
  await openFive(page);
  await page.locator('[data-testid=mount-node][data-path="/sys2"]').click();
  const hl = page.locator('.cm-mount-highlight');
  await hl.first().waitFor();
  assert.match((await hl.allTextContents()).join(''), /"destination": "\/sys2", "type": "none"/);
  await shot(page, 'L-highlight-1440');
  // A mount the spec did not write (/proc, added by compileMounts) highlights nothing.
  await page.locator('[data-testid=mount-node][data-path="/proc"]').click();
  await hl.first().waitFor({ state: 'detached' });
  // The other way: a click on the /scratch entry selects /scratch in the tree.
  await page.locator('.cm-line', { hasText: '"destination": "/scratch"' }).click();
  await page.locator('[data-testid=mount-node][data-path="/scratch"][aria-selected=true]').waitFor();
  assert.match((await hl.allTextContents()).join(''), /"\/scratch"/);
  // And a warning group links to its mount.
  await page.getByRole('tab', { name: /warnings/ }).click();
  await shot(page, 'L-warnings-1440');
  await page.locator('[data-testid=warnings] .warn-group[data-spec-index="2"] .mount-link').click();
  await page.locator('[data-testid=mount-node][data-path="/sys2"][aria-selected=true]').waitFor();
  // The selected mount's warnings are marked too.
  await page.locator('[data-testid=warnings] .warn-group[data-spec-index="2"][aria-current=true]').waitFor();
  assert.equal(await page.locator('[data-testid=warnings] .warn-group[aria-current=true]').count(), 1);
  await page.context().close();
});

test('a child spec that is not an OCI spec is refused', async () => {
  const page = await env.page();
  const file = join(artifacts, 'not-oci.json');
  writeFileSync(file, JSON.stringify({ foo: 1 }));
  await submitContainer(page, 'junk', file);
  await page.locator('#container-error').waitFor();
  assert.equal(
    await page.locator('#container-error').textContent(),
    'spec is not an OCI spec: it has no "ociVersion" (its keys are "foo")',
  );
  assert.equal(await page.locator('[data-testid=container-list] [data-cid=junk]').count(), 0);
  await page.context().close();
});

test('a file that is not text is refused in words, not "loaded"', async () => {
  const page = await env.page();
  const before = await page.locator('.cm-content').textContent();
  await page.getByTestId('spec-file').setInputFiles({
    name: 'image.png',
    mimeType: 'image/png',
    buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]),
  });
  await page.waitForFunction(() => !document.querySelector('#toast').hidden);
  assert.equal(await page.locator('#toast').textContent(), 'image.png is not a text file: a spec is JSON text');
  const out = await page.getByTestId('terminal-output').textContent();
  assert.match(out, /image\.png is not a text file/);
  assert.doesNotMatch(out, /loaded image\.png/);
  assert.equal(await page.locator('.cm-content').textContent(), before);
  // A real spec still says loaded.
  assert.ok(readFileSync(FIVE, 'utf8').length > 0);
  await page.context().close();
});
