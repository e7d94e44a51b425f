// Drawing a 9P frame: its bytes in hex, and its fields as the engine
// decoded them (p9::spans), each field mapped onto its bytes.
import { h } from './render.js';

// The header's colours, for a frame whose fields are not decoded (yet).
const headerClass = (at) => (at < 4 ? 'b-size' : at < 5 ? 'b-type' : at < 7 ? 'b-tag' : '');

// 9P header: size[4] type[1] tag[2], then the body. Each byte carries its
// offset (data-i) so a field can light its bytes.
export function hexDump(hex) {
  const bytes = hex.match(/../g) || [];
  const rows = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.slice(off, off + 16);
    const cells = chunk.map((b, i) => h('span', { class: headerClass(off + i), 'data-i': off + i }, b));
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

const range = (f) => (f.end - f.start === 1 ? `${f.start}` : `${f.start}–${f.end - 1}`);

// The decoded fields of one frame beside its hex: hovering or focusing a
// field lights its bytes, hovering a byte lights the innermost field
// holding it.
export function decodedFrame(decoded, dump) {
  const rows = decoded.fields.map((f, i) =>
    h(
      'tr',
      {
        class: `frow depth-${f.depth}`,
        tabindex: -1,
        'data-testid': 'ninep-field',
        'data-field': i,
        'data-name': f.name,
      },
      h('td', { class: 'mono fname' }, f.name),
      h('td', { class: 'mono fvalue', title: f.value }, f.value),
      h('td', { class: 'num' }, f.end > f.start ? range(f) : '—'),
    ),
  );
  const table = h(
    'table',
    { class: 'fields', 'aria-label': `${decoded.name} fields` },
    h('thead', {}, h('tr', {}, h('th', {}, 'field'), h('th', {}, 'value'), h('th', {}, 'bytes'))),
    h('tbody', {}, rows),
  );
  const bytes = [...dump.querySelectorAll('[data-i]')];
  const light = (i) => {
    for (const r of rows) r.classList.toggle('lit', Number(r.dataset.field) === i);
    const f = decoded.fields[i];
    for (const b of bytes) {
      const at = Number(b.dataset.i);
      b.classList.toggle('lit', !!f && at >= f.start && at < f.end);
    }
  };
  // The innermost field holding byte `at` (parts follow their field).
  const fieldAt = (at) => {
    let best = -1;
    decoded.fields.forEach((f, i) => {
      if (at >= f.start && at < f.end && (best < 0 || f.depth >= decoded.fields[best].depth)) best = i;
    });
    return best;
  };
  for (const r of rows) {
    const i = Number(r.dataset.field);
    r.addEventListener('mouseenter', () => light(i));
    r.addEventListener('focus', () => light(i));
  }
  table.addEventListener('mouseleave', () => light(-1));
  table.addEventListener('keydown', (e) => {
    const i = rows.indexOf(document.activeElement);
    const next = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : null;
    if (next == null || !rows[next]) return;
    e.preventDefault();
    rows[next].focus();
  });
  for (const b of bytes) b.addEventListener('mouseenter', () => light(fieldAt(Number(b.dataset.i))));
  dump.addEventListener('mouseleave', () => light(-1));
  // One Tab stop per frame's fields: the first; arrows move within.
  if (rows[0]) rows[0].tabIndex = 0;
  return table;
}
