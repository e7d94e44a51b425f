// The engine: the wasm module, the only module that imports ../pkg/mountlab.js.
//
// THE RULE for engine calls (contract: /work/notes/contracts/W.md):
//
//  1. Everything runs in the engine's Web Worker (worker.js, src/web/worker.rs)
//     and is async: `call(name, ...args)` calls the wasm export `name` there
//     and returns a Promise of its result (arguments and results are
//     structured-cloned; a thrown engine error rejects with an Error whose
//     message is the engine's; a Rust panic also raises the panic banner).
//     A new export is one line here, called with `await`:
//
//       export const lint = (text) => call('lint', text);
//
//     The worker looks the name up among the wasm's exports: no Rust change.
//  2. Only constant lookups, which cost microseconds whatever the spec, stay
//     synchronous on a main-thread instance: sourceRef, defaultConfig (and
//     `api`, the raw exports, for the boundary tests). Parsing, linting,
//     simulating, comparing: always `call`, so input never waits for them.
//
// The worker owns the session's one sandbox: session.js opens it
// (openSandbox) and calls its methods (sandbox); nobody else does.
//
// Both instances share one compilation: index.html starts compiling the
// wasm before any script has loaded (see vite.config.mjs; in vite dev each
// init() fetches it itself) and the compiled module is posted to the worker.
import init, * as wasm from '../pkg/mountlab.js';

const { Sandbox, analyze: analyzeNow, defaultConfig, sourceRef, installPanicHook } = wasm;

export { defaultConfig, sourceRef, installPanicHook };

// The raw exports of the main-thread instance, for tests that call every one with garbage.
export const api = { Sandbox, analyze: analyzeNow, defaultConfig, sourceRef };

const compiled = globalThis.mountlabWasm?.catch(() => undefined);

// The main-thread instance (constant lookups only).
const mainReady = init(compiled ? { module_or_path: compiled } : undefined);

// ---- The worker: started by index.html's first script (see vite.config.mjs)
// or here (vite dev); its first message says whether the wasm started.
const early = globalThis.mountlabWorker;
const worker =
  early?.worker ?? new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'mountlab-engine' });
const first = early?.first ?? new Promise((r) => worker.addEventListener('message', (e) => r(e.data), { once: true }));
if (!early) (async () => worker.postMessage({ module: await compiled }))();
const pending = new Map();
let nextId = 1;

const panic = (message) => globalThis.mountlabPanic?.(message);

const workerReady = first.then((data) => {
  if (!data.ready) throw new Error(`the engine's worker did not start: ${data.error}`);
  performance.mark('mountlab-worker-ready');
});
mainReady.then(() => performance.mark('mountlab-main-instance-ready'));

// Set when the panic hook announced a panic: the trap that follows reaches
// worker.onerror too, and is that same request's end.
let announced = false;

function answered({ data }) {
  if (data.panic) {
    panic(data.panic);
    announced = true;
  }
  const p = pending.get(data.id);
  if (!p) return;
  pending.delete(data.id);
  // The view comes as JSON text: parsing it is cheaper than cloning objects.
  const t0 = performance.now();
  const view = data.viewJson == null ? undefined : JSON.parse(data.viewJson);
  const parseMs = performance.now() - t0;
  // The root container's tables, read with the view (mounts.js draws them).
  if (view) view.tables = { procMounts: data.procMounts, mountinfo: data.mountinfo };
  if (data.panic || data.error != null) {
    const e = new Error(data.panic || data.error);
    if (data.panic) e.panic = true;
    // A step that threw still changed what the page shows.
    if (view) Object.assign(e, { view, steps: data.steps });
    p.reject(e);
  } else p.resolve({ value: view ? { ...data.value, view, steps: data.steps } : data.value, ms: data.ms, parseMs });
}
worker.onmessage = answered;

// A trap the panic hook did not announce (no Rust panic: e.g. out of
// memory) ends the oldest request: the worker answers in order.
worker.onerror = (e) => {
  e.preventDefault();
  if (announced) {
    announced = false;
    return;
  }
  panic(String(e.message));
  const [id, p] = pending.entries().next().value ?? [];
  if (!p) return;
  pending.delete(id);
  p.reject(Object.assign(new Error(String(e.message)), { panic: true }));
};

// Resolves once both instances are ready.
export const wasmReady = Promise.all([mainReady, workerReady]);

// One request to the worker; resolves with {value, ms, parseMs} (ms: the
// engine's own time in the worker; parseMs: the main thread's JSON.parse of the view).
async function request(kind, name, args) {
  await workerReady;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, kind, name, args });
  });
}

// Calls the wasm export `name` in the worker.
export async function call(name, ...args) {
  return (await request('call', name, args)).value;
}

// The stateless exports, async (see the rule above).
export const analyze = (text) => call('analyze', text);
// #17: `compareEngines(text, {engines, overlay, overlay2, rootless})` (src/web/compare.rs).
// compareEngines answers JSON text, parsed here (cheaper than cloned
// objects). compareEnginesTimed also gives `ms`, the engine's own time in
// the worker, and `parseMs`, this thread's JSON.parse (#17's budget).
export async function compareEnginesTimed(text, options) {
  const { value, ms } = await request('call', 'compareEngines', [text, options]);
  const t0 = performance.now();
  return { value: JSON.parse(value), ms, parseMs: performance.now() - t0 };
}
export const compareEngines = async (text, options) => (await compareEnginesTimed(text, options)).value;
// The 9P inspector's decode and the change marks (#18).
export const decode9p = (hex) => call('decode9p', hex);
export const mountChanges = (beforeText, beforeConfig, afterText, afterConfig, what) =>
  call('mountChanges', beforeText, beforeConfig, afterText, afterConfig, what);

// The editor's map of a text, measured in Rust (src/web/lint.rs): the range
// of each spec.mounts[i] entry, and of the value at a JSON path.
export const mountRanges = (text) => call('mountRanges', text);
export const locateJson = (text, path) => call('locateJson', text, path);

// The session's new sandbox from `text` with `config`, the `steps` replayed:
// {value: {results, view, steps}, ms}. The old one stays if this throws.
export const openSandbox = (text, config, steps) => request('open', '', [text, config, JSON.stringify(steps)]);

// A method of the session's sandbox; one that changes it answers {result, view, steps}.
export const sandbox = (method, ...args) => request('sb', method, args);

// Calls the main-thread instance; a trap is shown in the panic banner, then rethrown.
export function guard(fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) panic(String(e));
    throw e;
  }
}
