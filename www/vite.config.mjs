// Bundles the playground (CodeMirror, xterm.js, the wasm-bindgen glue) into www/dist.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// Starts fetching and compiling the engine from the top of index.html, before
// the page's JavaScript has even loaded; main.js hands the promise to init().
function compileWasmEarly() {
  return {
    name: 'mountlab-compile-wasm-early',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const wasm = Object.values(bundle || {}).filter((f) => f.fileName.endsWith('.wasm'));
        if (wasm.length !== 1) throw new Error(`expected one .wasm asset, found ${wasm.length}`);
        const url = JSON.stringify(`./${wasm[0].fileName}`);
        return [
          {
            tag: 'script',
            injectTo: 'head-prepend',
            children: `globalThis.mountlabWasm = WebAssembly.compileStreaming(fetch(${url}));`,
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
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    assetsInlineLimit: 0,
  },
});
