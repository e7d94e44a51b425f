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
