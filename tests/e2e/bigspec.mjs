// A scenario of `n` mounts shaped like the bench suite's generated spec
// (src/bench/gen.rs): groups of ten under /srv/gNNNN, tmpfs with options,
// writable and read-only rbinds of host dirs, and mounts nested in them.
const TMPFS_OPTIONS = [
  ['nosuid', 'nodev', 'noexec', 'mode=1777', 'size=65536k'],
  ['rw', 'noatime'],
  ['mode=700', 'uid=0', 'gid=0'],
];

export function bigScenario(n) {
  const mounts = [];
  const host = { '/': { 'bin/sh': { type: 'file', mode: '0755', content: '#!/bin/sh\n' } } };
  for (let i = 0; i < n; i++) {
    const group = `/srv/g${String(Math.floor(i / 10)).padStart(4, '0')}`;
    // Every third mount nests in the one before it.
    const dest = i % 3 === 2 && mounts.length ? `${mounts[mounts.length - 1].destination}/n${i}` : `${group}/m${i}`;
    if (i % 4 === 1) {
      const source = `/host/b${i}`;
      host[source] = { 'keep.txt': `${i}\n` };
      mounts.push({ destination: dest, type: 'bind', source, options: ['rbind', i % 8 === 1 ? 'ro' : 'rw'] });
    } else {
      mounts.push({ destination: dest, type: 'tmpfs', source: 'tmpfs', options: TMPFS_OPTIONS[i % 3] });
    }
  }
  return {
    description: `perf: ${n} generated mounts`,
    spec: {
      ociVersion: '1.0.0',
      root: { path: '/rootfs', readonly: false },
      process: { args: ['/bin/sh'], env: ['PATH=/usr/bin:/bin'], cwd: '/' },
      mounts,
    },
    host,
  };
}

// Opens a `n`-mount scenario as a user does (the file input), waits for its
// view, then lets the load's own work (CodeMirror laying out its lines) settle.
export async function openBigSpec(page, n) {
  const text = JSON.stringify(bigScenario(n), null, 2);
  await page
    .locator('#spec-file')
    .setInputFiles({ name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.waitForFunction((m) => window.mountlab.state.view?.report.mount_order.length > m, n, {
    timeout: 30000,
  });
  await page.waitForTimeout(500);
}

// An init script: records every long task from the page's start (before any
// of its scripts) in window.__longTasks.
export const observeLongTasks = () => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
};
