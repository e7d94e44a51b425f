// Measures the playground in headless Chromium: wasm size (raw, gzip),
// navigation → first rendered tree (and when each engine instance was
// ready), re-simulating Docker's default spec and a 1 000-mount spec in the
// engine's worker (the worker's engine ms, the main thread's parse and
// redraw, the longest main-thread task), and the engine alone on the main
// thread's instance (no messaging, no drawing).
// Usage: npm run build && node tests/e2e/measure.mjs [runs]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { start, repo, artifacts } from './harness.mjs';
import { observeLongTasks, openBigSpec } from './bigspec.mjs';

const runs = Number(process.argv[2] || 50);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x) => Math.round(x * 100) / 100;
const medians = (rows) =>
  Object.fromEntries(Object.keys(rows[0]).map((k) => [k, round(median(rows.map((r) => r[k])))]));

const assets = join(repo, 'www', 'dist', 'assets');
const size = (ext) =>
  readdirSync(assets)
    .filter((f) => f.endsWith(ext))
    .map((f) => readFileSync(join(assets, f)))
    .reduce((a, b) => ({ raw: a.raw + b.length, gzip: a.gzip + gzipSync(b, { level: 9 }).length }), {
      raw: 0,
      gzip: 0,
    });

// `n` re-simulations of the editor's text: worker engine ms, main-thread
// parse and draw, the whole, and the longest main-thread task of each.
const resimulate = (n) =>
  (async () => {
    const out = [];
    const starts = [];
    for (let i = 0; i < n; i++) {
      starts.push(performance.now());
      const r = await window.mountlab.resimulate();
      await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
      const t = window.mountlab.timings;
      out.push({ total: r.total, engine: r.engine, parse: t.lastParse, draw: t.lastDraw });
    }
    // Long tasks reach the observer after they end: collect them once all ran.
    await new Promise((done) => setTimeout(done, 300));
    starts.push(Number.POSITIVE_INFINITY);
    for (const [i, row] of out.entries()) {
      const long = window.__longTasks.filter((e) => e.start >= starts[i] && e.start < starts[i + 1]);
      row.longest_task = Math.max(0, ...long.map((e) => e.duration));
    }
    return out;
  })();

const env = await start();
const load = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
try {
  const firstTree = [];
  for (let i = 0; i < 7; i++) {
    const page = await env.page();
    await page.waitForFunction(() => performance.getEntriesByName('mountlab-first-tree').length > 0);
    firstTree.push(
      await page.evaluate(() => {
        const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
        return {
          first_tree: at('mountlab-first-tree'),
          main_instance_ready: at('mountlab-main-instance-ready'),
          worker_ready: at('mountlab-worker-ready'),
          script: at('mountlab-script'),
        };
      }),
    );
    await page.context().close();
  }

  const context = await env.browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(observeLongTasks);
  const page = await context.newPage();
  await page.goto(env.base);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
  await page.evaluate(resimulate, 5);
  const docker = await page.evaluate(resimulate, runs);
  const bare = await page.evaluate((n) => window.mountlab.engineOnly(n), runs);

  await openBigSpec(page, 1000);
  const bigRuns = Math.max(5, Math.round(runs / 5));
  const big = await page.evaluate(resimulate, bigRuns);
  const bigBare = await page.evaluate((n) => window.mountlab.engineOnly(n), bigRuns);
  await context.close();

  const result = {
    load_average_at_start: load,
    load_average_at_end: loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    wasm: size('.wasm'),
    js: size('.js'),
    css: size('.css'),
    first_tree_ms: {
      median: round(median(firstTree.map((r) => r.first_tree))),
      runs: firstTree.map((r) => round(r.first_tree)),
      median_main_instance_ready: round(median(firstTree.map((r) => r.main_instance_ready))),
      median_worker_ready: round(median(firstTree.map((r) => r.worker_ready))),
    },
    resimulate_docker_default_ms: { runs, ...medians(docker), main_thread_engine_only: round(median(bare)) },
    resimulate_1000_mounts_ms: {
      runs: bigRuns,
      ...medians(big),
      max_longest_task: round(Math.max(...big.map((r) => r.longest_task))),
      main_thread_engine_only: round(median(bigBare)),
    },
    chromium: await env.browser.version(),
  };
  writeFileSync(join(artifacts, 'measure.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await env.close();
}
