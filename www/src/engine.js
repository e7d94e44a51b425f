// The engine: the wasm module, whose compilation index.html has already
// started (see vite.config.mjs; without that, in vite dev, init() fetches it
// itself), and the guard that turns a trap (a Rust panic) into the page's
// panic banner.
import init, {
  Sandbox,
  analyze,
  defaultConfig,
  sourceRef,
  installPanicHook,
  mountRanges as wasmMountRanges,
  locateJson as wasmLocateJson,
} from '../pkg/mountlab.js';

export { Sandbox, analyze, defaultConfig, sourceRef, installPanicHook };

// The editor's map of a text, measured in Rust (src/web/lint.rs): the range
// of each spec.mounts[i] entry, and of the value at a JSON path. Async, as
// every engine call will be once the engine runs in a worker.
export const mountRanges = async (text) => wasmMountRanges(text);
export const locateJson = async (text, path) => wasmLocateJson(text, path);

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
