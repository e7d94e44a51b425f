// The spec editor's glue: a stand-in that keeps the text until CodeMirror
// has loaded (as its own chunk, after the first tree is drawn), and the
// input error shown under the editor and as an inline marker.
import { $ } from './dom.js';
import { state } from './state.js';

let real = null;
let pendingText = '';

export const editor = {
  get text() {
    return real ? real.text : pendingText;
  },
  setText(text) {
    if (real) real.setText(text);
    else pendingText = text;
  },
};

// Loads CodeMirror; `onChange(text)` is called on every edit.
export async function loadEditor(onChange) {
  const { createEditor } = await import('./editor.js');
  const created = createEditor($('editor'), onChange);
  created.setText(pendingText);
  real = created;
  // An input error shown so far has no line yet: show it again with the editor.
  drawInputError();
}

// The analysis of the text simulated last: its error under the editor, with
// the line (once the editor can tell it) and the JSON path, both as the
// engine tells them (InputError: `location`, and `detail` without the path).
export function drawInputError() {
  const a = state.analysis;
  const el = $('input-error');
  if (!a || a.ok) {
    real?.showError(null);
    el.hidden = true;
    return;
  }
  const line = real ? real.showError(a.error) : (a.error?.line ?? null);
  el.hidden = false;
  const where = [line ? `line ${line}` : null, a.error.location ? `at ${a.error.location}` : null]
    .filter(Boolean)
    .join(', ');
  el.textContent = where ? `${where}: ${a.error.detail}` : a.error.message;
}
