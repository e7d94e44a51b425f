// The wasm boundary (issue 7): every export called with garbage from
// JavaScript must return or throw an Error, never trap (a trap is a
// WebAssembly.RuntimeError, i.e. a Rust panic or abort), and the engine
// must keep working afterwards.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';

const env = await start();
after(() => env.close());

test('every export answers garbage with an Error, never a trap', async () => {
  const page = await env.page();
  const result = await page.evaluate(() => {
    const { Sandbox, analyze, defaultConfig, sourceRef } = window.mountlab.api;
    const garbage = [
      undefined,
      null,
      0,
      -1,
      1e308,
      NaN,
      true,
      {},
      [],
      [1, 2],
      '',
      '\u0000',
      '{',
      '[]',
      '"x"',
      '{"spec":1}',
      '{"ociVersion":"1","mounts":[{"destination":"\u0000","type":"tmpfs"}]}',
      'x'.repeat(100000),
      { overlay: 'yes' },
      { file_access: 7 },
    ];
    const outcomes = { returned: 0, errors: 0 };
    const traps = [];
    const call = (name, fn) => {
      try {
        fn();
        outcomes.returned++;
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError || !(e instanceof Error)) traps.push(`${name}: ${e}`);
        else outcomes.errors++;
      }
    };
    call('defaultConfig', () => defaultConfig());
    for (const g of garbage) {
      call('analyze', () => analyze(g));
      call('sourceRef', () => sourceRef(g));
      for (const o of garbage) call('new Sandbox', () => new Sandbox(g, o).free());
    }
    const sb = new Sandbox('{"ociVersion":"1.0.0"}', undefined);
    const methods = ['view', 'report', 'tree', 'decisions', 'ninepLog', 'restore', 'steps', 'scenarioJson'];
    for (const m of methods) call(m, () => sb[m]());
    for (const g of garbage) {
      call('run', () => sb.run(g, undefined));
      call('run(cid)', () => sb.run('ls /', g));
      call('addContainer', () => sb.addContainer(g, g, g));
      call('addContainer(spec)', () => sb.addContainer(`c${Math.random().toString(36).slice(2, 8)}`, g, undefined));
      call('destroyContainer', () => sb.destroyContainer(g));
      call('runStep', () => sb.runStep(g));
      call('replay', () => sb.replay(g));
      call('replay([g])', () => sb.replay(JSON.stringify([g])));
      call('procMounts', () => sb.procMounts(g));
      call('mountinfo', () => sb.mountinfo(g));
    }
    // Still alive: a fresh sandbox works and the old one still answers.
    const fresh = new Sandbox('{"ociVersion":"1.0.0"}', { overlay: true });
    const mounts = fresh.procMounts(undefined);
    const again = sb.run('ls /', undefined);
    return { outcomes, traps, mounts, lsOk: again.ok, config: defaultConfig() };
  });
  assert.deepEqual(result.traps, []);
  assert.ok(result.outcomes.errors > 100, `only ${result.outcomes.errors} errors`);
  assert.equal(result.mounts[0], 'none / overlayfs rw 0 0');
  assert.equal(result.lsOk, true);
  assert.deepEqual(result.config, { overlay: false, file_access: 'exclusive' });
  assert.deepEqual(
    page.errors.filter((e) => /panic|RuntimeError|unreachable/.test(e)),
    [],
  );
});
