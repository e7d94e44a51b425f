// The spec editor's glue: a stand-in that keeps the text until CodeMirror
// has loaded (as its own chunk, after the first tree is drawn); the input
// error under the editor (its location a link to the marker) and as an
// inline marker; the engine's lint findings as marks at their
// spec.mounts[i]; and the link between the editor and the tree: the
// selected mount's entry is highlighted, a click on an entry selects its
// mount. Every range is measured by the engine (mountRanges, locateJson).
import { $ } from './dom.js';
import { locateJson, mountRanges } from './engine.js';
import { h } from './render.js';
import { decisionOfEntry, pickDecision, selectedNode, state } from './state.js';
import './diagnostics.css';

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
  const created = createEditor($('editor'), onChange, (pos) => picked(pos));
  created.setText(pendingText);
  real = created;
  // What was drawn before the editor existed is drawn again in it.
  await drawInputError();
  await drawHighlight();
}

// The mount entries of a text, measured once per text.
let measured = { text: null, ranges: [] };
async function rangesOf(text) {
  if (measured.text !== text) measured = { text, ranges: await mountRanges(text) };
  return measured.ranges;
}

// At most this many entries are marked: a spec of thousands of mounts has
// thousands of findings, and marking them all costs the page's main thread
// far more than a reader gains (the warnings tab lists every one).
const MAX_MARKED = 200;

const effectLabel = (f) => (f.effect === 'changes_behaviour' ? 'changes behaviour' : 'harmless');

// One mark per entry with findings (they come sorted by index): a warning
// when one of them changes behaviour, else info; each finding a line.
function marksOf(findings, ranges) {
  const byIndex = new Map(ranges.map((r) => [r.index, r]));
  const marks = [];
  let more = 0;
  for (let i = 0; i < findings.length; ) {
    let j = i;
    while (j < findings.length && findings[j].index === findings[i].index) j++;
    const fs = findings.slice(i, j);
    const r = byIndex.get(fs[0].index);
    i = j;
    if (!r) continue;
    if (marks.length === MAX_MARKED) {
      more++;
      continue;
    }
    marks.push({
      from: r.from,
      to: r.to,
      severity: fs.some((f) => f.effect === 'changes_behaviour') ? 'warning' : 'info',
      message: fs.map((f) => `${f.at}: ${f.rule} (${effectLabel(f)}): ${f.reason} [${f.function}]`).join('\n'),
    });
  }
  const last = marks.at(-1);
  if (more && last) last.message += `\n(${more} more mounts with findings are not marked: see the warnings tab)`;
  return marks;
}

let generation = 0;

// The analysis of the text simulated last: its error under the editor, with
// the line and the JSON path as the engine tells them (InputError:
// `location`, and `detail` without the path), the location a button that
// scrolls the editor to the marker; or, when the text is good, the lint
// findings of the view as marks.
export async function drawInputError() {
  const mine = ++generation;
  const a = state.analysis;
  const text = state.text;
  const el = $('input-error');
  if (!a || a.ok) {
    el.hidden = true;
    el.replaceChildren();
    const findings = state.view?.lint ?? [];
    const ranges = real && findings.length ? await rangesOf(text) : [];
    if (mine !== generation || !real || real.text !== text) return;
    real.mark(marksOf(findings, ranges));
    return;
  }
  const err = a.error;
  let at = err.line ? { line: err.line, column: err.column } : null;
  if (!at && Array.isArray(err.path)) at = await locateJson(text, err.path);
  if (mine !== generation) return;
  at ??= { line: 1, column: 1 };
  if (real && real.text === text) real.mark([{ ...at, severity: 'error', message: err.message }]);
  el.hidden = false;
  const where = [at.line ? `line ${at.line}` : null, err.location ? `at ${err.location}` : null]
    .filter(Boolean)
    .join(', ');
  const go = () => real?.reveal(at);
  el.replaceChildren(
    ...(where
      ? [
          h('button', { type: 'button', class: 'goto', 'data-testid': 'error-location', onclick: go }, where),
          `: ${err.detail}`,
        ]
      : [err.message]),
  );
}

// The selected mount's spec entry, highlighted in the editor (none for a
// mount the spec did not write: /proc added by compileMounts, the root).
export async function drawHighlight() {
  if (!real) return;
  const v = state.view;
  const d = v?.report.decisions[state.selectedDecision ?? selectedNode()?.decision ?? -1];
  const index = d && d.origin === 'spec' && d.container == null ? d.spec_index : null;
  const text = real.text;
  const ranges = index == null ? [] : await rangesOf(text);
  if (real.text !== text) return;
  real.highlight(ranges.find((r) => r.index === index) ?? null);
}

// A click in the editor: on a mount entry, that mount is selected in the tree.
async function picked(pos) {
  const text = real.text;
  if (text !== state.text) return;
  const r = (await rangesOf(text)).find((x) => x.from <= pos && pos < x.to);
  if (!r) return;
  const i = decisionOfEntry(r.index);
  if (i >= 0 && i !== state.selectedDecision) pickDecision(i);
}
