// The simulation: opens the session's sandbox in the engine's worker from a
// text, replays the steps, runs new ones, and hands every result to the
// state. The only module that changes a sandbox. Every export is async: the
// engine answers from its Web Worker (engine.js), and each Promise resolves
// once the state holds the new view.
import { analyze, defaultConfig, openSandbox, sandbox } from './engine.js';
import {
  state,
  batch,
  setAnalysis,
  setInputError,
  setSandbox,
  setView,
  setSteps,
  setConfig,
  setLastConfig,
  resetSelection,
  drawn,
} from './state.js';

// For the measurement harness (tests/e2e/measure.mjs, perf.test.mjs), in ms:
// `lastEngine` the worker's own time (performance.now() there) to build,
// replay and view; `lastParse` the main thread's JSON.parse of that view;
// `lastDraw` the main thread's redraw of every view; `lastResim` the page's
// whole time, from the call to the view drawn.
export const timings = { firstTree: null, lastResim: null, lastEngine: null, lastParse: null, lastDraw: null };

// state.sb: the page's handle on the worker's sandbox (what the views read).
const handle = Object.freeze({
  procMounts: async (cid) => (await sandbox('procMounts', cid)).value,
  mountinfo: async (cid) => (await sandbox('mountinfo', cid)).value,
  scenarioJson: async () => (await sandbox('scenarioJson')).value,
  report: async () => (await sandbox('report')).value,
  steps: async () => (await sandbox('steps')).value,
});

const sameConfig = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Simulates `text` with the config controls, replaying `replay` (default:
// the steps run so far). Resolves to the steps' results, or false on an
// input error. `fromEditor`: a config the edit changed moves the controls.
// `analysis`: the text's, when the caller has it; `before`: setters to run
// in the same batch as the new view (so the page draws once).
export async function simulate(text, { fromEditor = false, replay = null, analysis = null, before = null } = {}) {
  const t0 = performance.now();
  const steps = replay ?? state.steps;
  const a = analysis ?? (await analyze(text));
  if (!a.ok) {
    batch(() => {
      before?.();
      setAnalysis(text, a);
    });
    return false;
  }
  if (fromEditor && a.config && !sameConfig(a.config, state.lastConfig))
    setConfig({ ...a.config, overlay2: a.overlay2, rootless: a.rootless, engine: state.config?.engine });
  setLastConfig(a.config);
  let r;
  try {
    // The engine runs the steps as `mountlab run` does: a step it refuses
    // or cannot read is a result too (Playground::replay).
    r = await openSandbox(text, state.config, steps);
  } catch (e) {
    batch(() => {
      before?.();
      setAnalysis(text, a);
      setInputError(e.message);
    });
    return false;
  }
  const viewed = performance.now();
  batch(() => {
    before?.();
    setAnalysis(text, a);
    setSandbox(handle);
    setView(r.value.view, r.value.steps);
  });
  // The views draw in slices of tasks (state.js): resolve once all have.
  await drawn();
  timings.lastDraw = performance.now() - viewed;
  timings.lastParse = r.parseMs;
  timings.lastEngine = r.ms;
  timings.lastResim = performance.now() - t0;
  return r.value.results;
}

// The first tree drawn, for the measurement harness: subscribed after the views.
export function markFirstTree() {
  if (timings.firstTree == null && state.view?.tree) {
    // On screen: the frame after the tree was built (the rest of its task
    // and the browser's style and layout come first).
    timings.firstTree = -1;
    requestAnimationFrame(() => {
      performance.mark('mountlab-first-tree');
      timings.firstTree = performance.now();
    });
  }
}

// A new scenario: the given config, else the scenario's, else the engine's
// default, the root selected, and `steps` replayed.
export async function load(text, { config = null, steps = [] } = {}) {
  const a = await analyze(text);
  // The engine selector's choice stays across scenarios.
  setConfig({
    ...(config || { ...(a.config || defaultConfig()), overlay2: a.overlay2, rootless: a.rootless }),
    engine: config?.engine ?? state.config?.engine,
  });
  setLastConfig(a.config);
  return simulate(text, {
    replay: steps,
    analysis: a,
    before: () => {
      setSteps(steps);
      resetSelection();
    },
  });
}

// Forgets the containers and commands; keeps the spec.
export function resetSteps(text) {
  return simulate(text, { replay: [], before: () => setSteps([]) });
}

// Runs one sandbox method that changes it; the page redraws after it ran,
// whether it succeeded or threw.
async function step(method, ...args) {
  let r;
  try {
    r = await sandbox(method, ...args);
  } catch (e) {
    if (e.view) {
      setView(e.view, e.steps);
      await drawn();
    }
    throw e;
  }
  setView(r.value.view, r.value.steps);
  await drawn();
  return r.value.result;
}

// Runs a shell line in the root (`cid` undefined) or a child container.
export const runShell = (line, cid) => step('run', line, cid);

// Starts a child container from a spec (or scenario) text and host files.
export const addContainer = (cid, spec, host) => step('addContainer', cid, spec, host);

export const destroyContainer = (cid) => step('destroyContainer', cid);
