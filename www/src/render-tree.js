// Drawing the mount tree (with each mount's layer stack) and the spec mounts
// that were not mounted. Pure DOM from engine DTOs.
import { h, fsClass } from './render.js';

export function layerStack(layers) {
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
