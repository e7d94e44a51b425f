// The playground: wires the editor, the controls, the terminal and the views
// to the wasm engine. JavaScript only draws and forwards.
import init, { Sandbox, analyze, sourceRef, installPanicHook } from '../pkg/mountlab.js';
import { C } from './ansi.js';
import { encodeShare, decodeShare } from './share.js';
import {
  h,
  renderTree,
  renderDetails,
  renderUnmounted,
  renderText,
  renderRestore,
  renderDecisionLog,
  hexDump,
} from './render.js';
import indexJson from '../presets/index.json';
import './style.css';

// The engine first: index.html already started compiling the wasm (see
// vite.config.mjs); without that (vite dev), init() fetches it itself.
const wasmReady = init(
  globalThis.mountlabWasm ? { module_or_path: globalThis.mountlabWasm.catch(() => undefined) } : undefined,
);

const presetTexts = import.meta.glob('../presets/*.json', { query: '?raw', import: 'default', eager: true });
const presetText = (file) => presetTexts[`../presets/${file}`];
const $ = (id) => document.getElementById(id);

const state = {
  sb: null,
  view: null,
  text: '',
  analysis: null,
  steps: [],
  selected: '/',
  selectedDecision: null,
  conn: null,
  msgSeq: null,
  lastSeen: new Map(),
};
const timings = { firstTree: null, lastResim: null, lastEngine: null };
const refCache = new Map();
const srcRef = (fn) => {
  if (!refCache.has(fn)) refCache.set(fn, sourceRef(fn));
  return refCache.get(fn);
};

// ---- Panic hook: a Rust panic never reaches the page silently.
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
const guard = (fn) => {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) globalThis.mountlabPanic(String(e));
    throw e;
  }
};

function toast(msg) {
  const t = $('toast');
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toast.t);
  toast.t = setTimeout(() => {
    t.hidden = true;
  }, 2200);
}

const presetSel = $('preset');

// ---- Config controls.
const overlayEl = $('overlay');
const faEl = $('file-access');
const overrides = () => ({ overlay: overlayEl.checked, file_access: faEl.value });
function setControls(config) {
  if (!config) return;
  overlayEl.checked = !!config.overlay;
  faEl.value = config.file_access;
}

// ---- Editor and terminal.
// CodeMirror and xterm.js load (as their own chunks) after the first tree is
// drawn. Until then these stand-ins keep the text and queue terminal output;
// loadUi() swaps in the real ones and replays the queue.
let editor = {
  text: '',
  setText(text) {
    this.text = text;
  },
  showError(err) {
    return err?.line ?? null;
  },
};
const termCalls = [];
let term = { colors: C, history: [] };
for (const name of ['write', 'writeln', 'prompt', 'echo', 'clear', 'notice', 'redraw', 'focus']) {
  term[name] = (...args) => {
    termCalls.push([name, args]);
  };
}

let simTimer = 0;
async function loadUi() {
  const [{ createEditor }, { createTerminal }] = await Promise.all([import('./editor.js'), import('./terminal.js')]);
  const text = editor.text;
  editor = createEditor($('editor'), (text) => {
    presetSel.value = '';
    clearTimeout(simTimer);
    simTimer = setTimeout(() => simulate(text, { fromEditor: true }), 250);
  });
  editor.setText(text);
  // An input error shown so far has no line yet: show it again with the editor.
  if (state.analysis && !state.analysis.ok) simulate(text);
  const real = createTerminal($('terminal'), $('terminal-output'), {
    prompt: () => {
      const cid = $('term-target').value;
      return cid
        ? `${C.blue}${cid}${C.reset}${C.dim}@sandbox${C.reset} # `
        : `${C.green}root${C.reset}${C.dim}@sandbox${C.reset} # `;
    },
    onLine: async (line) => runLine(line),
  });
  for (const [name, args] of termCalls.splice(0)) real[name](...args);
  term = real;
}

function printResult(r) {
  if (r.output) term.write(r.output.replace(/\n/g, '\r\n') + (r.output.endsWith('\n') ? '' : '\r\n'));
  else if (r.error && r.kind !== 'sh') term.writeln(term.colors.red + r.error + term.colors.reset);
}

function runLine(line) {
  const cmd = line.trim();
  if (!cmd) return;
  if (cmd === 'clear') {
    term.clear();
    return;
  }
  if (cmd === 'history') {
    for (const [i, l] of term.history.entries()) term.writeln(`${String(i + 1).padStart(4)}  ${l}`);
    return;
  }
  if (!state.sb) {
    term.writeln(`${term.colors.red}no sandbox: fix the spec first${term.colors.reset}`);
    return;
  }
  const cid = $('term-target').value || undefined;
  try {
    const r = guard(() => state.sb.run(cmd, cid));
    printResult(r);
  } catch (e) {
    term.writeln(term.colors.red + (e.message || String(e)) + term.colors.reset);
  }
  afterStep();
}

// ---- Simulation.
function setError(kind, title, message) {
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

function setStatus(kind, text) {
  const s = $('status');
  s.dataset.kind = kind;
  s.textContent = text;
}

function simulate(text, { fromEditor = false, replay = null } = {}) {
  const t0 = performance.now();
  state.text = text;
  const a = guard(() => analyze(text));
  state.analysis = a;
  const inputErr = $('input-error');
  if (!a.ok) {
    const line = editor.showError(a.error);
    inputErr.hidden = false;
    const where = [line ? `line ${line}` : null, a.error.path ? `at ${a.error.path}` : null].filter(Boolean).join(', ');
    const msg = a.error.path != null ? a.error.message.replace(/^[^:]*: /, '') : a.error.message;
    inputErr.textContent = where ? `${where}: ${msg}` : msg;
    setError('input', 'Invalid input:', a.error.message);
    setStatus('bad', 'input error');
    renderTree($('tree'), state.view?.tree, { selected: state.selected, onSelect: selectNode, stale: true });
    return false;
  }
  editor.showError(null);
  inputErr.hidden = true;
  if (fromEditor && a.config && JSON.stringify(a.config) !== JSON.stringify(simulate.lastConfig)) setControls(a.config);
  simulate.lastConfig = a.config;
  let sb;
  try {
    sb = guard(() => new Sandbox(text, overrides()));
  } catch (e) {
    setError('input', 'Invalid input:', e.message);
    setStatus('bad', 'input error');
    return false;
  }
  const steps = replay ?? state.steps;
  const results = [];
  for (const step of steps) {
    try {
      results.push(guard(() => sb.runStep(JSON.stringify(step))));
    } catch (e) {
      results.push({ kind: 'error', error: e.message, step });
    }
  }
  const t1 = performance.now();
  state.sb?.free();
  state.sb = sb;
  state.steps = guard(() => sb.steps());
  refresh();
  const t2 = performance.now();
  timings.lastEngine = t1 - t0;
  timings.lastResim = t2 - t0;
  return results;
}

function refresh() {
  const v = guard(() => state.sb.view());
  state.view = v;
  const r = v.report;
  if (r.error) {
    if (r.fatal) setError('fatal', 'runsc would panic here:', r.error);
    else setError('setup', 'Setup failed:', r.error);
    setStatus(r.fatal ? 'fatal' : 'bad', r.fatal ? 'panic' : 'setup failed');
  } else {
    setError(null);
    const n = r.mount_order.length + 1;
    setStatus('ok', `${n} mounts · gofer FDs ${r.fds_consumed.join(', ') || 'none'}`);
  }
  const notes = $('notes');
  notes.hidden = !v.cli_notes.length;
  notes.replaceChildren(...v.cli_notes.map((n) => h('p', {}, n)));
  drawTree();
  drawDetails();
  drawContainers();
  drawViews();
  drawNinep();
  if (timings.firstTree == null && v.tree) {
    performance.mark('mountlab-first-tree');
    timings.firstTree = performance.now();
  }
  scheduleHash();
}

function drawTree() {
  renderTree($('tree'), state.view.tree, { selected: state.selected, onSelect: selectNode });
  renderUnmounted($('unmounted'), state.view.report.decisions, pickDecision);
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

function selectNode(n) {
  state.selected = n.path;
  state.selectedDecision = n.decision ?? null;
  drawTree();
  drawDetails();
}

function pickDecision(i) {
  const d = state.view.report.decisions[i];
  state.selectedDecision = i;
  state.selected = d?.mount_path ?? null;
  drawTree();
  drawDetails();
}

function drawDetails() {
  const node = findNode(state.view.tree, state.selected);
  let di = state.selectedDecision;
  if (node && (di == null || state.view.report.decisions[di]?.mount_path !== node.path)) di = node.decision;
  renderDetails($('details'), di != null ? state.view.report.decisions[di] : null, node, srcRef);
}

function liveContainers() {
  return state.view ? state.view.containers.filter((c) => !c.destroyed) : [];
}

function syncTargets() {
  const live = liveContainers().map((c) => c.cid);
  for (const id of ['term-target', 'proc-target', 'mountinfo-target']) {
    const sel = $(id);
    const cur = sel.value;
    sel.replaceChildren(
      h('option', { value: '' }, 'root container'),
      ...live.map((c) => h('option', { value: c }, `container ${c}`)),
    );
    sel.value = live.includes(cur) ? cur : '';
  }
}

function drawContainers() {
  const list = $('containers');
  const live = liveContainers();
  list.replaceChildren(
    ...live.map((c) =>
      h(
        'li',
        { 'data-cid': c.cid, class: 'container-item' },
        h(
          'div',
          { class: 'c-main' },
          h('strong', {}, c.cid),
          h(
            'span',
            { class: 'hint' },
            ` /__runsc_containers__/${c.cid} · ${c.mounts} mounts · FDs ${c.fds_consumed.join(', ') || '—'}`,
          ),
        ),
        h(
          'div',
          { class: 'c-actions' },
          h(
            'button',
            {
              class: 'button small ghost',
              onclick: () => {
                $('term-target').value = c.cid;
                term.redraw();
                term.focus();
              },
            },
            'Terminal',
          ),
          h(
            'button',
            {
              class: 'button small danger',
              'data-testid': 'destroy-container',
              onclick: () => destroyContainer(c.cid),
            },
            'Destroy',
          ),
        ),
      ),
    ),
  );
  if (!live.length)
    list.append(
      h(
        'li',
        { class: 'empty muted' },
        'No child containers. Start one above: it gets its own gofer and mounts under /__runsc_containers__/<id>.',
      ),
    );
  syncTargets();
}

function drawViews() {
  const v = state.view;
  const at = (sel, fn) => {
    const cid = $(sel).value || undefined;
    try {
      return fn(cid);
    } catch (e) {
      return [`error: ${e.message}`];
    }
  };
  renderText(
    $('proc-mounts'),
    at('proc-target', (cid) => state.sb.procMounts(cid)),
  );
  renderText(
    $('mountinfo'),
    at('mountinfo-target', (cid) => state.sb.mountinfo(cid)),
  );
  renderRestore($('restore'), v.report.restore);
  const w = $('warnings');
  w.replaceChildren(...v.report.warnings.map((t) => h('li', {}, t)));
  if (!v.report.warnings.length) w.append(h('li', { class: 'muted' }, 'No warnings.'));
  $('warn-count').textContent = v.report.warnings.length || '';
  renderDecisionLog($('decisions'), v.report.decisions, (i) => pickDecision(i));
}

// ---- 9P inspector.
function connKey(c) {
  return `${c.gofer}:${c.conn}`;
}
function drawNinep() {
  const conns = state.view.connections;
  const sel = $('ninep-conn');
  let total = 0;
  let newest = null;
  let newestSeq = -1;
  for (const c of conns) {
    total += c.messages.length;
    const last = c.messages[c.messages.length - 1];
    const prev = state.lastSeen.get(connKey(c)) ?? -1;
    if (last && last.seq > prev && (newest == null || c.gofer > newest.gofer || last.seq > newestSeq)) {
      newest = c;
      newestSeq = last.seq;
    }
  }
  $('ninep-count').textContent = total || '';
  // Follow the connection that just talked, so a command visibly produces its messages.
  if (newest && state.followConn !== false) state.conn = connKey(newest);
  if (!conns.some((c) => connKey(c) === state.conn)) state.conn = conns[0] ? connKey(conns[0]) : null;
  sel.replaceChildren(
    ...conns.map((c) =>
      h(
        'option',
        { value: connKey(c) },
        `fd ${c.fd} → ${c.attach}${c.read_only ? ' (ro)' : ''} · ${c.container ? `container ${c.container}` : 'root'} · ${c.messages.length} msgs`,
      ),
    ),
  );
  if (state.conn) sel.value = state.conn;
  const conn = conns.find((c) => connKey(c) === state.conn);
  const rows = $('ninep-rows');
  rows.replaceChildren();
  if (!conn) {
    $('ninep-meta').textContent = 'no gofer connections';
    return;
  }
  const seen = state.lastSeen.get(connKey(conn)) ?? -1;
  $('ninep-meta').textContent =
    `gofer ${conn.gofer} · conn ${conn.conn}${conn.dropped ? ` · ${conn.dropped} older dropped` : ''}`;
  for (const m of conn.messages) {
    const row = h(
      'tr',
      {
        class:
          (m.seq > seen && seen >= 0 ? 'fresh ' : '') +
          (m.errno != null ? 'err ' : '') +
          (m.seq === state.msgSeq ? 'selected' : ''),
        'data-testid': 'ninep-message',
        'data-seq': m.seq,
        onclick: () => {
          state.msgSeq = m.seq;
          drawHex(m);
          for (const r of rows.children) r.classList.toggle('selected', r === row);
        },
      },
      h('td', {}, m.seq),
      h('td', {}, m.tag),
      h('td', { class: 'mono' }, m.request),
      h('td', { class: 'mono' }, m.errno != null ? `${m.reply}${m.errno_name ? ` (${m.errno_name})` : ''}` : m.reply),
      h('td', { class: 'num' }, `${m.request_size}/${m.reply_size}`),
    );
    rows.append(row);
  }
  for (const c of conns) {
    const last = c.messages[c.messages.length - 1];
    state.lastSeen.set(connKey(c), last ? last.seq : -1);
  }
  // Follow the newest message, in the next frame: reading scrollHeight here
  // would force a layout of the whole page on every re-simulation.
  const wrap = rows.closest('.ninep-table-wrap');
  requestAnimationFrame(() => {
    wrap.scrollTop = wrap.scrollHeight;
  });
  const m = conn.messages.find((x) => x.seq === state.msgSeq);
  if (m) drawHex(m);
  else
    $('hex').replaceChildren(
      h('p', { class: 'muted' }, 'Select a message to see its frames (size[4] type[1] tag[2] body).'),
    );
}

function drawHex(m) {
  $('hex').replaceChildren(
    h(
      'div',
      { class: 'hex-title' },
      h('strong', {}, m.request.split(' ')[0]),
      ` ${m.request_size} bytes`,
      m.request_hex.length / 2 < m.request_size ? ` (first ${m.request_hex.length / 2} shown)` : '',
    ),
    hexDump(m.request_hex),
    h(
      'div',
      { class: 'hex-title' },
      h('strong', {}, m.reply.split(' ')[0]),
      ` ${m.reply_size} bytes`,
      m.reply_hex.length / 2 < m.reply_size ? ` (first ${m.reply_hex.length / 2} shown)` : '',
    ),
    hexDump(m.reply_hex),
    h(
      'p',
      { class: 'hint legend-hex' },
      h('span', { class: 'b-size' }, 'size'),
      ' ',
      h('span', { class: 'b-type' }, 'type'),
      ' ',
      h('span', { class: 'b-tag' }, 'tag'),
      ' then the message body, little-endian',
    ),
  );
}

$('ninep-conn').addEventListener('change', (e) => {
  state.conn = e.target.value;
  state.followConn = false;
  state.msgSeq = null;
  drawNinep();
  state.followConn = true;
});

// ---- Steps that change the sandbox.
function afterStep() {
  state.steps = guard(() => state.sb.steps());
  refresh();
}

async function readFile(input) {
  const f = input.files?.[0];
  return f ? { name: f.name, text: await f.text() } : null;
}

$('add-container').addEventListener('submit', async (e) => {
  e.preventDefault();
  const cid = $('container-id').value.trim();
  const errEl = $('container-error');
  errEl.hidden = true;
  if (!state.sb) return;
  const file = await readFile($('container-spec-file'));
  const host = await readFile($('container-host-file'));
  const spec = file
    ? file.text
    : $('container-preset').value === 'root'
      ? state.text
      : presetText(indexJson.child.file);
  try {
    guard(() => state.sb.addContainer(cid, spec, host ? host.text : undefined));
    term.notice(`${term.colors.yellow}started container ${cid}${term.colors.reset}`);
    state.selected = `/__runsc_containers__/${cid}`;
    state.selectedDecision = null;
    afterStep();
    document
      .querySelector(`[data-testid=mount-node][data-path="${CSS.escape(state.selected)}"]`)
      ?.scrollIntoView({ block: 'nearest' });
    $('container-id').value = nextCid();
    return;
  } catch (err) {
    errEl.hidden = false;
    errEl.textContent = err.message;
    term.notice(`${term.colors.red}container ${cid}: ${err.message}${term.colors.reset}`);
  }
  afterStep();
});

function nextCid() {
  const used = new Set((state.view?.containers || []).map((c) => c.cid));
  let i = 1;
  while (used.has(`c${i}`)) i++;
  return `c${i}`;
}

function destroyContainer(cid) {
  try {
    guard(() => state.sb.destroyContainer(cid));
    term.notice(`${term.colors.yellow}destroyed container ${cid}${term.colors.reset}`);
  } catch (err) {
    term.notice(`${term.colors.red}destroy ${cid}: ${err.message}${term.colors.reset}`);
  }
  afterStep();
}

for (const [id, label] of [
  ['container-spec-file', 'container-file-label'],
  ['container-host-file', 'container-host-label'],
]) {
  $(id).addEventListener('change', (e) => {
    const f = e.target.files[0];
    $(label).textContent = f ? f.name : label.includes('host') ? 'Host files…' : 'Spec file…';
  });
}

// ---- Loading scenarios.
// A minified file is shown pretty-printed (formatting only; the engine reads the same JSON).
function readable(text) {
  if (text.length < 120 || text.trimEnd().includes('\n')) return text;
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text;
  }
}

function load(text, { config = null, steps = [] } = {}) {
  text = readable(text);
  editor.setText(text);
  const a = analyze(text);
  setControls(config || a.config || { overlay: false, file_access: 'exclusive' });
  simulate.lastConfig = a.config;
  state.steps = steps;
  state.selected = '/';
  state.selectedDecision = null;
  state.msgSeq = null;
  state.lastSeen = new Map();
  return simulate(text, { replay: steps });
}

function greet() {
  term.writeln(`${term.colors.dim}Sandbox shell (root) · help · ↑/↓ history${term.colors.reset}`);
}

function loadPreset(file) {
  const text = presetText(file);
  if (text == null) return;
  term.clear();
  load(text);
  greet();
  term.prompt();
}

presetSel.replaceChildren(
  ...indexJson.presets.map((p) => h('option', { value: p.file, title: p.description }, p.title)),
  h('option', { value: '', disabled: true }, 'custom'),
);
presetSel.addEventListener('change', () => presetSel.value && loadPreset(presetSel.value));

$('spec-file').addEventListener('change', async (e) => {
  const f = await readFile(e.target);
  if (!f) return;
  presetSel.value = '';
  term.clear();
  load(f.text);
  term.writeln(`${term.colors.dim}loaded ${f.name}${term.colors.reset}`);
  term.prompt();
  e.target.value = '';
});

const pane = $('editor-pane');
pane.addEventListener('dragover', (e) => {
  e.preventDefault();
  pane.classList.add('dragging');
});
pane.addEventListener('dragleave', (e) => {
  if (!pane.contains(e.relatedTarget)) pane.classList.remove('dragging');
});
pane.addEventListener('drop', async (e) => {
  e.preventDefault();
  pane.classList.remove('dragging');
  const f = e.dataTransfer.files[0];
  if (!f) return;
  presetSel.value = '';
  term.clear();
  load(await f.text());
  term.writeln(`${term.colors.dim}loaded ${f.name}${term.colors.reset}`);
  term.prompt();
});

overlayEl.addEventListener('change', () => simulate(editor.text));
faEl.addEventListener('change', () => simulate(editor.text));
$('reset').addEventListener('click', () => {
  state.steps = [];
  term.clear();
  simulate(editor.text, { replay: [] });
  term.prompt();
});
for (const id of ['proc-target', 'mountinfo-target']) $(id).addEventListener('change', drawViews);
$('term-target').addEventListener('change', () => {
  term.redraw();
  term.focus();
});

// ---- Tabs.
for (const tab of document.querySelectorAll('[role=tab]')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('[role=tab]')) t.setAttribute('aria-selected', String(t === tab));
    for (const p of document.querySelectorAll('.tab-body')) p.hidden = p.dataset.panel !== tab.dataset.tab;
  });
}

// ---- Share and download.
async function shareUrl() {
  const hash = await encodeShare({
    scenario: editor.text,
    overlay: overlayEl.checked,
    file_access: faEl.value,
    steps: state.steps,
  });
  return `${location.origin}${location.pathname}#${hash}`;
}
function scheduleHash() {
  clearTimeout(scheduleHash.t);
  scheduleHash.t = setTimeout(async () => {
    if (!state.analysis?.ok) return;
    const url = await shareUrl();
    history.replaceState(null, '', url);
  }, 400);
}
$('share').addEventListener('click', async () => {
  const url = await shareUrl();
  history.replaceState(null, '', url);
  try {
    await navigator.clipboard.writeText(url);
    toast('Link copied: it replays this spec and every step.');
  } catch {
    toast('Link is in the address bar.');
  }
  $('share').dataset.url = url;
});
$('download').addEventListener('click', () => {
  if (!state.sb) return;
  const blob = new Blob([`${state.sb.scenarioJson()}\n`], { type: 'application/json' });
  const a = h('a', { href: URL.createObjectURL(blob), download: 'scenario.json' });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});

async function openShared(hash) {
  const p = await decodeShare(hash);
  if (!p) return false;
  presetSel.value = '';
  term.clear();
  term.writeln(`${term.colors.dim}replaying a shared session: ${p.steps.length} step(s)${term.colors.reset}`);
  const results =
    load(p.scenario, {
      config: { overlay: !!p.overlay, file_access: p.file_access || 'exclusive' },
      steps: p.steps || [],
    }) || [];
  for (const r of results) {
    if (r.kind === 'sh') {
      term.echo(r.line);
      printResult(r);
    } else if (r.kind === 'add')
      term.writeln(
        `${term.colors.yellow}${r.ok ? 'started' : 'failed to start'} container ${r.container}${r.ok ? '' : `: ${r.error}`}${term.colors.reset}`,
      );
    else if (r.kind === 'destroy')
      term.writeln(`${term.colors.yellow}destroyed container ${r.container}${term.colors.reset}`);
    else if (r.error) term.writeln(term.colors.red + r.error + term.colors.reset);
  }
  term.prompt();
  return true;
}

// ---- Hooks for the measurement harness and tests.
window.mountlab = {
  // The raw exports, so tests can call every one of them with garbage.
  api: { Sandbox, analyze, sourceRef },
  timings,
  state,
  resimulate() {
    const t0 = performance.now();
    simulate(editor.text);
    return { total: performance.now() - t0, engine: timings.lastEngine };
  },
  engineOnly(n = 1) {
    const out = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const sb = new Sandbox(editor.text, overrides());
      const v = sb.view();
      sb.free();
      out.push(performance.now() - t0);
      if (!v) break;
    }
    return out;
  },
};

// ---- Boot.
(async () => {
  performance.mark('mountlab-script');
  await wasmReady;
  performance.mark('mountlab-wasm-ready');
  installPanicHook();
  let shared = false;
  try {
    shared = await openShared(location.hash);
  } catch (e) {
    toast(`Could not open the shared link: ${e.message}`);
  }
  if (!shared) loadPreset(indexJson.presets[0].file);
  try {
    await loadUi();
  } catch (e) {
    toast(`Could not load the editor and terminal: ${e.message}`);
  }
  $('container-id').value = nextCid();
  document.body.dataset.ready = 'true';
  window.addEventListener('hashchange', async () => {
    try {
      await openShared(location.hash);
    } catch (e) {
      toast(e.message);
    }
  });
})();
