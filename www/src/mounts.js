// The report's text views: /proc/mounts and mountinfo as seen from the root
// or a child container, and the restore environment (the warnings are
// status.js's, grouped by mount).
import { $, fillTargets } from './dom.js';
import { renderText, renderRestore } from './render.js';
import { state, liveContainers } from './state.js';

// The lines of a table as seen from the container chosen in `select`.
function seenFrom(select, fn) {
  const cid = $(select).value || undefined;
  try {
    return fn(cid);
  } catch (e) {
    return [`error: ${e.message}`];
  }
}

function drawTables() {
  renderText(
    $('proc-mounts'),
    seenFrom('proc-target', (cid) => state.sb.procMounts(cid)),
  );
  renderText(
    $('mountinfo'),
    seenFrom('mountinfo-target', (cid) => state.sb.mountinfo(cid)),
  );
}

export function drawMounts() {
  const live = liveContainers().map((c) => c.cid);
  for (const id of ['proc-target', 'mountinfo-target']) fillTargets($(id), live);
  drawTables();
  const r = state.view.report;
  renderRestore($('restore'), r.restore, r.engine);
}

// Choosing another container redraws the two tables.
for (const id of ['proc-target', 'mountinfo-target']) $(id).addEventListener('change', drawTables);
