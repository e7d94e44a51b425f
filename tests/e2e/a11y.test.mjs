// Accessibility: axe-core (through @axe-core/playwright) finds no serious or
// critical violation on the default page, each view tab, the Compare view, a
// lesson, the tour, an input error, a failed setup, and the phone layout with its explanation sheet open. Other
// files check their own pages with the same helper:
//   import { checkA11y } from './a11y-helper.mjs';  await checkA11y(page, 'compare view');
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, shot } from './harness.mjs';
import { checkA11y } from './a11y-helper.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

// Replaces the editor's text (the page re-simulates once typing pauses).
async function setSpec(page, text) {
  await page.getByTestId('spec-editor').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

// Visible text set below 11 px, as "tag.class: size 'text'".
const SMALL_TEXT = () => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const el = walk.currentNode.parentElement;
    if (!walk.currentNode.textContent.trim() || !el.getClientRects().length) continue;
    if (el.closest('[aria-hidden=true], .visually-hidden')) continue;
    const size = Number.parseFloat(getComputedStyle(el).fontSize);
    if (size < 11)
      out.push(
        `${el.tagName.toLowerCase()}.${el.className}: ${size}px '${walk.currentNode.textContent.trim().slice(0, 20)}'`,
      );
  }
  return out;
};

test('the default page and every view tab: no serious or critical axe violation, no text under 11 px', async () => {
  const page = await env.page();
  await checkA11y(page, 'default page');
  assert.deepEqual(await page.evaluate(SMALL_TEXT), [], 'text smaller than 11 px');
  for (const name of ['/proc/mounts', 'mountinfo', 'restore env', /warnings/, 'decision log', /9P inspector/]) {
    await page.getByRole('tab', { name }).click();
    await checkA11y(page, `tab ${name}`);
  }
  // The Compare view, with a difference picked (each engine's decision open).
  await page.getByTestId('compare-tab').click();
  await page.locator('[data-testid=compare-diff]').first().click();
  await page.locator('[data-testid=compare-decision]').first().waitFor();
  await checkA11y(page, 'compare view');
  await page.getByRole('tab', { name: /9P inspector/ }).click();
  // A selected mount's explanation.
  await page.locator('[data-testid=mount-node][data-path="/data"]').first().click();
  await checkA11y(page, 'why /data');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a lesson in progress, the lessons list and the tour pass axe', async () => {
  const page = await env.page();
  await page.getByTestId('lessons-open').click();
  await page.getByTestId('lessons').waitFor();
  await checkA11y(page, 'lessons list');
  await page.locator('[data-testid=lesson-item][data-lesson="overlay-copy-up"]').click();
  await page.getByTestId('lesson-title').waitFor();
  await page.getByTestId('lesson-try').click();
  await page.getByTestId('lesson-try').filter({ hasText: 'Again' }).waitFor();
  await checkA11y(page, 'lesson in progress');
  await page.context().close();
  const tour = await env.page(`${env.base}?tour`);
  await tour.locator('.driver-popover').waitFor();
  await checkA11y(tour, 'tour');
  assert.deepEqual(tour.errors, []);
  await tour.context().close();
});

test('an invalid spec: the error is announced, and the page passes axe', async () => {
  const page = await env.page();
  await setSpec(page, '{"spec": {"mounts": "not a list"}}');
  const error = page.getByTestId('error');
  await error.waitFor({ state: 'visible' });
  assert.equal(await error.getAttribute('role'), 'alert', 'the error banner is an assertive live region');
  assert.equal(await page.getByTestId('status').getAttribute('role'), 'status');
  assert.match(await page.getByTestId('status').textContent(), /input error/);
  await shot(page, 'a11y-input-error');
  await checkA11y(page, 'input error');
  await page.context().close();
});

test('a failed setup and a runsc panic pass axe', async () => {
  const page = await env.page();
  await page.selectOption('#preset', 'symlink-destination.json');
  await page.waitForFunction(() => document.querySelector('[data-testid=error]').dataset.kind === 'setup');
  await checkA11y(page, 'failed setup');
  await setSpec(
    page,
    JSON.stringify({ spec: { ociVersion: '1.0.0', mounts: [{ destination: '/b', type: 'bind' }] }, gofer_fds: [3] }),
  );
  await page.waitForFunction(() => document.querySelector('[data-testid=error]').dataset.kind === 'fatal');
  await checkA11y(page, 'runsc panic');
  await page.context().close();
});

test('the phone layout with the explanation sheet open passes axe', async () => {
  const page = await env.page(undefined, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.locator('[data-testid=mount-node][data-path="/data"]').first().click();
  await page.getByTestId('why-sheet').waitFor({ state: 'visible' });
  await checkA11y(page, 'phone sheet');
  await page.context().close();
});

// What shows an element's focus: the element itself, or the box drawn for a
// control hidden inside it (the --overlay switch's track, a file input's
// label button, CodeMirror's editor, xterm's terminal, a tree item's row).
// A ring is an outline of 2 px or more, or a box-shadow that focus adds.
const RING_PROBE = () => {
  const shown = (el) => {
    if (el.matches('.switch input')) return el.parentElement.querySelector('.track');
    if (el.matches('label.button input[type=file]')) return el.closest('label');
    if (el.closest('.cm-editor')) return el.closest('.cm-editor');
    if (el.closest('.terminal')) return el.closest('.terminal');
    if (el.matches('[role=treeitem]')) return el.querySelector('.node') || el;
    return el;
  };
  const look = (el) => {
    const s = getComputedStyle(el);
    return {
      style: s.outlineStyle,
      width: Number.parseFloat(s.outlineWidth),
      color: s.outlineColor,
      shadow: s.boxShadow,
    };
  };
  const focusable = [
    ...document.querySelectorAll('a[href], button, select, input, textarea, [tabindex]:not([tabindex="-1"])'),
  ].filter((el) => !el.disabled && el.getClientRects().length && !el.closest('[hidden], [inert]'));
  const out = [];
  for (const el of focusable) {
    document.activeElement?.blur();
    const before = look(shown(el));
    el.focus();
    if (document.activeElement !== el) continue;
    const after = look(shown(el));
    const outline = after.style !== 'none' && after.width >= 2 && !after.color.endsWith(', 0)');
    const shadow = after.shadow !== before.shadow && after.shadow !== 'none';
    out.push({ what: el.id || el.dataset.testid || el.className || el.tagName, ring: outline || shadow, ...after });
  }
  const sel = document.querySelector('#tree [aria-selected=true] .node, #tree .node[aria-selected=true]');
  return { rings: out, selection: sel ? getComputedStyle(sel).borderColor : null };
};

test('every focusable control shows a focus ring, and it is not the selection colour', async () => {
  const page = await env.page();
  await page.keyboard.press('Tab'); // keyboard modality: focus() now shows :focus-visible
  const { rings, selection } = await page.evaluate(RING_PROBE);
  assert.ok(rings.length >= 20, `${rings.length} focusable controls checked`);
  const missing = rings.filter((r) => !r.ring);
  assert.deepEqual(missing, [], 'controls without a visible focus ring');
  assert.ok(selection, 'a mount is selected');
  const same = rings.filter((r) => r.style !== 'none' && r.color === selection);
  assert.deepEqual(same, [], `focus rings drawn in the selection colour ${selection}`);
  assert.ok(
    rings.some((r) => r.what === 'overlay'),
    'the --overlay switch is checked',
  );
  await page.context().close();
});
