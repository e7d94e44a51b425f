// The page's state, and the only module that writes it. Every other module
// reads it through `state` (read-only: assigning to it throws) and changes it
// through the setters below. Each setter names what changed (a topic); the
// views subscribed to that topic redraw, once per batch of changes.

const s = {
  // The handle on the engine's sandbox (in the worker: session.js) once a
  // simulation succeeded, else null; its methods return Promises. The view
  // the worker sent (report, tree, containers, 9P connections) and the steps
  // the sandbox ran.
  sb: null,
  view: null,
  steps: [],
  // The text simulated last, what analyze() said of it, and the message of
  // an input error the engine refused although analyze() accepted the text.
  text: '',
  analysis: null,
  inputError: null,
  // The --overlay and --file-access controls, and the scenario config seen
  // last (an edit that changes it moves the controls).
  config: null,
  lastConfig: null,
  // The mount selected in the tree, and the decision shown for it.
  selected: '/',
  selectedDecision: null,
  // The 9P inspector: the connection shown ("gofer:conn"), whether the user
  // picked it (else it follows the one that just talked), and the message
  // whose frames are shown.
  conn: null,
  connPinned: false,
  msgSeq: null,
  // What the last toggle or edit changed: mount path -> short label
  // ("+ upper", "new", "gone", "ro → rw"), and one sentence saying it.
  changes: {},
  changesSentence: '',
  // The Compare view: the engines compared (two or three, in column
  // order) and what compareEngines() said of the text simulated last.
  compareEngines: ['runsc-2018', 'runsc', 'runc'],
  comparison: null,
  // The destination picked in Compare (its row in every column).
  comparePicked: null,
  // The preset loaded (its file name), null once the text is a file, a
  // share link's or edited: its description says what to look for.
  preset: null,
};
// The newest message seq the 9P inspector has shown, per connection (read
// with seenSeq).
let seen = new Map();

export const state = Object.freeze(
  Object.defineProperties(
    {},
    Object.fromEntries(Object.keys(s).map((k) => [k, { get: () => s[k], enumerable: true }])),
  ),
);

// ---- Subscriptions.
// Each subscriber: its topics, its draw, and the topics changed since it
// last drew (null: none; it is due).
const subscribers = [];
let pending = null;

// Calls `fn(topics)` after any change to one of `topics`, in the order of
// subscription (the page draws status, tree, details, containers, views, 9P).
export function subscribe(topics, fn) {
  subscribers.push({ topics, fn, due: null });
}

// The views draw in subscription order, but not all in one task: once a
// slice of drawing has taken SLICE_MS the rest waits for the next task, so
// the browser can lay out and paint what is drawn (the tree first) and
// answer input between views. A re-simulation of a 1 000-mount spec draws
// ~30 ms of tree and ~12 ms of 9P rows, then the style and layout of each:
// in one task that was one of 120–300 ms (issue #12's 50 ms target,
// tests/e2e/perf.test.mjs). A small spec's views all draw in the first
// slice, as before. A change while views wait joins them: each view draws
// once, with every topic changed since it last drew.
const SLICE_MS = 12;
// Mounts above which a new view waits for a task of its own.
const BIG_VIEW = 200;
let resume = null;
let draining = false;
let idle = [];

const nextTask =
  globalThis.scheduler?.postTask != null
    ? (fn) => globalThis.scheduler.postTask(fn, { priority: 'user-visible' })
    : (fn) => setTimeout(fn, 0);

function run(changed) {
  for (const sub of subscribers)
    if (sub.topics.some((t) => changed.has(t)))
      sub.due = sub.due ? new Set([...sub.due, ...changed]) : new Set(changed);
  // A setter called by a view while drawing: the loop below draws it next.
  // A big view starts drawing in a task of its own, apart from the work
  // that brought it (the engine's answer parsed: 5–40 ms at 1 000 mounts);
  // a small one draws at once, as the setter returns.
  if (resume || draining) return;
  if (changed.has('view') && (s.view?.report.mount_order.length ?? 0) > BIG_VIEW) resume = nextTask(drain);
  else drain();
}

function drain() {
  resume = null;
  const t0 = performance.now();
  for (;;) {
    // The first due in subscription order (a draw may make an earlier one due).
    const sub = subscribers.find((x) => x.due);
    if (!sub) break;
    if (performance.now() - t0 >= SLICE_MS) {
      resume = nextTask(drain);
      return;
    }
    const changed = sub.due;
    sub.due = null;
    draining = true;
    try {
      sub.fn(changed);
    } catch (e) {
      // One view's bug must not stop the others drawing (nor this queue).
      reportError(e);
    } finally {
      draining = false;
    }
  }
  const done = idle;
  idle = [];
  for (const r of done) r();
}

// Resolves once every view has drawn the changes made so far.
export function drawn() {
  return resume || subscribers.some((x) => x.due) ? new Promise((r) => idle.push(r)) : Promise.resolve();
}

function notify(topic) {
  if (pending) pending.add(topic);
  else run(new Set([topic]));
}

// Runs `fn`, holding every redraw until it returns: each subscriber then
// draws once, however many setters `fn` called.
export function batch(fn) {
  if (pending) return fn();
  pending = new Set();
  try {
    return fn();
  } finally {
    const changed = pending;
    pending = null;
    if (changed.size) run(changed);
  }
}

// ---- Setters.

// A text and its analysis (clears an earlier refused input).
export function setAnalysis(text, analysis) {
  s.text = text;
  s.analysis = analysis;
  s.inputError = null;
  notify('input');
}

// The engine refused an input analyze() accepted.
export function setInputError(message) {
  s.inputError = message;
  notify('input');
}

// The sandbox handle (the worker frees the sandbox it replaces).
export function setSandbox(sb) {
  s.sb = sb;
}

// What the engine shows now, and the steps it has run.
export function setView(view, steps) {
  s.view = view;
  s.steps = steps;
  notify('view');
}

// Steps to replay on the next simulation (loading a scenario, resetting).
export function setSteps(steps) {
  s.steps = steps;
}

// The config controls: the fields the engine takes as overrides, each
// engine's own flag among them (--overlay: runsc 2018, --overlay2: today's
// runsc, rootless: runc; an engine ignores the others' flags).
export function setConfig(config) {
  // `engine` only when one is chosen: absent, the scenario's own runs.
  const engine = config.engine ? { engine: config.engine } : {};
  const overlay2 = config.overlay2 ? { overlay2: config.overlay2 } : {};
  s.config = Object.freeze({
    overlay: !!config.overlay,
    file_access: config.file_access,
    ...engine,
    ...overlay2,
    rootless: !!config.rootless,
  });
  notify('config');
}

export function setPreset(file) {
  if (s.preset === file) return;
  s.preset = file;
  notify('preset');
}

// The engines the Compare view shows, in column order.
export function setCompareEngines(engines) {
  s.compareEngines = Object.freeze([...engines]);
  notify('compare');
}

// A destination picked in Compare; `path` and `decision` select the main
// engine's mount for it in the main tree.
export function pickCompared(dest, path, decision) {
  s.comparePicked = dest;
  select(path, decision);
  notify('compare');
}

// compareEngines()'s answer for the text simulated last (null: none yet).
export function setComparison(c) {
  s.comparison = c;
  notify('compare');
}

export function setLastConfig(config) {
  s.lastConfig = config;
}

// Selects a mount by path, with the decision to show (null: the mount's own).
export function select(path, decision = null) {
  s.selected = path;
  s.selectedDecision = decision;
  notify('selection');
}

// Selects the decision at index `i` of the report, and the mount it made.
export function pickDecision(i) {
  const d = s.view?.report.decisions[i];
  select(d?.mount_path ?? null, i);
}

// A fresh scenario: the root selected, nothing seen in the 9P inspector.
export function resetSelection() {
  s.selected = '/';
  s.selectedDecision = null;
  s.msgSeq = null;
  seen = new Map();
  notify('selection');
}

// The user picks a 9P connection: it stays shown until the next draw.
export function chooseConnection(key) {
  s.conn = key;
  s.connPinned = true;
  s.msgSeq = null;
  notify('ninep');
}

// The 9P inspector follows a connection (no redraw: it is drawing). A
// message picked on another connection is not this one's: its seq would
// name a message the user never clicked.
export function showConnection(key) {
  if (key !== s.conn) s.msgSeq = null;
  s.conn = key;
}

// The 9P inspector has drawn: remember the newest message of each connection.
export function markSeen(entries) {
  for (const [key, seq] of entries) seen.set(key, seq);
  s.connPinned = false;
}

// The message whose frames the hex view shows.
export function selectMessage(seq) {
  s.msgSeq = seq;
  notify('message');
}

// What the last toggle or edit changed (topic 'changes'); `{}`/null and '' clear it.
export function setChanges(changes, sentence = '') {
  // A Map (serde-wasm-bindgen's form of a BTreeMap) or a plain object; null clears.
  s.changes = Object.freeze(changes instanceof Map ? Object.fromEntries(changes) : { ...changes });
  s.changesSentence = sentence;
  notify('changes');
}

// ---- Derived reads.

// The newest message seq shown of a connection, -1 when none.
export function seenSeq(key) {
  return seen.get(key) ?? -1;
}

// The child containers not destroyed.
export function liveContainers() {
  return s.view ? s.view.containers.filter((c) => !c.destroyed) : [];
}

function findNode(n, path) {
  if (!n) return null;
  if (n.path === path) return n;
  for (const c of n.children) {
    const f = findNode(c, path);
    if (f) return f;
  }
  return null;
}

// The selected mount's node in the tree, or null.
export function selectedNode() {
  return findNode(s.view?.tree, s.selected);
}

// The index in the report of the root container's decision for
// spec.mounts[index], -1 when none (the editor and the warnings link by it).
export function decisionOfEntry(index) {
  const ds = s.view?.report.decisions ?? [];
  return ds.findIndex((d) => d.spec_index === index && d.origin === 'spec' && d.container == null);
}
