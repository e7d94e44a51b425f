// Drawing "Why this mount?": the why first. One plain sentence the engine
// made (view.why, src/explain), a quirk marked as one, a failure's cause
// and fix, then the reasons with their source links, then the raw fields
// of the decision, collapsed.
import { annotate } from './glossary.js';
import { h } from './render.js';
import { layerStack } from './render-tree.js';
import './why.css';

function rawRows(d) {
  return [
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
}

function reasonItem(r, sourceRef) {
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
}

// `why`: the engine's MountWhy for `d` ({sentence, quirk, fix}), or null.
export function renderDetails(root, d, node, sourceRef, why = null) {
  root.replaceChildren();
  if (!d && !node) {
    root.append(h('p', { class: 'muted' }, 'Select a mount.'));
    return;
  }
  if (!d) {
    root.append(h('h3', {}, node.path), h('p', { class: 'muted' }, 'No decision recorded for this mount.'));
    return;
  }
  const rows = rawRows(d);
  const say = (cls, testid, label, text) =>
    text
      ? h(
          'p',
          { class: cls, 'data-testid': testid },
          label ? h('b', { class: 'why-tag' }, label) : null,
          annotate(text),
        )
      : null;
  root.append(
    ...[
      h(
        'div',
        { class: 'detail-head' },
        h('h3', {}, d.mount_path || d.destination),
        h('span', { class: `chip outcome-${d.outcome}` }, d.outcome_label),
      ),
      say('why-sentence', 'why-sentence', null, why?.sentence ?? (d.error ? d.error : null)),
      say('why-quirk', 'why-quirk', 'quirk', why?.quirk),
      say('why-fix', 'why-fix', d.outcome === 'failed' ? 'cause and fix' : null, why?.fix),
      d.reasons.length ? h('h4', {}, 'Reasons, with the source that made them') : null,
      d.reasons.length
        ? h(
            'ol',
            { class: 'reasons', 'data-testid': 'decision' },
            d.reasons.map((r) => reasonItem(r, sourceRef)),
          )
        : null,
      h(
        'details',
        { class: 'why-raw', 'data-testid': 'why-raw' },
        h('summary', {}, `Raw fields (${rows.length}${d.layers.length ? ', layers' : ''})`),
        h(
          'dl',
          { class: 'kv' },
          rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
        ),
        d.layers.length
          ? h('div', { class: 'detail-layers' }, h('h4', {}, 'Layers (top first)'), layerStack(d.layers))
          : null,
      ),
    ].filter(Boolean),
  );
}
