// The 9P inspector: the T/R messages of each gofer connection, following
// the connection that just talked, and the frames of a message in hex.
import { $ } from './dom.js';
import { h } from './render.js';
import { hexDump } from './render-ninep.js';
import { state, chooseConnection, showConnection, markSeen, seenSeq, selectMessage } from './state.js';

const connKey = (c) => `${c.gofer}:${c.conn}`;
const lastSeq = (c) => (c.messages.length ? c.messages[c.messages.length - 1].seq : -1);

export function drawNinep() {
  const conns = state.view.connections;
  const sel = $('ninep-conn');
  let total = 0;
  let newest = null;
  let newestSeq = -1;
  for (const c of conns) {
    total += c.messages.length;
    const last = lastSeq(c);
    const prev = seenSeq(connKey(c));
    if (last >= 0 && last > prev && (newest == null || c.gofer > newest.gofer || last > newestSeq)) {
      newest = c;
      newestSeq = last;
    }
  }
  $('ninep-count').textContent = total || '';
  // Follow the connection that just talked, so a command visibly produces its messages.
  if (newest && !state.connPinned) showConnection(connKey(newest));
  if (!conns.some((c) => connKey(c) === state.conn)) showConnection(conns[0] ? connKey(conns[0]) : null);
  sel.replaceChildren(
    ...conns.map((c) =>
      h(
        'option',
        { value: connKey(c) },
        `fd ${c.fd} → ${c.attach}${c.read_only ? ' (ro)' : ''} · ${c.container ? `container ${c.container}` : 'root'} · ${c.messages.length} msgs`,
      ),
    ),
  );
  if (state.conn) sel.value = state.conn;
  const conn = conns.find((c) => connKey(c) === state.conn);
  const rows = $('ninep-rows');
  rows.replaceChildren();
  // What stands in for the engine's gofer, or that it has none (runc).
  const note = state.view.connections_note;
  if (!conn) {
    $('ninep-meta').textContent = note || 'no gofer connections';
    return;
  }
  const seen = seenSeq(connKey(conn));
  $('ninep-meta').textContent =
    `gofer ${conn.gofer} · conn ${conn.conn}${conn.dropped ? ` · ${conn.dropped} older dropped` : ''}${note ? ` · ${note}` : ''}`;
  for (const m of conn.messages) {
    rows.append(
      h(
        'tr',
        {
          class:
            (m.seq > seen && seen >= 0 ? 'fresh ' : '') +
            (m.errno != null ? 'err ' : '') +
            (m.seq === state.msgSeq ? 'selected' : ''),
          'data-testid': 'ninep-message',
          'data-seq': m.seq,
          onclick: () => selectMessage(m.seq),
        },
        h('td', {}, m.seq),
        h('td', {}, m.tag),
        h('td', { class: 'mono' }, m.request),
        h('td', { class: 'mono' }, m.errno != null ? `${m.reply}${m.errno_name ? ` (${m.errno_name})` : ''}` : m.reply),
        h('td', { class: 'num' }, `${m.request_size}/${m.reply_size}`),
      ),
    );
  }
  markSeen(conns.map((c) => [connKey(c), lastSeq(c)]));
  // Follow the newest message, in the next frame: reading scrollHeight here
  // would force a layout of the whole page on every re-simulation.
  const wrap = rows.closest('.ninep-table-wrap');
  requestAnimationFrame(() => {
    wrap.scrollTop = wrap.scrollHeight;
  });
  drawHex(conn);
}

// The selected message's frames; the table keeps its scroll position.
export function drawMessage() {
  for (const r of $('ninep-rows').children) r.classList.toggle('selected', Number(r.dataset.seq) === state.msgSeq);
  drawHex(state.view.connections.find((c) => connKey(c) === state.conn));
}

function drawHex(conn) {
  const m = conn?.messages.find((x) => x.seq === state.msgSeq);
  if (!m) {
    $('hex').replaceChildren(
      h('p', { class: 'muted' }, 'Select a message to see its frames (size[4] type[1] tag[2] body).'),
    );
    return;
  }
  $('hex').replaceChildren(
    ...frame(m.name, m.request_size, m.request_hex),
    ...frame(m.reply_name, m.reply_size, m.reply_hex),
    h(
      'p',
      { class: 'hint legend-hex' },
      h('span', { class: 'b-size' }, 'size'),
      ' ',
      h('span', { class: 'b-type' }, 'type'),
      ' ',
      h('span', { class: 'b-tag' }, 'tag'),
      ' then the message body, little-endian',
    ),
  );
}

// One frame: its message name and size, then its bytes (the log may keep
// only the first ones: the DTO's hex is cut, its size is the whole frame's).
function frame(name, size, hex) {
  const shown = hex.length / 2;
  return [
    h(
      'div',
      { class: 'hex-title' },
      h('strong', {}, name),
      ` ${size} bytes`,
      shown < size ? ` (first ${shown} shown)` : '',
    ),
    hexDump(hex),
  ];
}

$('ninep-conn').addEventListener('change', (e) => chooseConnection(e.target.value));
