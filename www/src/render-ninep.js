// Drawing a 9P frame as hex, its header fields marked.
import { h } from './render.js';

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
