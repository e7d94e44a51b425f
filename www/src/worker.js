// The engine's Web Worker: initialises the wasm with the module the page
// posts first (already compiled; absent in vite dev, then init() fetches it)
// and hands over to Rust (src/web/worker.rs), which answers every later
// message. The page sends nothing else before `ready`.
import init, * as wasm from '../pkg/mountlab.js';

self.onmessage = async ({ data }) => {
  self.onmessage = null;
  try {
    await init(data.module ? { module_or_path: data.module } : undefined);
    wasm.workerMain(wasm);
    self.postMessage({ ready: true });
  } catch (e) {
    self.postMessage({ ready: false, error: String(e?.message ?? e) });
  }
};
