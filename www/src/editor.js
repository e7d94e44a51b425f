// The spec editor: CodeMirror 6 with JSON highlighting, and inline error
// markers placed at the JSON path (or line/column) the engine names.
import { EditorView, basicSetup } from 'codemirror';
import { json } from '@codemirror/lang-json';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { syntaxTree } from '@codemirror/language';
import { EditorState } from '@codemirror/state';

export function createEditor(parent, onChange) {
  let silent = false;
  let marked = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: '',
      extensions: [
        basicSetup,
        json(),
        lintGutter(),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'OCI spec or scenario JSON', 'data-testid': 'spec-editor' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !silent) onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
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
    showError(err) {
      // Clearing no marker is skipped: the transaction would only make the
      // editor read layout, which each re-simulation has just invalidated.
      if (!err) {
        if (marked) view.dispatch(setDiagnostics(view.state, []));
        marked = false;
        return null;
      }
      marked = true;
      const range = locate(view.state, err);
      view.dispatch(
        setDiagnostics(view.state, [{ ...range, severity: 'error', message: err.message, source: 'mountlab' }]),
      );
      return view.state.doc.lineAt(range.from).number;
    },
  };
}

const VALUE = new Set(['Object', 'Array', 'String', 'Number', 'True', 'False', 'Null']);

function children(node) {
  const out = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

// Finds the text range of the value at `err.path` (the engine's keys and
// indices, e.g. ["mounts", 0, "options"]), else of the deepest ancestor
// found; for syntax errors uses line/column.
function locate(state, err) {
  const doc = state.doc;
  const whole = { from: 0, to: Math.min(doc.length, doc.line(1).to) };
  if (err.line) {
    const line = doc.line(Math.min(Math.max(err.line, 1), doc.lines));
    const from = Math.min(line.from + Math.max((err.column || 1) - 1, 0), line.to);
    return { from: Math.max(0, Math.min(from, doc.length - 1)), to: Math.min(Math.max(from + 1, line.to), doc.length) };
  }
  if (!Array.isArray(err.path)) return whole;
  const tree = syntaxTree(state);
  let node = children(tree.topNode).find((n) => VALUE.has(n.name));
  if (!node) return whole;
  let mark = node;
  let markName = null;
  for (const seg of err.path) {
    if (typeof seg === 'number' && node.name === 'Array') {
      const vals = children(node).filter((n) => VALUE.has(n.name));
      if (!vals[seg]) break;
      node = vals[seg];
      mark = node;
      markName = null;
    } else if (typeof seg === 'string' && node.name === 'Object') {
      const prop = children(node).find((p) => {
        if (p.name !== 'Property') return false;
        const name = p.getChild('PropertyName');
        return name && JSON.parse(doc.sliceString(name.from, name.to)) === seg;
      });
      if (!prop) break;
      const val = children(prop).find((n) => VALUE.has(n.name));
      markName = prop.getChild('PropertyName');
      if (!val) {
        mark = prop;
        break;
      }
      node = val;
      mark = node;
    } else break;
  }
  // Underline the key rather than a whole object or array.
  if ((mark.name === 'Object' || mark.name === 'Array') && markName) return { from: markName.from, to: markName.to };
  if (mark.name === 'Object' || mark.name === 'Array')
    return { from: mark.from, to: Math.min(mark.from + 1, doc.length) };
  return { from: mark.from, to: mark.to };
}
