// The controls: the preset select, opening or dropping a file, --overlay and
// --file-access, Reset steps, the view tabs, and Share link / Download.
import { C } from './ansi.js';
import { $ } from './dom.js';
import { defaultConfig } from './engine.js';
import { h } from './render.js';
import { presets, presetText } from './presets.js';
import { load as loadScenario, resetSteps, simulate } from './session.js';
import { encodeShare, decodeShare } from './share.js';
import { editor } from './spec.js';
import { greet, printReplay, term } from './shell.js';
import { toast } from './status.js';
import { state, setCompareEngines, setConfig, setPreset } from './state.js';
import './presets.css';

const presetSel = $('preset');
const overlayEl = $('overlay');
const overlay2El = $('overlay2');
const rootlessEl = $('rootless');
const faEl = $('file-access');
const engineEl = $('engine');

// The engine the next simulation runs: the selector's, else the scenario's.
export const engineOf = () => state.config?.engine || state.analysis?.engine || 'runsc-2018';

// runsc's default --overlay2 (config.defaultOverlay2, runsc/config/flags.go).
const OVERLAY2_DEFAULT = 'root:self';

// An --overlay2 value the select has no option for (a scenario's own, say
// `all:dir=/x`) gets one, so the control shows what runs.
function showOverlay2(value) {
  if (![...overlay2El.options].some((o) => o.value === value)) overlay2El.append(h('option', { value }, value));
  overlay2El.value = value;
}

// The config controls show the config the next simulation uses. Each
// engine's own flags appear with it (data-flag-of in index.html: --overlay
// for runsc 2018, --overlay2 for today's runsc, rootless for runc,
// --file-access for both runscs); the others are hidden and disabled.
export function drawConfig() {
  if (!state.config) return;
  overlayEl.checked = state.config.overlay;
  showOverlay2(state.config.overlay2 || OVERLAY2_DEFAULT);
  rootlessEl.checked = state.config.rootless;
  faEl.value = state.config.file_access;
  engineEl.value = state.config.engine || '';
  const engine = engineOf();
  for (const el of document.querySelectorAll('[data-flag-of]')) {
    const own = el.dataset.flagOf.split(' ').includes(engine);
    el.hidden = !own;
    for (const input of el.querySelectorAll('input, select')) input.disabled = !own;
  }
}

// The loaded preset's description (what to look for), above the editor.
export function drawPreset() {
  const about = $('preset-about');
  const p = presets.find((x) => x.file === state.preset);
  about.hidden = !p;
  about.textContent = p ? p.description : '';
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

function load(text, opts) {
  const shown = readable(text);
  editor.setText(shown);
  return loadScenario(shown, opts);
}

export async function loadPreset(file) {
  const text = presetText(file);
  if (text == null) return;
  term.clear();
  setPreset(file);
  await load(text);
  greet();
  term.prompt();
}

// Opens a chosen or dropped file. One the browser cannot read, or that is
// not text (a NUL, or bytes that are not UTF-8), is refused in words and
// leaves the editor as it was; one that is text but not a valid spec is
// loaded, and the terminal says so instead of `loaded`.
async function loadFile(f) {
  let text;
  try {
    text = await f.text();
  } catch (e) {
    toast(`Could not read ${f.name}: ${e.message || e.name}`);
    term.writeln(`${C.red}could not read ${f.name}: ${e.message || e.name}${C.reset}`);
    return;
  }
  if (text.includes('\0') || text.includes('\uFFFD')) {
    toast(`${f.name} is not a text file: a spec is JSON text`);
    term.writeln(`${C.red}${f.name} is not a text file (a spec is JSON text); nothing loaded${C.reset}`);
    return;
  }
  presetSel.value = '';
  setPreset(null);
  term.clear();
  await load(text);
  const ok = state.analysis?.ok;
  term.writeln(
    ok
      ? `${C.dim}loaded ${f.name}${C.reset}`
      : `${C.red}opened ${f.name}: not a valid spec, see the error under the editor${C.reset}`,
  );
  term.prompt();
}

// An edit in the spec editor: re-simulated once typing pauses.
let editTimer = 0;
export function edited(text) {
  presetSel.value = '';
  setPreset(null);
  clearTimeout(editTimer);
  editTimer = setTimeout(() => simulate(text, { fromEditor: true }), 250);
}

presetSel.replaceChildren(
  ...presets.map((p) => h('option', { value: p.file, title: p.description }, p.title)),
  h('option', { value: '', disabled: true }, 'custom'),
);
presetSel.addEventListener('change', () => presetSel.value && loadPreset(presetSel.value));

$('spec-file').addEventListener('change', async (e) => {
  const f = e.target.files?.[0];
  if (!f) return;
  await loadFile(f);
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
  if (f) await loadFile(f);
});

// ---- Config and steps.
// Only the flags the engine takes (their controls are enabled) are read:
// another engine's hidden control keeps the config's value, so a toggle of
// --overlay does not also "set" --overlay2 to the select's default.
const configChanged = async () => {
  const c = state.config || {};
  const read = (el, value) => (el.disabled ? undefined : value);
  setConfig({
    overlay: read(overlayEl, overlayEl.checked) ?? c.overlay,
    overlay2: read(overlay2El, overlay2El.value) ?? c.overlay2,
    rootless: read(rootlessEl, rootlessEl.checked) ?? c.rootless,
    file_access: read(faEl, faEl.value) ?? c.file_access,
    engine: engineEl.value,
  });
  drawConfig();
  await simulate(editor.text);
};
for (const el of [overlayEl, overlay2El, rootlessEl, faEl]) el.addEventListener('change', configChanged);

// The Compare view hands the main session to the engine of the tree looked
// at: the selector moves to it and the sandbox is rebuilt on it (steps
// replayed), so the terminal and every view run there. Nothing happens
// when it already runs there.
export async function chooseEngine(engine) {
  if (engineOf() === engine) return;
  engineEl.value = engine;
  await configChanged();
}
// A new engine rebuilds the Sandbox with it, replaying the steps.
engineEl.addEventListener('change', configChanged);

$('reset').addEventListener('click', async () => {
  term.clear();
  await resetSteps(editor.text);
  term.prompt();
});

// ---- Share and download.
export const ENGINES = ['runsc-2018', 'runsc', 'runc'];
// Two or three engines, each once (a link's list, checked before use).
export const isEngines = (e) =>
  Array.isArray(e) &&
  e.length >= 2 &&
  e.length <= 3 &&
  new Set(e).size === e.length &&
  e.every((n) => ENGINES.includes(n));

// The view tab open, and opening one by name (through its button, so the
// tabs' own handler does the switching).
const openTab = () => document.querySelector('[role=tab][aria-selected=true]')?.dataset.tab;
const showTab = (name) => document.querySelector(`[role=tab][data-tab="${CSS.escape(String(name))}"]`)?.click();

async function shareUrl() {
  const hash = await encodeShare({
    scenario: editor.text,
    overlay: state.config.overlay,
    overlay2: state.config.overlay2,
    rootless: state.config.rootless,
    file_access: state.config.file_access,
    engine: state.config.engine,
    engines: state.compareEngines,
    view: openTab(),
    steps: state.steps,
  });
  return `${location.origin}${location.pathname}#${hash}`;
}

// The address bar follows the session, once changes pause.
let hashTimer = 0;
export function scheduleHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(async () => {
    if (!state.analysis?.ok) return;
    history.replaceState(null, '', await shareUrl());
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

$('download').addEventListener('click', async () => {
  if (!state.sb) return;
  const blob = new Blob([`${await state.sb.scenarioJson()}\n`], { type: 'application/json' });
  const a = h('a', { href: URL.createObjectURL(blob), download: 'scenario.json' });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});

// Opens a share link's hash: the scenario, its config, and its steps
// replayed in the terminal. False when the hash is no share link.
export async function openShared(hash) {
  const p = await decodeShare(hash);
  if (!p) return false;
  presetSel.value = '';
  setPreset(null);
  term.clear();
  term.writeln(`${C.dim}replaying a shared session: ${p.steps.length} step(s)${C.reset}`);
  const d = defaultConfig();
  const results =
    (await load(p.scenario, {
      config: {
        overlay: p.overlay ?? d.overlay,
        overlay2: p.overlay2,
        rootless: p.rootless,
        file_access: p.file_access || d.file_access,
        engine: p.engine,
      },
      steps: p.steps || [],
    })) || [];
  if (isEngines(p.engines)) setCompareEngines(p.engines);
  if (p.view) showTab(p.view);
  printReplay(results);
  term.prompt();
  return true;
}
