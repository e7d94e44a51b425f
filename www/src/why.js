// "Why this mount?": the decision the engine made for the selected mount,
// said in one sentence first (view.why, made in Rust), then its reasons
// with links to the Go source, then the raw fields; and the decision log.
import { $ } from './dom.js';
import { renderDecisionLog } from './render-log.js';
import { renderDetails } from './render-why.js';
import { sourceLink } from './sources.js';
import { pickDecision, selectedNode, state } from './state.js';

// The selected decision, else the one that made the selected mount.
export function drawWhy() {
  if (!state.view) return;
  const decisions = state.view.report.decisions;
  const node = selectedNode();
  let di = state.selectedDecision;
  if (node && (di == null || decisions[di]?.mount_path !== node.path)) di = node.decision;
  renderDetails($('details'), di != null ? decisions[di] : null, node, sourceLink, state.view.why?.[di] ?? null);
}

export function drawDecisionLog() {
  renderDecisionLog($('decisions'), state.view.report.decisions, pickDecision);
}
