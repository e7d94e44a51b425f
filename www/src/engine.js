// The engine: the wasm module, whose compilation index.html has already
// started (see vite.config.mjs; without that, in vite dev, init() fetches it
// itself), and the guard that turns a trap (a Rust panic) into the page's
// panic banner.
import init, { Sandbox, analyze, defaultConfig, sourceRef, installPanicHook } from '../pkg/mountlab.js';

export { Sandbox, analyze, defaultConfig, sourceRef, installPanicHook };

export const wasmReady = init(
  globalThis.mountlabWasm ? { module_or_path: globalThis.mountlabWasm.catch(() => undefined) } : undefined,
);

// Calls the engine; a trap is shown in the panic banner, then rethrown.
export function guard(fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) globalThis.mountlabPanic(String(e));
    throw e;
  }
}

// #17: `compareEngines(text, {engines, overlay, overlay2, rootless})` and
// `compareRuns({text, options}, {text, options})` (contract in notes/contracts/D.md); callers await them.
export { compareEngines, compareRuns } from '../pkg/mountlab.js';
