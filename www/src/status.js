// What the page says about the simulation as a whole: the status chip, the
// error banner (input error, failed setup, runsc panic), the runsc command
// line's notes, the toast, and the banner of an engine crash.
import { $ } from './dom.js';
import { h } from './render.js';
import { state } from './state.js';

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

function chip(kind, text) {
  const s = $('status');
  s.dataset.kind = kind;
  s.textContent = text;
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
    chip('ok', v.status);
  }
  const notes = $('notes');
  notes.hidden = !v.cli_notes.length;
  notes.replaceChildren(...v.cli_notes.map((n) => h('p', {}, n)));
}
