// The Compare view: the spec simulated last, set up on two or three engines
// (compareEngines, in Rust), drawn side by side. Picking a difference
// selects its destination in every tree (the main tree too) and opens each
// engine's decision for it; picking a mount in one engine's column, or its
// "use here" button, hands the main session (terminal, views) to that
// engine (controls.js chooseEngine).
import { ENGINES, chooseEngine, engineOf } from './controls.js';
import { $ } from './dom.js';
import { call, compareEnginesTimed } from './engine.js';
import {
  alignRows,
  decisionFor,
  engineLabel,
  renderDecisions,
  renderDifferences,
  renderTrees,
} from './render-compare.js';
import { presets } from './presets.js';
import { h } from './render.js';
import { sourceLink } from './sources.js';
import { pickCompared, selectedNode, setCompareEngines, setComparison, state } from './state.js';
import './compare.css';

const root = $('compare');
const panel = root.closest('.tab-body');

// For the measurement harness: the last comparison's engine time (in the
// worker) and the page's time from the request to the view redrawn (ms).
export const compareTimings = { engine: null, total: null };

// The comparison asked for last; an older answer arriving later is dropped.
let seq = 0;
let asked = null;

const visible = () => panel && !panel.hidden;

// The flags of each engine go with it: compareEngines takes the page's
// --overlay (runsc 2018), --overlay2 (runsc) and rootless (runc).
function options() {
  const c = state.config || {};
  const o = { engines: [...state.compareEngines], overlay: !!c.overlay, rootless: !!c.rootless };
  if (c.overlay2) o.overlay2 = c.overlay2;
  if (c.file_access) o.file_access = c.file_access;
  return o;
}

// Asks the engine for a comparison of the text simulated last, when the
// view is open and the text or the options changed since.
export async function refreshComparison() {
  if (!visible() || !state.text || state.analysis?.ok === false) return;
  const opts = options();
  const key = JSON.stringify([state.text, opts]);
  if (key === asked) return;
  asked = key;
  const mine = ++seq;
  const t0 = performance.now();
  let answer;
  try {
    answer = await compareEnginesTimed(state.text, opts);
  } catch (e) {
    if (mine === seq) setComparison({ error: e.message });
    return;
  }
  if (mine !== seq) return;
  setComparison(answer.value);
  compareTimings.engine = answer.ms;
  compareTimings.total = performance.now() - t0;
}

// The main engine's mount for a destination and the index of its decision.
function mainMount(dest) {
  const i = decisionFor(state.view, dest);
  return { path: (i != null && state.view.report.decisions[i].mount_path) || dest, decision: i };
}

// The destination picked: the one picked in Compare while the main tree
// still shows it, else the destination of the mount selected in the main
// tree (so a pick there is a pick here too).
function pickedDest() {
  const p = state.comparePicked;
  if (p != null && mainMount(p).path === state.selected) return p;
  const node = selectedNode();
  const d = node?.decision != null ? state.view?.report.decisions[node.decision] : null;
  return d && !d.container ? d.destination : state.selected;
}

// Picks a destination in every tree: the Compare columns and the main tree
// (the main engine's mount for it, with its decision). Picked in an
// engine's column, that engine first becomes the main session's.
async function pick(dest, engine = null) {
  if (engine && engine !== engineOf()) await chooseEngine(engine);
  if (dest == null) return;
  const m = mainMount(dest);
  pickCompared(dest, m.path, m.decision);
}

function engineChooser() {
  const chosen = state.compareEngines;
  return h(
    'fieldset',
    { class: 'compare-engines' },
    h('legend', {}, 'Compare'),
    ENGINES.map((e) => {
      const on = chosen.includes(e);
      return h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          'data-testid': `compare-engine-${e}`,
          checked: on,
          // Two engines at least: the last two stay checked.
          disabled: on && chosen.length <= 2,
          onchange: (ev) => {
            const next = ev.target.checked
              ? ENGINES.filter((x) => x === e || chosen.includes(x))
              : chosen.filter((x) => x !== e);
            setCompareEngines(next);
          },
        }),
        ` ${engineLabel(e)}`,
      );
    }),
  );
}

const expandButton = () =>
  h(
    'button',
    {
      type: 'button',
      class: 'button ghost small',
      'data-testid': 'compare-expand',
      'aria-pressed': String(document.body.classList.contains('compare-wide')),
      title: 'Show the comparison over the whole page (Esc closes)',
      onclick: () => {
        document.body.classList.toggle('compare-wide');
        drawCompare();
      },
    },
    document.body.classList.contains('compare-wide') ? 'Close wide view' : 'Wide view',
  );

export function drawCompare() {
  if (!visible()) return;
  const cmp = state.comparison;
  const engines = state.compareEngines.filter((e) => !cmp?.diff || cmp.diff.engines.includes(e));
  const head = h(
    'div',
    { class: 'compare-head' },
    engineChooser(),
    h('span', { class: 'hint' }, 'the spec as set up, before any step · each engine with its own flags'),
    expandButton(),
  );
  const preset = presets.find((p) => p.file === state.preset);
  if (preset) head.append(h('p', { class: 'compare-about', 'data-testid': 'compare-about' }, preset.description));
  if (!cmp) return root.replaceChildren(head, h('p', { class: 'muted pad' }, 'Comparing…'));
  if (cmp.error) return root.replaceChildren(head, h('p', { class: 'detail-error pad' }, cmp.error));
  const rows = alignRows(cmp);
  const picked = pickedDest();
  const count = $('compare-count');
  if (count) count.textContent = String(rows.filter((r) => r.differs).length);
  const diffs = h('div', { class: 'compare-diff-list' });
  const trees = h('div', { class: 'compare-trees', style: `--cols:${engines.length}` });
  const decisions = h('div', { class: 'compare-decisions', style: `--cols:${engines.length}` });
  renderDifferences(diffs, rows, engines, { selected: picked, onPick: (d) => pick(d) });
  renderTrees(trees, rows, engines, {
    selected: picked,
    main: engineOf(),
    onPick: (d, e) => pick(d, e),
    onUse: (e) => pick(null, e),
  });
  renderDecisions(decisions, cmp, engines, picked, sourceLink);
  root.replaceChildren(
    head,
    h('div', { class: 'compare-body' }, diffs, h('div', { class: 'compare-main' }, trees, decisions)),
  );
}

// Opening the tab compares (the comparison waits while the tab is closed).
// tabs.js says when the panel is shown: a click on the tab, arrow keys or
// a share link's view.
panel?.addEventListener('tabshow', () => {
  drawCompare();
  refreshComparison();
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && document.body.classList.contains('compare-wide')) {
    document.body.classList.remove('compare-wide');
    drawCompare();
  }
});

// For the e2e budget (#17): `n` comparisons of the text simulated last.
// Each starts with the page and the worker idle (a no-op round trip drains
// the worker's queue, then an idle callback), so none waits behind other
// work, and each recomputes (nothing is cached). Per run, in ms:
// - engine: the engine's own time in the worker (its performance.now()
//   around the wasm call: the three simulations, the diff, the JSON text);
// - parse: this thread's JSON.parse of the answer;
// - answer: request to answer parsed (the round trip: posting, the engine,
//   the worker's and this thread's event loops, the parse);
// - total: request to the Compare view drawn (answer + building its DOM);
// - layout: the style and layout of that DOM, forced right after (not
//   in total: the browser does it after the task, before painting).
export async function measureCompare(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    await call('defaultConfig');
    await new Promise((r) => requestIdleCallback(r, { timeout: 500 }));
    const t0 = performance.now();
    const { value, ms, parseMs } = await compareEnginesTimed(state.text, options());
    const t1 = performance.now();
    setComparison(value);
    const t2 = performance.now();
    root.getBoundingClientRect();
    out.push({
      engine: ms,
      parse: parseMs,
      answer: t1 - t0,
      total: t2 - t0,
      layout: performance.now() - t2,
      rows: value.diff.rows.length,
      engines: value.diff.engines.length,
    });
  }
  return out;
}
