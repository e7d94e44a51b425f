// Drawing helpers: the mount tree, the decision details, the 9P inspector
// and the text views. Pure DOM from engine DTOs; no engine logic here.

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

function layerStack(layers) {
  if (!layers || layers.length < 1) return null;
  return h(
    'div',
    { class: 'layers', 'aria-label': 'layers, top first' },
    layers.map((l) =>
      h(
        'div',
        {
          class: `layer ${fsClass(l.fs)} role-${l.role}`,
          title: `${l.role}: ${l.fs}${l.detail ? ` — ${l.detail}` : ''}`,
        },
        h('span', { class: 'role' }, l.role),
        h('span', { class: 'lname' }, l.label),
      ),
    ),
  );
}

export function renderTree(root, node, { selected, onSelect, stale }) {
  root.replaceChildren();
  root.classList.toggle('stale', !!stale);
  if (!node) {
    root.append(h('p', { class: 'muted pad' }, 'No namespace: the root container was not set up.'));
    return;
  }
  const walk = (n, depth) => {
    const name = depth === 0 ? '/' : n.path;
    const row = h(
      'div',
      {
        class: `node${n.path === selected ? ' selected' : ''}${n.container ? ' child' : ''}`,
        role: 'treeitem',
        tabindex: '0',
        'data-testid': 'mount-node',
        'data-path': n.path,
        'data-fs': n.fs_name,
        'data-mount-id': n.id,
        'aria-selected': n.path === selected ? 'true' : 'false',
        onclick: (e) => {
          e.stopPropagation();
          onSelect(n);
        },
        onkeydown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            onSelect(n);
          }
        },
      },
      h(
        'div',
        { class: 'node-main' },
        h('span', { class: 'path' }, name),
        h('span', { class: `chip ${fsClass(n.fs_name)}` }, n.fs_name),
        h('span', { class: `chip flag${n.flags.read_only ? ' ro' : ''}` }, n.flags_label),
        n.gofer_fd != null
          ? h('span', { class: 'chip fd', title: 'gofer connection FD (rfdno/wfdno)' }, `fd ${n.gofer_fd}`)
          : null,
        n.container ? h('span', { class: 'chip cid', title: 'child container' }, n.container) : null,
      ),
      layerStack(n.layers),
    );
    const li = h('li', { role: 'none' }, row);
    if (n.children.length)
      li.append(
        h(
          'ul',
          { role: 'group' },
          n.children.map((c) => walk(c, depth + 1)),
        ),
      );
    return li;
  };
  root.append(h('ul', { class: 'tree-root', role: 'group' }, walk(node, 0)));
}

export function renderUnmounted(root, decisions, onPick) {
  root.replaceChildren();
  const skipped = decisions.map((d, i) => [d, i]).filter(([d]) => d.outcome !== 'mounted');
  if (!skipped.length) return;
  root.append(
    h('h3', {}, `Not mounted (${skipped.length})`),
    h(
      'ul',
      {},
      skipped.map(([d, i]) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              class: `skip outcome-${d.outcome}`,
              'data-testid': 'skipped-mount',
              'data-path': d.destination,
              onclick: () => onPick(i),
            },
            h('span', { class: 'path' }, d.destination),
            h('span', { class: 'chip' }, d.type || '—'),
            h('span', { class: 'why' }, d.outcome_label),
            d.container ? h('span', { class: 'chip cid' }, d.container) : null,
          ),
        ),
      ),
    ),
  );
}

export function renderDetails(root, d, node, sourceRef) {
  root.replaceChildren();
  if (!d && !node) {
    root.append(h('p', { class: 'muted' }, 'Select a mount.'));
    return;
  }
  if (!d) {
    root.append(h('h3', {}, node.path), h('p', { class: 'muted' }, 'No decision recorded for this mount.'));
    return;
  }
  const rows = [
    ['from', d.origin_label],
    ['type', d.type],
    ['source', d.source || '""'],
    ['options', d.options.length ? d.options.join(', ') : '—'],
    [
      'mounted as',
      d.fs_name ? `${d.fs_name}${d.shown_as && d.shown_as !== d.fs_name ? ` (shown as ${d.shown_as})` : ''}` : '—',
    ],
    ['device', d.device],
    ['data', d.data || (d.fs_name ? '""' : null)],
    ['flags', d.flags_label],
    ['gofer fd', d.gofer_fd],
    ['attach point', d.attach_point],
    ['stubs', d.stubs.length ? d.stubs.join('  ') : null],
    ['mount', d.mount_id != null ? `id ${d.mount_id} at ${d.mount_path}` : null],
    ['container', d.container],
  ].filter(([, v]) => v != null && v !== '');
  root.append(
    ...[
      h(
        'div',
        { class: 'detail-head' },
        h('h3', {}, d.mount_path || d.destination),
        h('span', { class: `chip outcome-${d.outcome}` }, d.outcome_label),
      ),
      d.error ? h('p', { class: 'detail-error' }, d.error) : null,
      h(
        'dl',
        { class: 'kv' },
        rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
      ),
      d.layers.length
        ? h('div', { class: 'detail-layers' }, h('h4', {}, 'Layers (top first)'), layerStack(d.layers))
        : null,
      h('h4', {}, 'Why'),
      h(
        'ol',
        { class: 'reasons', 'data-testid': 'decision' },
        d.reasons.map((r) => {
          const ref = sourceRef(r.function);
          const fn = ref
            ? h(
                'a',
                {
                  href: ref.url,
                  target: '_blank',
                  rel: 'noopener',
                  class: 'fn',
                  title: `${ref.file} lines ${ref.start}–${ref.end} at the 2018 reference commit`,
                },
                `${r.function}()`,
              )
            : h('span', { class: 'fn' }, r.function);
          return h('li', { class: r.text.startsWith('warning:') ? 'warn' : '' }, fn, ' ', h('span', {}, r.text));
        }),
      ),
    ].filter(Boolean),
  );
}

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

export function renderDecisionLog(root, decisions, onPick) {
  root.replaceChildren(
    h(
      'table',
      { class: 'grid' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['#', 'container', 'destination', 'from', 'type', 'outcome', 'fd'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        decisions.map((d, i) =>
          h(
            'tr',
            { class: 'clickable', onclick: () => onPick(i) },
            h('td', {}, i),
            h('td', {}, d.container || 'root'),
            h('td', { class: 'mono' }, d.destination),
            h('td', {}, d.origin_label),
            h('td', {}, d.type),
            h('td', {}, h('span', { class: `chip outcome-${d.outcome}` }, d.outcome_label)),
            h('td', {}, d.gofer_fd ?? ''),
          ),
        ),
      ),
    ),
  );
}

// 9P header: size[4] type[1] tag[2], then the body.
export function hexDump(hex) {
  const bytes = hex.match(/../g) || [];
  const rows = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.slice(off, off + 16);
    const cells = chunk.map((b, i) => {
      const at = off + i;
      const cls = at < 4 ? 'b-size' : at < 5 ? 'b-type' : at < 7 ? 'b-tag' : '';
      return h('span', { class: cls }, b);
    });
    const ascii = chunk
      .map((b) => {
        const c = parseInt(b, 16);
        return c >= 32 && c < 127 ? String.fromCharCode(c) : '.';
      })
      .join('');
    rows.push(
      h(
        'div',
        { class: 'hexrow' },
        h('span', { class: 'off' }, off.toString(16).padStart(4, '0')),
        h('span', { class: 'bytes' }, cells),
        h('span', { class: 'ascii' }, ascii),
      ),
    );
  }
  return h('div', { class: 'hexdump' }, rows);
}
