// The report's text views: /proc/mounts and mountinfo as seen from the root
// or a child container, the restore environment, and the warnings.
import { $, drawWhenShown, fillTargets } from './dom.js';
import { h, renderText, renderRestore } from './render.js';
import { state, liveContainers } from './state.js';

// A table as seen from the container chosen in `select`: the root's came
// with the view; a child's is asked of the engine's worker (which answers
// in order; a view newer than the question draws again itself).
function drawTable(el, select, method) {
  const cid = $(select).value || undefined;
  const view = state.view;
  const root = view?.tables?.[method];
  if (!cid && root) {
    renderText(el, root);
    return;
  }
  state.sb?.[method](cid).then(
    (lines) => state.view === view && renderText(el, lines),
    (e) => state.view === view && renderText(el, [`error: ${e.message}`]),
  );
}

function drawTables() {
  drawTable($('proc-mounts'), 'proc-target', 'procMounts');
  drawTable($('mountinfo'), 'mountinfo-target', 'mountinfo');
}

export function drawMounts() {
  const live = liveContainers().map((c) => c.cid);
  for (const id of ['proc-target', 'mountinfo-target']) fillTargets($(id), live);
  drawTables();
  const r = state.view.report;
  drawWhenShown($('restore'), () => renderRestore($('restore'), r.restore, r.engine));
  const w = $('warnings');
  drawWhenShown(w, () => {
    w.replaceChildren(...r.warnings.map((t) => h('li', {}, t)));
    if (!r.warnings.length) w.append(h('li', { class: 'muted' }, 'No warnings.'));
  });
  $('warn-count').textContent = r.warnings.length || '';
}

// Choosing another container redraws the two tables.
for (const id of ['proc-target', 'mountinfo-target']) $(id).addEventListener('change', drawTables);
