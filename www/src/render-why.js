// Drawing "Why this mount?": the decision the engine made for one mount.
import { h } from './render.js';
import { layerStack } from './render-tree.js';

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
