// Drawing the decision log: every decision the engine made, in order.
import { h } from './render.js';

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
