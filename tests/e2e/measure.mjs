// Measures the playground in headless Chromium: wasm size (raw, gzip),
// navigation → first rendered tree, and re-simulating Docker's default spec.
// Usage: npm run build && node tests/e2e/measure.mjs [runs]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { start, repo, artifacts } from './harness.mjs';

const runs = Number(process.argv[2] || 50);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x) => Math.round(x * 100) / 100;

const assets = join(repo, 'www', 'dist', 'assets');
const size = (ext) =>
  readdirSync(assets)
    .filter((f) => f.endsWith(ext))
    .map((f) => readFileSync(join(assets, f)))
    .reduce((a, b) => ({ raw: a.raw + b.length, gzip: a.gzip + gzipSync(b, { level: 9 }).length }), {
      raw: 0,
      gzip: 0,
    });

const env = await start();
try {
  const firstTree = [];
  for (let i = 0; i < 7; i++) {
    const page = await env.page();
    await page.waitForFunction(() => performance.getEntriesByName('mountlab-first-tree').length > 0);
    firstTree.push(await page.evaluate(() => performance.getEntriesByName('mountlab-first-tree')[0].startTime));
    await page.context().close();
  }
  const page = await env.page();
  const sims = await page.evaluate((n) => {
    for (let i = 0; i < 5; i++) window.mountlab.resimulate();
    const total = [];
    const engine = [];
    for (let i = 0; i < n; i++) {
      const r = window.mountlab.resimulate();
      total.push(r.total);
      engine.push(r.engine);
    }
    const bare = window.mountlab.engineOnly(n);
    return { total, engine, bare };
  }, runs);
  const result = {
    wasm: size('.wasm'),
    js: size('.js'),
    css: size('.css'),
    first_tree_ms: { median: round(median(firstTree)), runs: firstTree.map(round) },
    resimulate_docker_default_ms: {
      runs,
      median_with_redraw: round(median(sims.total)),
      median_engine_and_replay: round(median(sims.engine)),
      median_build_plus_view_only: round(median(sims.bare)),
    },
    chromium: await env.browser.version(),
  };
  writeFileSync(join(artifacts, 'measure.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await env.close();
}
