// The spec editor: CodeMirror 6 with JSON highlighting, the engine's marks
// (input errors and lint findings, at ranges the engine measured), the
// highlight of the selected mount's spec entry, and clicks on an entry
// reported back (`onPick(pos)`). The editor measures nothing itself: every
// range comes from Rust (engine.js's mountRanges and locateJson).
import { EditorView, basicSetup } from 'codemirror';
import { json } from '@codemirror/lang-json';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import { Decoration } from '@codemirror/view';
import './editor.css';

const setHighlight = StateEffect.define();

// Scrolls the editor's own scroller to `pos` and nothing else. CodeMirror's
// scrollIntoView effect scrolls every scrolling ancestor, the page included:
// a mount picked in the tree would move the page away from the tree to the
// editor (at 1024x768 the explanation left the screen). A clicked error
// location (reveal) still uses it: there the user asked to go to the editor.
function scrollEditorTo(view, pos, y) {
  const sd = view.scrollDOM;
  const line = view.lineBlockAt(pos);
  const inView = line.top >= sd.scrollTop && line.bottom <= sd.scrollTop + sd.clientHeight;
  if (y === 'nearest' && inView) return;
  sd.scrollTop = y === 'center' ? line.top - (sd.clientHeight - line.height) / 2 : line.top - sd.clientHeight / 4;
}
const highlightMark = Decoration.mark({ class: 'cm-mount-highlight' });

// The selected mount's entry, kept across edits (mapped through changes).
const highlightField = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    let d = deco.map(tr.changes);
    for (const e of tr.effects)
      if (e.is(setHighlight))
        d = e.value ? Decoration.set([highlightMark.range(e.value.from, e.value.to)]) : Decoration.none;
    return d;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export function createEditor(parent, onChange, onPick) {
  let silent = false;
  // The marks shown (as JSON), so a redraw with the same ones (every shell
  // step redraws the view) touches nothing and does not scroll.
  let shown = '[]';
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: '',
      extensions: [
        basicSetup,
        json(),
        lintGutter(),
        highlightField,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'OCI spec or scenario JSON', 'data-testid': 'spec-editor' }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          // The marks moved with the text: the next ones are drawn anew.
          shown = null;
          if (!silent) onChange(u.state.doc.toString());
        }),
        EditorView.domEventHandlers({
          click(e, v) {
            const pos = v.posAtCoords({ x: e.clientX, y: e.clientY });
            if (pos != null) onPick(pos);
          },
        }),
      ],
    }),
  });
  const clamp = (n) => Math.max(0, Math.min(n, view.state.doc.length));
  // A range from the engine, or from a 1-based line and column.
  const rangeOf = (m) => {
    if (m.from != null) return { from: clamp(m.from), to: clamp(Math.max(m.to, m.from)) };
    const doc = view.state.doc;
    const line = doc.line(Math.min(Math.max(m.line || 1, 1), doc.lines));
    const from = Math.min(line.from + Math.max((m.column || 1) - 1, 0), line.to);
    return { from, to: Math.min(Math.max(from + 1, from), doc.length) };
  };
  return {
    view,
    get text() {
      return view.state.doc.toString();
    },
    setText(text) {
      silent = true;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      silent = false;
    },
    // `marks`: [{from, to} | {line, column}, severity, message]. The first
    // error is scrolled into view. Marks unchanged since the last call are
    // skipped: the transaction would only make the editor read layout,
    // which each re-simulation has just invalidated.
    mark(marks) {
      const key = JSON.stringify(marks);
      if (key === shown) return;
      shown = key;
      const diags = marks.map((m) => ({ ...rangeOf(m), severity: m.severity, message: m.message, source: 'mountlab' }));
      view.dispatch(setDiagnostics(view.state, diags));
      const first = diags.find((d) => d.severity === 'error');
      if (first) scrollEditorTo(view, first.from, 'center');
    },
    // Scrolls to a position and puts the cursor there (a clicked location).
    reveal(m) {
      const r = rangeOf(m);
      view.dispatch({ selection: { anchor: r.from }, effects: EditorView.scrollIntoView(r.from, { y: 'center' }) });
      view.focus();
    },
    // Highlights a range (null: none), scrolled into view unless asked not to.
    highlight(range, { scroll = true } = {}) {
      const r = range ? rangeOf(range) : null;
      view.dispatch({ effects: [setHighlight.of(r)] });
      if (r && scroll) scrollEditorTo(view, r.from, 'nearest');
    },
  };
}
