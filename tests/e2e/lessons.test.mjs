// The playground that teaches (#18): the first-run tour end to end, two
// lessons walked step by step (each Try performed, each look-at target
// checked), the why pane's first sentence, and a failed setup that stays
// final (no child container starts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, repo } from './harness.mjs';

const shots = process.env.MOUNTLAB_SHOTS || join(repo, 'test-results', 'lessons');
mkdirSync(shots, { recursive: true });

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const lesson = (id) => JSON.parse(readFileSync(join(repo, 'www/lessons', `${id}.json`), 'utf8'));
const tour = JSON.parse(readFileSync(join(repo, 'www/lessons/tour.json'), 'utf8'));
const terminal = (page) => page.getByTestId('terminal-output').textContent();
const snap = (page, name) => page.screenshot({ path: join(shots, `${name}.png`) });

async function sized(page, width, height, name) {
  await page.setViewportSize({ width, height });
  await page.waitForTimeout(150);
  await snap(page, `${name}-${width}x${height}`);
}

test('the tour opens on a first visit, walks spec → tree → why → shell → 9P, is remembered, and reopens from ?', async () => {
  const page = await env.page(`${env.base}?tour`);
  const pop = page.locator('.driver-popover');
  await pop.waitFor();
  await sized(page, 1440, 900, 'tour-step1');
  await sized(page, 1280, 720, 'tour-step1');
  for (const [i, s] of tour.steps.entries()) {
    await page.locator('.driver-popover-title', { hasText: s.title }).waitFor();
    // driver.js marks the element it points at.
    assert.equal(
      await page.evaluate((sel) => document.querySelector(sel).classList.contains('driver-active-element'), s.target),
      true,
      s.target,
    );
    assert.equal(await page.locator('.driver-popover-progress-text').textContent(), `${i + 1} of ${tour.steps.length}`);
    await page.locator('.driver-popover-next-btn').click();
  }
  await pop.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => localStorage.getItem('mountlab.tour.done')), '1');
  // Remembered: a reload does not open it again.
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  await page.waitForTimeout(300);
  assert.equal(await pop.count(), 0);
  // The ? button reopens it at its first step; Escape dismisses it.
  await page.getByTestId('tour-open').click();
  await pop.waitFor();
  assert.equal(await page.locator('.driver-popover-title').textContent(), tour.steps[0].title);
  await page.keyboard.press('Escape');
  await pop.waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('under automation the tour stays closed unless asked for', async () => {
  const page = await env.page();
  await page.waitForTimeout(300);
  assert.equal(await page.locator('.driver-popover').count(), 0);
  await page.context().close();
});

// Walks a lesson in the page: each Try pressed, each result and look-at
// target checked.
async function walk(page, id, { shotAt = -1 } = {}) {
  const l = lesson(id);
  await page.getByTestId('lessons-open').click();
  await page.locator(`[data-testid=lesson-item][data-lesson="${id}"]`).click();
  await page.getByTestId('lesson-title').filter({ hasText: l.title }).waitFor();
  for (const [i, s] of l.steps.entries()) {
    assert.equal(await page.getByTestId('lesson-count').textContent(), `${i + 1} / ${l.steps.length}`);
    assert.equal(await page.getByTestId('lesson-text').textContent(), s.text, `${id} step ${i + 1}`);
    if (s.try) {
      const out = (await terminal(page)).length;
      await page.getByTestId('lesson-try').click();
      // The step is done (and its target pointed at) once Try reads Again.
      await page.getByTestId('lesson-try').filter({ hasText: 'Again' }).waitFor();
      if (s.expect) {
        const result = page.getByTestId('lesson-result');
        await result.waitFor();
        const text = await result.textContent();
        assert.match(text, /as the lesson says$/, `${id} step ${i + 1}: ${text}`);
        if (s.expect.ninep_messages != null)
          assert.match(text, new RegExp(`\\b${s.expect.ninep_messages} 9P messages?\\b`), text);
      }
      if (s.try.sh) {
        await page.waitForFunction(
          ([n]) => document.querySelector('[data-testid=terminal-output]').textContent.length > n,
          [out],
        );
        const printed = (await terminal(page)).slice(out);
        assert.ok(printed.includes(s.try.sh.line), printed);
        if (s.expect?.output_contains) assert.ok(printed.includes(s.expect.output_contains), printed);
      }
      if (s.try.toggle) {
        const cfg = await page.evaluate(() => window.mountlab.state.config);
        assert.equal(cfg[s.try.toggle.control], s.try.toggle.value);
      }
    }
    // The look-at target is pointed at.
    if (s.look.mount) {
      await page.waitForFunction((m) => window.mountlab.state.selected === m, s.look.mount);
      const node = page.locator(`[data-testid=mount-node][data-path="${s.look.mount}"]`);
      assert.equal(await node.getAttribute('aria-selected'), 'true', s.look.mount);
      assert.equal(await page.locator('#details h3').textContent(), s.look.mount);
    }
    if (s.look.decision) assert.equal(await page.locator('#details h3').textContent(), s.look.decision);
    if (s.look.view) {
      const tab = page.locator(`[role=tab][data-tab="${s.look.view}"]`);
      if (await tab.count()) assert.equal(await tab.getAttribute('aria-selected'), 'true', s.look.view);
      else assert.equal((await page.locator('.lesson-look').count()) > 0, true, s.look.view);
    }
    if (i === shotAt) {
      await sized(page, 1440, 900, `lesson-${id}`);
      await sized(page, 1280, 720, `lesson-${id}`);
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    await page.getByTestId('lesson-next').click();
  }
  // Done goes back to the list.
  await page.locator('[data-testid=lesson-item]').first().waitFor();
}

test('the --overlay and copy-up lesson walks end to end', async () => {
  const page = await env.page();
  await walk(page, 'overlay-copy-up', { shotAt: 2 });
  // The copy-up happened in the engine: /etc/passwd now lives in the upper.
  assert.equal(await page.getByTestId('overlay-toggle').isChecked(), true);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the --file-access lesson counts 0 messages exclusive and 6 shared', async () => {
  const page = await env.page();
  await walk(page, 'file-access');
  assert.equal(await page.getByTestId('file-access').inputValue(), 'shared');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the why pane opens with one sentence, then reasons, then the raw fields collapsed', async () => {
  const page = await env.page();
  const why = async (path) => {
    await page.locator(`[data-testid=mount-node][data-path="${path}"]`).click();
    return page.getByTestId('why-sentence').textContent();
  };
  assert.equal(
    await why('/tmp'),
    "runsc mounted a tmpfs at /tmp because the spec has no /tmp and compileMounts adds an empty tmpfs there (it hides the image's /tmp).",
  );
  assert.equal(
    await why('/data'),
    'runsc mounted /data over 9P because spec.mounts[6] binds the host path "/srv/project-data", and the sandbox cannot open host files itself: the gofer serves it on FD 4.',
  );
  // The sentence comes first, the raw fields are folded.
  const order = await page.evaluate(() => [...document.querySelector('#details').children].map((e) => e.className));
  assert.deepEqual(order.slice(1, 2), ['why-sentence']);
  assert.equal(await page.getByTestId('why-raw').getAttribute('open'), null);
  assert.match(await page.getByTestId('why-quirk').textContent(), /always cache=remote_revalidating/);
  // Glossary terms in the sentence carry their definition.
  assert.match(await page.locator('.why-sentence .term[data-term=gofer]').getAttribute('title'), /^gofer: /);
  await sized(page, 1440, 900, 'why-data');
  await sized(page, 1280, 720, 'why-data');
  // The sentence and the quirk fit the pane at 1280x720, unscrolled.
  const fits = await page.evaluate(() => {
    const pane = document.querySelector('#details').getBoundingClientRect();
    const quirk = document.querySelector('#details .why-quirk').getBoundingClientRect();
    return { pane: pane.height, quirk: quirk.bottom - pane.top };
  });
  assert.ok(fits.pane >= 200 && fits.quirk <= fits.pane, JSON.stringify(fits));
  // The read-only root's quirk.
  await page.getByTestId('preset').selectOption('runc-spec.json');
  await page.waitForFunction(() => window.mountlab.state.view?.report.engine === 'runsc-2018');
  await why('/');
  assert.match(
    await page.getByTestId('why-quirk').textContent(),
    /\/proc\/mounts shows the outer overlay's flags \(rw\); the filesystem underneath is ro, so writes to \/ fail with EROFS/,
  );
  await sized(page, 1280, 720, 'why-readonly-root');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a failed setup is final: the child start is disabled, the engine refuses, the terminal explores', async () => {
  const page = await env.page();
  await page.getByTestId('preset').selectOption('symlink-destination.json');
  await page.waitForFunction(() => window.mountlab.state.view?.report.error);
  assert.equal(await page.getByTestId('container-submit').isDisabled(), true);
  assert.match(await page.getByTestId('setup-failed-note').textContent(), /no child container can start/);
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=terminal-output]').textContent.includes('exploring the partial namespace'),
  );
  // The engine refuses too, whatever the page's buttons say.
  const refused = await page.evaluate(() => {
    const sb = new window.mountlab.api.Sandbox(window.mountlab.state.text, null);
    try {
      sb.addContainer('c9', '{"ociVersion": "1.0.2", "mounts": []}');
      return null;
    } catch (e) {
      return e.message;
    } finally {
      sb.free();
    }
  });
  assert.match(refused, /the root container's setup failed, so the sandbox never booted/);
  // The pane opens on the mount setup failed at, with its cause and fix.
  await page.locator('#details h3', { hasText: '/var/run' }).waitFor();
  assert.match(await page.getByTestId('why-fix').textContent(), /Fix: mount at \/run \(where the link points\)/);
  // Picking the root shows the root; picking the failed mount again shows it.
  await page.locator('[data-testid=mount-node][data-path="/"]').click();
  assert.equal(await page.locator('#details h3').textContent(), '/');
  await page.locator('[data-testid=skipped-mount][data-path="/var/run"]').click();
  assert.match(await page.getByTestId('why-fix').textContent(), /Fix: mount at \/run \(where the link points\)/);
  await sized(page, 1280, 720, 'failed-setup');
  // A good scenario enables the form again.
  await page.getByTestId('preset').selectOption('docker-default.json');
  await page.waitForFunction(() => !window.mountlab.state.view?.report.error);
  assert.equal(await page.getByTestId('container-submit').isDisabled(), false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the glossary panel lists the terms and opens at one clicked in a sentence', async () => {
  const page = await env.page();
  await page.getByTestId('glossary-open').click();
  const g = page.getByTestId('glossary');
  await g.waitFor();
  for (const t of ['gofer', '9P', 'attach point', 'stub dirs', 'remote_revalidating', 'copy-up', 'whiteout'])
    assert.equal(await g.locator(`dt[data-term="${t}"]`).count(), 1, t);
  await page.keyboard.press('Escape');
  await g.waitFor({ state: 'hidden' });
  await page.locator('[data-testid=mount-node][data-path="/data"]').click();
  await page.locator('.why-sentence .term[data-term=gofer]').click();
  await g.waitFor();
  assert.equal(await g.locator('dt.hit').textContent(), 'gofer');
  await page.context().close();
});

test('every other lesson walks in the page as tests/lessons.rs walks it natively', async () => {
  const index = JSON.parse(readFileSync(join(repo, 'www/lessons/index.json'), 'utf8')).lessons;
  for (const { file } of index) {
    const id = file.replace(/\.json$/, '');
    if (id === 'overlay-copy-up' || id === 'file-access') continue;
    const page = await env.page();
    await walk(page, id, { shotAt: id === 'gofer-fd-panic' ? 2 : -1 });
    assert.deepEqual(page.errors, [], id);
    await page.context().close();
  }
});
