// "Why this mount?": the decision the engine made for the selected mount,
// said in one sentence first (view.why, made in Rust), then its reasons
// with links to the Go source, then the raw fields; and the decision log.
import { $ } from './dom.js';
import { renderDecisionLog } from './render-log.js';
import { renderDetails } from './render-why.js';
import { sourceLink } from './sources.js';
import { pickDecision, selectedNode, state } from './state.js';

// The simulation whose failed mount the pane has opened on.
let opened = null;

// A setup that failed opens the pane on the mount it failed at (its cause
// and fix), not on the root that a new scenario selects: once per
// simulation, while the user has not picked another mount.
function openOnFailure() {
  if (opened === state.analysis) return;
  opened = state.analysis;
  const i = state.view.report.decisions.findIndex((d) => d.outcome === 'failed' && d.container == null);
  if (i < 0 || state.selected !== '/' || state.selectedDecision != null) return;
  // After this draw: a setter inside a subscriber would redraw mid-draw.
  setTimeout(() => state.selected === '/' && state.selectedDecision == null && pickDecision(i));
}

// The selected decision, else the one that made the selected mount.
export function drawWhy() {
  if (!state.view) return;
  openOnFailure();
  const decisions = state.view.report.decisions;
  const node = selectedNode();
  let di = state.selectedDecision;
  if (node && (di == null || decisions[di]?.mount_path !== node.path)) di = node.decision;
  renderDetails($('details'), di != null ? decisions[di] : null, node, sourceLink, state.view.why?.[di] ?? null);
}

export function drawDecisionLog() {
  renderDecisionLog($('decisions'), state.view.report.decisions, pickDecision);
}
