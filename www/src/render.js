// Drawing primitives shared by the views (`h`, the fs colour classes) and the
// text views (/proc/mounts, the restore table). Each view's own drawing lives
// in its render-*.js file. Pure DOM from engine DTOs; no engine logic here.

export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid == null || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

const FS_CLASS = {
  '9p': 'fs-9p',
  tmpfs: 'fs-tmpfs',
  ramfs: 'fs-ramfs',
  overlayfs: 'fs-overlayfs',
  proc: 'fs-proc',
  sysfs: 'fs-sysfs',
  devtmpfs: 'fs-dev',
  devpts: 'fs-dev',
};
export const fsClass = (fs) => FS_CLASS[fs] || 'fs-other';

// Every word about flags, layers, origins and outcomes comes from the
// engine (`*_label`, `label`), so the page and the CLI say the same.

export function renderText(pre, lines) {
  pre.textContent = lines.join('\n') + (lines.length ? '\n' : '');
}

export function renderRestore(root, restore, engine) {
  root.replaceChildren();
  if (!restore) {
    // Only runsc 2018 builds a restore environment up front; today's runsc
    // checks a restore spec in a step ({"restore": {"spec": …}}).
    root.append(
      h(
        'p',
        { class: 'hint pad' },
        engine === 'runsc'
          ? 'today\'s runsc checks a restore against the running spec: run a {"restore": {"spec": …}} step'
          : `no restore environment on ${engine}`,
      ),
    );
    return;
  }
  if (restore.error) {
    root.append(
      h('p', { class: 'detail-error' }, (restore.fatal ? 'runsc would panic here: ' : 'error: ') + restore.error),
    );
  }
  const table = h(
    'table',
    { class: 'grid' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['fs', 'dev', 'flags', 'data'].map((t) => h('th', {}, t)),
      ),
    ),
  );
  const body = h('tbody');
  for (const [fs, list] of Object.entries(restore.mount_sources)) {
    for (const m of list)
      body.append(
        h(
          'tr',
          {},
          h('td', {}, h('span', { class: `chip ${fsClass(fs)}` }, fs)),
          h('td', {}, m.dev),
          h('td', {}, m.flags_label),
          h('td', { class: 'mono' }, m.data || '""'),
        ),
      );
  }
  table.append(body);
  root.append(table, h('p', { class: 'hint pad' }, `FDs consumed: ${restore.fds_consumed.join(', ') || 'none'}`));
}
