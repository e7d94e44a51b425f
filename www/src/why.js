// "Why this mount?": the decision fs.go made for the selected mount, with
// links to the Go source, and the decision log of every mount.
import { $ } from './dom.js';
import { renderDetails } from './render-why.js';
import { renderDecisionLog } from './render-log.js';
import { sourceLink } from './sources.js';
import { state, pickDecision, selectedNode } from './state.js';

// The selected decision, else the one that made the selected mount.
export function drawWhy() {
  if (!state.view) return;
  const decisions = state.view.report.decisions;
  const node = selectedNode();
  let di = state.selectedDecision;
  if (node && (di == null || decisions[di]?.mount_path !== node.path)) di = node.decision;
  renderDetails($('details'), di != null ? decisions[di] : null, node, sourceLink);
}

export function drawDecisionLog() {
  renderDecisionLog($('decisions'), state.view.report.decisions, pickDecision);
}
