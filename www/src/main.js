// The playground's boot: wires the views to the state, loads the first
// scenario, then the editor and the terminal. JavaScript only draws and
// forwards; the engine (Rust, as wasm) decides.
//
//   state.js      the state and its setters; views subscribe to what changed
//   session.js    the simulation: the engine handle, steps, refreshes
//   engine.js     the wasm module: the engine's Web Worker (worker.js) and the
//                 main thread's constant lookups; sources.js its source links
//   status.js tree.js why.js containers.js mounts.js ninep.js   the views
//   spec.js shell.js   the editor's and the terminal's glue
//   controls.js   the top bar, tabs, share and download
import { api, call, installPanicHook, wasmReady } from './engine.js';
import { drawConfig, drawPreset, edited, loadPreset, openShared, scheduleHash } from './controls.js';
import { compareTimings, drawCompare, measureCompare, refreshComparison } from './compare.js';
import { drawContainers, suggestId } from './containers.js';
import { $, drawWhenShown } from './dom.js';
import { drawMounts } from './mounts.js';
import { drawMessage, drawNinep } from './ninep.js';
import { presets } from './presets.js';
import { markFirstTree, simulate, timings } from './session.js';
import { drawTarget, loadTerminal } from './shell.js';
import { drawHighlight, drawInputError, editor, loadEditor } from './spec.js';
import { state, subscribe } from './state.js';
import { drawStatus, drawWarnings, toast } from './status.js';
import { drawTree } from './tree.js';
import { drawDecisionLog, drawWhy } from './why.js';
import './lessons.js';
import './style.css';

// Who redraws on what, in drawing order.
subscribe(['config'], drawConfig);
subscribe(['preset'], drawPreset);
subscribe(['input', 'view'], drawStatus);
subscribe(['input', 'view'], drawInputError);
subscribe(['input', 'view', 'selection'], drawTree);
// Right after the tree: the views below may draw in later tasks (state.js).
subscribe(['view'], markFirstTree);
subscribe(['view', 'selection'], drawWhy);
subscribe(['view'], drawContainers);
subscribe(['view'], drawTarget);
subscribe(['view'], drawMounts);
subscribe(['view', 'selection'], drawWarnings);
subscribe(['view', 'selection'], drawHighlight);
// The decision log (thousands of rows for a big spec) is drawn when its tab is shown.
subscribe(['view'], () => drawWhenShown($('decisions'), drawDecisionLog));
subscribe(['view', 'ninep'], drawNinep);
subscribe(['message'], drawMessage);
subscribe(['view', 'compare'], refreshComparison);
subscribe(['view', 'selection', 'compare', 'preset'], drawCompare);
subscribe(['view'], scheduleHash);

// ---- Hooks for the measurement harness and tests.
window.mountlab = {
  // The raw exports (of the main thread's instance), so tests can call every one of them with garbage.
  api,
  // An engine export by name, answered by the worker (engine.js's rule 1).
  call,
  timings,
  compareTimings,
  measureCompare,
  state,
  // Re-simulates the editor's text in the worker and redraws: the page's
  // whole time, and the worker's own (engine) time.
  async resimulate() {
    const t0 = performance.now();
    await simulate(editor.text);
    return { total: performance.now() - t0, engine: timings.lastEngine };
  },
  // Builds and views the editor's text on the main thread's instance, `n`
  // times: the engine alone, without messaging or drawing.
  engineOnly(n = 1) {
    const out = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const sb = new api.Sandbox(editor.text, state.config);
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
  if (!shared) await loadPreset(presets[0].file);
  try {
    await Promise.all([loadEditor(edited), loadTerminal()]);
  } catch (e) {
    toast(`Could not load the editor and terminal: ${e.message}`);
  }
  suggestId();
  document.body.dataset.ready = 'true';
  window.addEventListener('hashchange', async () => {
    try {
      await openShared(location.hash);
    } catch (e) {
      toast(e.message);
    }
  });
})();
