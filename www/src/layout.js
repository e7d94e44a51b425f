// The page's layout and accessibility glue that belongs to no view: the view
// tabs (tabs.js), the loading state until the engine is ready, and on a
// phone the "Why this mount?" sheet under the tapped mount. Loaded from
// index.html after main.js, so its subscribers run after the views drew.
import { $ } from './dom.js';
import { wasmReady } from './engine.js';
import { state, subscribe } from './state.js';
import './tabs.js';

// ---- Loading: index.html starts with the controls disabled (their
// fieldsets), the panes inert and "loading the engine…"; the size is the
// engine's as this server sends it (compressed, with serve.mjs).
const wasmUrl = new URL('../pkg/mountlab_bg.wasm', import.meta.url);
const loadingText = $('loading-text');

function kb(bytes) {
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

async function showSize() {
  try {
    const r = await fetch(wasmUrl, { method: 'HEAD' });
    const n = Number(r.headers.get('content-length'));
    if (r.ok && n > 0 && !$('loading').hidden) loadingText.textContent = `loading the engine, ${kb(n)}…`;
  } catch {
    // No size then: the text stays "loading the engine…".
  }
}

function ready() {
  for (const f of document.querySelectorAll('.topbar fieldset')) f.disabled = false;
  const main = document.querySelector('main.layout');
  main.inert = false;
  main.removeAttribute('aria-busy');
  $('loading').hidden = true;
}

showSize();
Promise.resolve(wasmReady).then(ready, (e) => {
  $('loading').dataset.kind = 'error';
  loadingText.textContent = `The engine could not load: ${e?.message || e}. Reload to try again.`;
});

// ---- The phone's sheet. Below 768 px the panes stack; a tapped mount's
// explanation opens as a sheet right under it rather than in the side pane
// a screen further down. The sheet (index.html, beside #tree in
// .tree-scroll) is laid over the tree at the tapped row, and the row gets a
// bottom margin of the sheet's height, so the mounts below move down to
// make room. #details moves into the sheet and back; it never enters the
// tree's own DOM, which the tree redraws as it likes.
const phone = matchMedia('(max-width: 767.98px)');
const tree = $('tree');
const sheet = $('why-sheet');
const details = $('details');
const home = { parent: details.parentElement, next: details.nextSibling };
let pendingOpen = false; // a tap on a mount: the sheet opens for what it selects
let sheetPath = null; // the mount the sheet is open for
let anchored = null; // the row given the margin

// The selected mount's own row (the row, not its subtree, gets the sheet):
// the treeitem's first mount-node (the treeitem itself, or the row it holds
// above its group), else its first child when it holds its subtree.
function selectedRow() {
  const item = tree.querySelector('[role=treeitem][aria-selected=true]');
  if (!item) return null;
  if (item.matches('[data-testid=mount-node]')) return item;
  return (
    item.querySelector('[data-testid=mount-node]') ||
    (item.querySelector('[role=group]') ? item.firstElementChild : item)
  );
}

function unanchor() {
  if (anchored) anchored.style.marginBottom = '';
  anchored = null;
}

function close() {
  unanchor();
  if (!sheet.hidden) {
    sheet.hidden = true;
    home.parent.insertBefore(details, home.next);
    document.body.classList.remove('sheet-open');
  }
}

function place() {
  if (pendingOpen) {
    sheetPath = state.selected;
    pendingOpen = false;
  }
  const row = phone.matches && sheetPath != null && sheetPath === state.selected ? selectedRow() : null;
  if (!row) {
    close();
    return;
  }
  const opening = sheet.hidden;
  if (opening) {
    sheet.append(details);
    sheet.hidden = false;
    document.body.classList.add('sheet-open');
  }
  if (anchored !== row) unanchor();
  anchored = row;
  const box = sheet.parentElement;
  const top = row.getBoundingClientRect().bottom - box.getBoundingClientRect().top + box.scrollTop;
  sheet.style.top = `${Math.round(top + 4)}px`;
  row.style.marginBottom = `${sheet.offsetHeight + 10}px`;
  if (opening) sheet.scrollIntoView({ block: 'nearest' });
}

// Capture: the tree's own click handler selects (and may stop the event).
tree.addEventListener(
  'click',
  (e) => {
    if (phone.matches && e.target.closest('[role=treeitem]')) pendingOpen = true;
  },
  true,
);
tree.addEventListener(
  'keydown',
  (e) => {
    if (phone.matches && (e.key === 'Enter' || e.key === ' ')) pendingOpen = true;
  },
  true,
);
$('why-sheet-close').addEventListener('click', () => {
  sheetPath = null;
  const row = selectedRow();
  close();
  row?.closest('[role=treeitem]')?.focus();
});
subscribe(['input', 'view', 'selection'], place);
// The tree may redraw on its own (a filter, a collapse): follow its rows.
new MutationObserver(() => place()).observe(tree, { childList: true, subtree: true });
new ResizeObserver(() => !sheet.hidden && place()).observe(sheet);
phone.addEventListener('change', () => place());
