// The mount tree, and the spec mounts that were not mounted under it.
// Clicking a mount or a skipped mount selects it.
import { $ } from './dom.js';
import { renderTree, renderUnmounted } from './render-tree.js';
import { state, select, pickDecision } from './state.js';

const selectNode = (n) => select(n.path, n.decision ?? null);

// While the text has an input error, the last good tree is shown stale.
export function drawTree() {
  renderTree($('tree'), state.view?.tree, {
    selected: state.selected,
    onSelect: selectNode,
    stale: state.analysis != null && !state.analysis.ok,
  });
  if (state.view) renderUnmounted($('unmounted'), state.view.report.decisions, pickDecision);
}
