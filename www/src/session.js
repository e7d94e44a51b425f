// The simulation: builds the engine handle from a text, replays the steps,
// runs new ones, and hands every result to the state. The only module that
// calls the engine's methods that change a sandbox.
import { Sandbox, analyze, defaultConfig, guard } from './engine.js';
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
} from './state.js';

// For the measurement harness (tests/e2e/measure.mjs).
export const timings = { firstTree: null, lastResim: null, lastEngine: null };

const sameConfig = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Simulates `text` with the config controls, replaying `replay` (default:
// the steps run so far). Returns the steps' results, or false on an input
// error. `fromEditor`: a config the edit changed moves the controls.
export function simulate(text, { fromEditor = false, replay = null } = {}) {
  const t0 = performance.now();
  let t1 = t0;
  const results = batch(() => {
    const a = guard(() => analyze(text));
    setAnalysis(text, a);
    if (!a.ok) return false;
    if (fromEditor && a.config && !sameConfig(a.config, state.lastConfig))
      setConfig({ ...a.config, overlay2: a.overlay2, rootless: a.rootless, engine: state.config?.engine });
    setLastConfig(a.config);
    let sb;
    try {
      sb = guard(() => new Sandbox(text, state.config));
    } catch (e) {
      setInputError(e.message);
      return false;
    }
    let out;
    try {
      // The engine runs the steps as `mountlab run` does: a step it refuses
      // or cannot read is a result too (Playground::replay).
      out = guard(() => sb.replay(JSON.stringify(replay ?? state.steps)));
    } catch (e) {
      sb.free();
      throw e;
    }
    t1 = performance.now();
    setSandbox(sb);
    refresh();
    return out;
  });
  if (results) {
    timings.lastEngine = t1 - t0;
    timings.lastResim = performance.now() - t0;
  }
  return results;
}

// Reads the engine's view after a change.
export function refresh() {
  setView(
    guard(() => state.sb.view()),
    guard(() => state.sb.steps()),
  );
}

// The first tree drawn, for the measurement harness: subscribed after the views.
export function markFirstTree() {
  if (timings.firstTree == null && state.view?.tree) {
    performance.mark('mountlab-first-tree');
    timings.firstTree = performance.now();
  }
}

// A new scenario: the given config, else the scenario's, else the engine's
// default, the root selected, and `steps` replayed.
export function load(text, { config = null, steps = [] } = {}) {
  return batch(() => {
    const a = analyze(text);
    // The engine selector's choice stays across scenarios.
    setConfig({
      ...(config || { ...(a.config || defaultConfig()), overlay2: a.overlay2, rootless: a.rootless }),
      engine: config?.engine ?? state.config?.engine,
    });
    setLastConfig(a.config);
    setSteps(steps);
    resetSelection();
    return simulate(text, { replay: steps });
  });
}

// Forgets the containers and commands; keeps the spec.
export function resetSteps(text) {
  return batch(() => {
    setSteps([]);
    return simulate(text, { replay: [] });
  });
}

// Each step below redraws after it ran, whether it succeeded or threw.
function step(fn) {
  try {
    return guard(fn);
  } finally {
    refresh();
  }
}

// Runs a shell line in the root (`cid` undefined) or a child container.
export const runShell = (line, cid) => step(() => state.sb.run(line, cid));

// Starts a child container from a spec (or scenario) text and host files.
export const addContainer = (cid, spec, host) => step(() => state.sb.addContainer(cid, spec, host));

export const destroyContainer = (cid) => step(() => state.sb.destroyContainer(cid));
