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

// Scrolls `box` (by default the nearest ancestor of `el` that scrolls) so
// `el` shows, inside its scroll-margins: at its top (block 'start') or just
// enough ('nearest'). Only `box` moves: Element.scrollIntoView would scroll
// the page as well, and a pane that follows what another pane picked must
// not move the page away from the pane the user is looking at. Whole
// pixels, rounded up: scrollTop keeps integers, and a fractional nudge
// would move nothing.
export function scrollWithinBox(el, box = scrollerOf(el), block = 'nearest') {
  if (!box) return;
  const r = el.getBoundingClientRect();
  const b = box.getBoundingClientRect();
  const cs = getComputedStyle(el);
  const top = Number.parseFloat(cs.scrollMarginTop) || 0;
  const bottom = Number.parseFloat(cs.scrollMarginBottom) || 0;
  if (block === 'start' || r.top < b.top + top) box.scrollTop -= Math.ceil(b.top + top - r.top);
  else if (r.bottom + bottom > b.bottom)
    box.scrollTop += Math.ceil(Math.min(r.bottom + bottom - b.bottom, r.top - b.top - top));
}

// The nearest ancestor of `el` that scrolls vertically, or null.
function scrollerOf(el) {
  let sc = el.parentElement;
  while (sc && !/(auto|scroll)/.test(getComputedStyle(sc).overflowY)) sc = sc.parentElement;
  return sc;
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
