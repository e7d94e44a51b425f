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
