// What a toggle or an edit changed (#18). Each new simulation of the same
// scenario is compared with the one before it: the engine says which root
// mounts changed (mountChanges: "+ upper", "new", "gone", "ro → rw") and one
// sentence of it, put in state.changes for the tree's badges and shown
// above the tree; the terminal is told so it can mark its old outputs
// stale. A new scenario (a preset, a file, a share link) starts afresh.
import { $ } from './dom.js';
import { mountChanges } from './engine.js';
import { h } from './render.js';
import { state, setChanges, subscribe } from './state.js';
import './changes.css';

let last = null;
let fresh = true;
const listeners = [];

// The next simulation is of a new scenario: nothing to compare it with.
export function markNewScenario() {
  fresh = true;
}

// Calls `fn({ flags, withText, steps })` after a toggle or an edit re-ran
// the session's steps: `flags` names what changed for a sentence
// ("--overlay"), `withText` with its value ("--overlay off").
export function onReplayed(fn) {
  listeners.push(fn);
}

const CONFIG_NAMES = { overlay: '--overlay', file_access: '--file-access', engine: 'the engine' };

// What differs between two configs and texts, in words.
function describe(a, b, edited) {
  const flags = [];
  const values = [];
  for (const k of new Set([...Object.keys(a || {}), ...Object.keys(b || {})])) {
    const [x, y] = [a?.[k], b?.[k]];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    const name = CONFIG_NAMES[k] || `--${k.replace(/_/g, '-')}`;
    flags.push(name);
    if (typeof y === 'boolean') values.push(`${name} ${y ? 'on' : 'off'}`);
    else if (k === 'engine') values.push(`engine ${y || 'from the scenario'}`);
    else values.push(`${name}=${y ?? 'default'}`);
  }
  if (edited) {
    flags.push('the edit');
    values.push('the edited spec');
  }
  return { flags: flags.join(' and '), withText: values.join(' and ') };
}

async function viewed() {
  const cur = { text: state.text, config: state.config };
  const prev = last;
  last = cur;
  if (fresh || !prev) {
    fresh = false;
    setChanges({}, '');
    return;
  }
  const edited = prev.text !== cur.text;
  if (!edited && JSON.stringify(prev.config) === JSON.stringify(cur.config)) return;
  const what = describe(prev.config, cur.config, edited);
  for (const fn of listeners) fn({ ...what, steps: state.steps.length });
  try {
    const c = await mountChanges(prev.text, prev.config, cur.text, cur.config, what.flags);
    if (last === cur) setChanges(c.changes, c.sentence);
  } catch {
    // The old text may no longer build (it was a draft being typed).
    if (last === cur) setChanges({}, '');
  }
}

// The sentence above the tree, in its own live line.
function note() {
  let el = $('changes-note');
  if (!el) {
    el = h('p', { id: 'changes-note', class: 'changes-note', 'data-testid': 'changes-note', 'aria-live': 'polite' });
    document.querySelector('.tree-pane .pane-head')?.after(el);
  }
  return el;
}

function drawChanges() {
  const el = note();
  el.textContent = state.changesSentence;
  el.hidden = !state.changesSentence;
}

subscribe(['view'], viewed);
subscribe(['changes'], drawChanges);
