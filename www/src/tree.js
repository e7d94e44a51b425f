// The mount tree, and the spec mounts that were not mounted under it.
// Clicking a mount or a skipped mount (or Enter on it) selects it; the tree
// keeps its focus, open subtrees and filter across selections and
// re-simulations (render-tree.js).
import { $ } from './dom.js';
import { renderTree, renderUnmounted, treeOf } from './render-tree.js';
import { pickDecision, select, setChanges, state, subscribe } from './state.js';
import './tree.css';

const selectNode = (n) => select(n.path, n.decision ?? null);

// While the text has an input error, the last good tree is shown stale.
export function drawTree() {
  const v = state.view;
  renderTree($('tree'), v?.tree, {
    selected: state.selected,
    onSelect: selectNode,
    stale: state.analysis != null && !state.analysis.ok,
    changes: state.changes,
    decisions: v?.report.decisions,
  });
  if (v) renderUnmounted($('unmounted'), v.report.decisions, pickDecision, { selected: state.selectedDecision });
}

// The change badges redraw with the tree (main.js subscribes the rest).
subscribe(['changes'], drawTree);

// Hooks for the e2e tests: set the change labels (until the engine's are
// wired), time a full redraw of the tree (the DOM build, and with the style
// and layout of the new rows), filter it.
window.mountlabTree = {
  setChanges,
  redraw() {
    const t0 = performance.now();
    treeOf($('tree')).redraw();
    const t1 = performance.now();
    void $('tree').offsetHeight;
    return { build: t1 - t0, total: performance.now() - t0 };
  },
  setFilter: (q) => treeOf($('tree')).setFilter(q),
};
