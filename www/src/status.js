// What the page says about the simulation as a whole: the status chip, the
// error banner (input error, failed setup, runsc panic), the runsc command
// line's notes, the toast, and the banner of an engine crash.
import { $, drawWhenShown } from './dom.js';
import { h } from './render.js';
import { decisionOfEntry, pickDecision, selectedNode, state } from './state.js';
import './diagnostics.css';

// A Rust panic never reaches the page silently (engine.js's guard and the
// engine's panic hook both call this).
globalThis.mountlabPanic = (msg) => {
  const el = $('panic');
  el.hidden = false;
  el.replaceChildren(
    h('strong', {}, 'The engine crashed (a bug in mountlab, not in your spec). '),
    msg,
    ' ',
    h('button', { class: 'button small', onclick: () => location.reload() }, 'Reload'),
  );
};

let toastTimer = 0;
export function toast(msg) {
  const t = $('toast');
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    t.hidden = true;
  }, 2200);
}

function banner(kind, title, message) {
  const el = $('error');
  if (!kind) {
    el.hidden = true;
    el.replaceChildren();
    el.dataset.kind = '';
    return;
  }
  el.hidden = false;
  el.dataset.kind = kind;
  el.replaceChildren(h('strong', {}, title), ' ', h('span', { class: 'msg' }, message));
}

function chip(kind, text, title = null) {
  const s = $('status');
  s.dataset.kind = kind;
  s.textContent = text;
  if (title) s.title = title;
  else s.removeAttribute('title');
}

// The status line with its gofer FD list folded into runs ("3–253" for
// 3, 4, …, 253; two in a row stay "3, 4"): a 1 000-mount spec's 250 FDs
// filled the tree's pane, above the tree. The whole list stays in the title.
export function foldFds(status) {
  return status.replace(/(gofer FDs )(\d+(?:, \d+)+)/, (_, head, list) => {
    const fds = list.split(', ').map(Number);
    const out = [];
    for (let i = 0; i < fds.length; ) {
      let j = i;
      while (j + 1 < fds.length && fds[j + 1] === fds[j] + 1) j++;
      if (j - i >= 2) out.push(`${fds[i]}–${fds[j]}`);
      else for (let k = i; k <= j; k++) out.push(String(fds[k]));
      i = j + 1;
    }
    return head + out.join(', ');
  });
}

export function drawStatus() {
  const input = state.analysis && !state.analysis.ok ? state.analysis.error.message : state.inputError;
  if (input != null) {
    banner('input', 'Invalid input:', input);
    chip('bad', 'input error');
    return;
  }
  const v = state.view;
  if (!v) return;
  const r = v.report;
  if (r.error) {
    if (r.fatal) banner('fatal', v.panic_label, r.error);
    else banner('setup', 'Setup failed:', r.error);
    chip(r.fatal ? 'fatal' : 'bad', r.fatal ? 'panic' : 'setup failed');
  } else {
    banner(null);
    const folded = foldFds(v.status);
    chip('ok', folded, folded === v.status ? null : v.status);
  }
  const notes = $('notes');
  notes.hidden = !v.cli_notes.length;
  notes.replaceChildren(...v.cli_notes.map((n) => h('p', {}, n)));
}

// The warnings tab: the engine's findings grouped by the mount they are
// about, each group a link that selects the mount (the selected one marked), those that change
// behaviour apart from the harmless ones (the engine classifies them:
// Reason.finding.effect); then any warning no finding covers.
export function drawWarnings() {
  const v = state.view;
  if (!v) return;
  const r = v.report;
  const list = $('warnings');
  const groups = { changes_behaviour: new Map(), harmless: new Map() };
  for (const f of v.lint) {
    const g = groups[f.effect];
    if (!g.has(f.index)) g.set(f.index, []);
    g.get(f.index).push(f);
  }
  const covered = new Set(v.lint.map((f) => f.reason));
  const rest = r.warnings.filter((w) => !covered.has(w));
  // The selected mount's group is marked (the tree's selection, by decision).
  const sel = r.decisions[state.selectedDecision ?? selectedNode()?.decision ?? -1];
  const selIndex = sel && sel.origin === 'spec' && sel.container == null ? sel.spec_index : null;
  const group = (index, fs) => {
    const d = decisionOfEntry(index);
    const where = `${fs[0].at} ${fs[0].destination}`;
    return h(
      'li',
      {
        class: `warn-group${index === selIndex ? ' selected' : ''}`,
        'data-spec-index': String(index),
        ...(index === selIndex ? { 'aria-current': 'true' } : {}),
      },
      h('button', { type: 'button', class: 'mount-link', onclick: () => pickDecision(d) }, where),
      h('ul', {}, ...fs.map((f) => h('li', {}, `${f.rule}: ${f.reason} `, h('span', { class: 'fn' }, f.function)))),
    );
  };
  const section = (key, title) =>
    groups[key].size
      ? [h('li', { class: 'warn-section' }, title), ...[...groups[key]].map(([i, fs]) => group(i, fs))]
      : [];
  // Drawn when its tab is shown (thousands of mounts, thousands of rows).
  drawWhenShown(list, () => {
    list.replaceChildren(
      ...section('changes_behaviour', 'Change what the container sees'),
      ...section('harmless', 'Harmless'),
      ...(rest.length
        ? [h('li', { class: 'warn-section' }, 'Other warnings'), ...rest.map((t) => h('li', {}, t))]
        : []),
    );
    if (!list.children.length) list.append(h('li', { class: 'muted' }, 'No warnings.'));
  });
  $('warn-count').textContent = r.warnings.length || '';
}
