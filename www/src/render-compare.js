// Drawing the Compare view: the mount trees of two or three engines side by
// side, aligned by destination (one row per destination, the same row in
// every column), the differing rows marked, the list of differences with
// the engines' reasons, and each engine's decision for the destination
// picked. Pure DOM from compareEngines()'s DTO; the words of the reasons
// come from Rust.
import { h, fsClass } from './render.js';
import { renderDetails } from './render-why.js';

export const ENGINE_LABEL = { 'runsc-2018': 'runsc 2018', runsc: 'runsc today', runc: 'runc' };
export const engineLabel = (e) => ENGINE_LABEL[e] || e;

// Path order as a tree reads: a parent before its children, siblings by name.
function byPath(a, b) {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

// Each engine's tree nodes by the destination their decision names (runc
// resolves a symlinked destination, so its node sits at another path).
function nodesByDestination(view) {
  const out = new Map();
  const decisions = view?.report?.decisions || [];
  const walk = (n) => {
    if (!n) return;
    const d = n.decision != null ? decisions[n.decision] : null;
    const dest = d && !d.container ? d.destination : n.path;
    if (!out.has(dest)) out.set(dest, n);
    for (const c of n.children || []) walk(c);
  };
  walk(view?.tree);
  return out;
}

// The index of an engine's decision for a destination (the root
// container's), or null.
export function decisionFor(view, dest) {
  const ds = view?.report?.decisions || [];
  const i = ds.findIndex((d) => !d.container && (d.destination === dest || d.mount_path === dest));
  return i < 0 ? null : i;
}

// One row per destination: the diff's rows, plus any tree path the diff
// does not list (so no mount of a tree is left out), in tree order, each
// with its depth among the rows and, per engine, the diff's entry and the
// tree node.
export function alignRows(cmp) {
  const engines = cmp.diff.engines;
  const nodes = Object.fromEntries(engines.map((e) => [e, nodesByDestination(cmp.views?.[e])]));
  const byDest = new Map(cmp.diff.rows.map((r) => [r.destination, r]));
  const dests = new Set(byDest.keys());
  for (const e of engines) for (const d of nodes[e].keys()) dests.add(d);
  const sorted = [...dests].sort(byPath);
  const stack = [];
  return sorted.map((dest) => {
    while (stack.length && !(dest.startsWith(`${stack.at(-1)}/`) || stack.at(-1) === '/')) stack.pop();
    const depth = dest === '/' ? 0 : stack.length;
    const parent = dest === '/' ? null : stack.at(-1);
    stack.push(dest);
    const row = byDest.get(dest);
    return {
      dest,
      depth,
      // As a tree reads: the path below the parent row's (the full path in
      // the row's title), so deep rows fit their column.
      label: parent && parent !== '/' ? dest.slice(parent.length + 1) : dest,
      differs: !!row?.differs,
      cells: Object.fromEntries(
        engines.map((e) => [e, { entry: row?.engines?.[e] || null, node: nodes[e].get(dest) || null }]),
      ),
    };
  });
}

const OUTCOME_TEXT = { ignored: 'ignored', dropped: 'dropped', failed: 'failed', absent: '—' };

function cellBody(dest, label, { entry, node }) {
  const outcome = entry?.outcome || (node ? 'mounted' : 'absent');
  const mounted = outcome === 'mounted' || outcome === 'added';
  const fs = entry?.fs || node?.fs_name;
  const flags = entry?.flags?.length ? entry.flags.join(',') : node?.flags_label;
  return [
    h('span', { class: 'path' }, node && node.path !== dest ? `${label} → ${node.path}` : label),
    mounted && fs ? h('span', { class: `chip ${fsClass(fs)}` }, fs) : null,
    mounted && flags
      ? h('span', { class: `chip flag${entry?.ro || node?.flags?.read_only ? ' ro' : ''}`, title: flags }, flags)
      : null,
    outcome === 'added' ? h('span', { class: 'chip added', title: 'added by the engine itself' }, 'added') : null,
    mounted ? null : h('span', { class: `chip outcome-${outcome}` }, OUTCOME_TEXT[outcome] || outcome),
    // The order is shown, not compared: each engine orders by its own rule.
    entry?.order != null
      ? h('span', { class: 'chip order', title: 'position in the mount table (the root is #0)' }, `#${entry.order}`)
      : null,
  ];
}

// The aligned trees, one column per engine. `main`: the engine of the main
// session (its column is marked: the terminal runs there).
export function renderTrees(root, rows, engines, { selected, main, onPick, onUse }) {
  root.replaceChildren(
    ...engines.map((e) =>
      h(
        'div',
        { class: `compare-col${e === main ? ' main' : ''}`, 'data-engine': e },
        h(
          'div',
          { class: 'compare-col-head' },
          h('h3', {}, engineLabel(e)),
          e === main
            ? h(
                'span',
                { class: 'chip main-chip', title: 'The terminal and the other views run on this engine' },
                'terminal',
              )
            : h(
                'button',
                {
                  type: 'button',
                  class: 'button ghost small',
                  'data-testid': 'compare-use',
                  title: `Run the terminal and the other views on ${engineLabel(e)}`,
                  onclick: () => onUse(e),
                },
                'use here',
              ),
        ),
        h(
          'ul',
          {
            class: 'compare-tree',
            role: 'tree',
            'aria-label': `${engineLabel(e)} mounts`,
            'data-testid': 'compare-tree',
            'data-engine': e,
          },
          rows.map((r, i) => {
            const cell = r.cells[e];
            const sel = r.dest === selected;
            // One stop per tree for Tab: the selected row, else the first.
            const stop = sel || (i === 0 && !rows.some((x) => x.dest === selected));
            return h(
              'li',
              {
                class: `compare-node${r.differs ? ' differs' : ''}${sel ? ' selected' : ''}${cell.node || cell.entry?.outcome === 'mounted' || cell.entry?.outcome === 'added' ? '' : ' missing'}`,
                role: 'treeitem',
                tabindex: stop ? '0' : '-1',
                'aria-level': String(r.depth + 1),
                'aria-selected': sel ? 'true' : 'false',
                'data-testid': 'compare-node',
                'data-path': r.dest,
                title: r.dest,
                style: `--depth:${r.depth}`,
                onclick: () => onPick(r.dest, e),
                onkeydown: (ev) => {
                  if (ev.key === 'Enter' || ev.key === ' ') {
                    ev.preventDefault();
                    onPick(r.dest, e);
                  } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
                    // Up and down move through the column's rows.
                    ev.preventDefault();
                    const to =
                      ev.key === 'ArrowDown'
                        ? ev.currentTarget.nextElementSibling
                        : ev.currentTarget.previousElementSibling;
                    to?.focus();
                  }
                },
              },
              cellBody(r.dest, r.label, cell),
            );
          }),
        ),
      ),
    ),
  );
}

// Rust's reasons quote names in backticks (`mountFlags`): shown as code.
const words = (text) => text.split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));

// The differing rows, each with every engine's outcome and reason.
export function renderDifferences(root, rows, engines, { selected, onPick }) {
  const diffs = rows.filter((r) => r.differs);
  root.replaceChildren(
    h('h3', {}, diffs.length ? `${diffs.length} difference${diffs.length === 1 ? '' : 's'}` : 'No differences'),
    diffs.length
      ? h(
          'ol',
          { class: 'compare-diffs', 'data-testid': 'compare-diffs' },
          diffs.map((r) =>
            h(
              'li',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: `compare-diff${r.dest === selected ? ' selected' : ''}`,
                  'data-testid': 'compare-diff',
                  'data-path': r.dest,
                  'aria-pressed': r.dest === selected ? 'true' : 'false',
                  onclick: () => onPick(r.dest),
                },
                h('span', { class: 'path' }, r.dest),
                h(
                  'dl',
                  { class: 'compare-reasons' },
                  engines.map((e) => {
                    const x = r.cells[e].entry;
                    return [
                      h('dt', {}, engineLabel(e)),
                      h(
                        'dd',
                        {},
                        h('span', { class: `chip outcome-${x?.outcome || 'absent'}` }, x?.outcome || 'absent'),
                        ' ',
                        x?.reason ? words(x.reason) : null,
                      ),
                    ];
                  }),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'The engines agree on every mount of this spec.'),
  );
}

// Each engine's decision for the destination picked, one column each.
export function renderDecisions(root, cmp, engines, dest, sourceRef) {
  if (dest == null) {
    root.replaceChildren(h('p', { class: 'muted pad' }, "Pick a difference or a mount to see each engine's decision."));
    return;
  }
  root.replaceChildren(
    ...engines.map((e) => {
      const view = cmp.views?.[e];
      const i = decisionFor(view, dest);
      const box = h('div', { class: 'details compare-decision', 'data-engine': e, 'data-testid': 'compare-decision' });
      const node = nodesByDestination(view).get(dest) || null;
      renderDetails(box, i != null ? view.report.decisions[i] : null, node || { path: dest }, sourceRef);
      return h('section', { class: 'compare-decision-col' }, h('h4', {}, engineLabel(e)), box);
    }),
  );
}
