// Drawing the decision log: every decision the engine made, in order. The
// rows are one Tab stop (↑ ↓ Home End move, Enter or Space picks, #19).
import { h } from './render.js';

// Keyboard for the rows of `tbody`: a roving tabindex over them.
function rovingRows(tbody, onPick) {
  tbody.addEventListener('keydown', (e) => {
    const rows = [...tbody.rows];
    const i = rows.indexOf(e.target.closest('tr'));
    if (i < 0) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onPick(i);
      return;
    }
    const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1 }[e.key];
    const row = rows[to];
    if (!row) return;
    e.preventDefault();
    for (const r of rows) r.tabIndex = r === row ? 0 : -1;
    row.focus();
  });
}

export function renderDecisionLog(root, decisions, onPick) {
  const focused = root.contains(document.activeElement) ? document.activeElement.closest('tr')?.rowIndex : null;
  const body = h(
    'tbody',
    {},
    decisions.map((d, i) =>
      h(
        'tr',
        {
          class: 'clickable',
          tabindex: i === 0 ? 0 : -1,
          'data-testid': 'decision-row',
          onclick: () => onPick(i),
        },
        h('td', {}, i),
        h('td', {}, d.container || 'root'),
        h('td', { class: 'mono' }, d.destination),
        h('td', {}, d.origin_label),
        h('td', {}, d.type),
        h('td', {}, h('span', { class: `chip outcome-${d.outcome}` }, d.outcome_label)),
        h('td', {}, d.gofer_fd ?? ''),
      ),
    ),
  );
  rovingRows(body, onPick);
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
      body,
    ),
  );
  // A redraw keeps the focused row focused (rowIndex counts the head's row).
  const row = focused > 0 ? body.rows[focused - 1] : null;
  if (row) {
    for (const r of body.rows) r.tabIndex = r === row ? 0 : -1;
    row.focus({ preventScroll: true });
  }
}
