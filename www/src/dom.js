// Small DOM helpers shared by the views and controls.
import { h } from './render.js';

export const $ = (id) => document.getElementById(id);

// The first file chosen in a file input, read as text; null when none.
export async function readFile(input) {
  const f = input.files?.[0];
  return f ? { name: f.name, text: await f.text() } : null;
}

// Fills a "run in / as seen from" select with the root and the live child
// containers, keeping its choice while that container lives.
export function fillTargets(sel, cids) {
  const cur = sel.value;
  sel.replaceChildren(
    h('option', { value: '' }, 'root container'),
    ...cids.map((c) => h('option', { value: c }, `container ${c}`)),
  );
  sel.value = cids.includes(cur) ? cur : '';
}

// Draws into `el` now if it is shown, else once it is (a hidden tab's panel
// is drawn when its tab is selected): a spec of thousands of mounts has
// thousands of rows, and the main thread should not build them for nobody
// (tests/e2e/perf.test.mjs). The newest draw per element wins.
const unshown = new Map();
export function drawWhenShown(el, draw) {
  if (el.closest('[hidden]')) unshown.set(el, draw);
  else {
    unshown.delete(el);
    draw();
  }
}
new MutationObserver(() => {
  for (const [el, draw] of unshown) if (!el.closest('[hidden]')) drawWhenShown(el, draw);
}).observe(document.body, { attributes: true, attributeFilter: ['hidden'], subtree: true });
