// Bundles the playground (CodeMirror, xterm.js, the wasm-bindgen glue) into www/dist.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// Starts fetching and compiling the engine from the top of index.html, before
// the page's JavaScript has even loaded, and starts the engine's Web Worker
// beside it, which gets the compiled module as its first message: the first
// tree waits for neither the page's script nor a second compile. engine.js
// takes both over (globalThis.mountlabWasm, globalThis.mountlabWorker).
function compileWasmEarly() {
  return {
    name: 'mountlab-compile-wasm-early',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const named = (re, what) => {
          const files = Object.values(bundle || {}).filter((f) => re.test(f.fileName));
          if (files.length !== 1) throw new Error(`expected one ${what}, found ${files.length}`);
          return JSON.stringify(`./${files[0].fileName}`);
        };
        const wasm = named(/\.wasm$/, '.wasm asset');
        const worker = named(/(^|\/)worker-[^/]*\.js$/, 'worker chunk');
        return [
          {
            tag: 'script',
            injectTo: 'head-prepend',
            children: [
              `globalThis.mountlabWasm = WebAssembly.compileStreaming(fetch(${wasm}));`,
              `{ const w = new Worker(${worker}, { type: 'module', name: 'mountlab-engine' });`,
              "  globalThis.mountlabWorker = { worker: w, first: new Promise((r) => w.addEventListener('message', (e) => r(e.data), { once: true })) };",
              '  globalThis.mountlabWasm.then((module) => w.postMessage({ module }), () => w.postMessage({})); }',
            ].join('\n'),
          },
        ];
      },
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  plugins: [compileWasmEarly()],
  // The engine's Web Worker (engine.js) is a module worker: it imports the
  // wasm-bindgen glue, which finds the wasm by import.meta.url.
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    assetsInlineLimit: 0,
  },
});
