// The report's text views: /proc/mounts and mountinfo as seen from the root
// or a child container, the restore environment, and the warnings.
import { $, fillTargets } from './dom.js';
import { h, renderText, renderRestore } from './render.js';
import { state, liveContainers } from './state.js';

// The lines of a table as seen from the container chosen in `select`
// (asked of the engine's worker).
async function seenFrom(select, fn) {
  const cid = $(select).value || undefined;
  try {
    return await fn(cid);
  } catch (e) {
    return [`error: ${e.message}`];
  }
}

// The worker answers in order, so the tables drawn last are the newest.
async function drawTables() {
  const [mounts, info] = await Promise.all([
    seenFrom('proc-target', (cid) => state.sb.procMounts(cid)),
    seenFrom('mountinfo-target', (cid) => state.sb.mountinfo(cid)),
  ]);
  renderText($('proc-mounts'), mounts);
  renderText($('mountinfo'), info);
}

export function drawMounts() {
  const live = liveContainers().map((c) => c.cid);
  for (const id of ['proc-target', 'mountinfo-target']) fillTargets($(id), live);
  drawTables();
  const r = state.view.report;
  renderRestore($('restore'), r.restore, r.engine);
  const w = $('warnings');
  w.replaceChildren(...r.warnings.map((t) => h('li', {}, t)));
  if (!r.warnings.length) w.append(h('li', { class: 'muted' }, 'No warnings.'));
  $('warn-count').textContent = r.warnings.length || '';
}

// Choosing another container redraws the two tables.
for (const id of ['proc-target', 'mountinfo-target']) $(id).addEventListener('change', drawTables);
