// The 9P inspector: the T/R messages of each gofer connection, grouped
// under the step that caused them (setup, then each shell command), and a
// message's full decode beside its bytes. Opens at the top of a connection
// (its Tversion/Tattach handshake); after a command it shows that
// command's group. Rows are one Tab stop: ↑ ↓ Home End move, Enter opens.
import { $, scrollWithinBox } from './dom.js';
import { decode9p } from './engine.js';
import { h } from './render.js';
import { decodedFrame, hexDump } from './render-ninep.js';
import { state, chooseConnection, showConnection, markSeen, seenSeq, selectMessage } from './state.js';
import './ninep.css';
import './ninep-rows.css';

const connKey = (c) => `${c.gofer}:${c.conn}`;
const lastSeq = (c) => (c.messages.length ? c.messages[c.messages.length - 1].seq : -1);
// The connection drawn last, to open a newly shown one at its top.
let drawnConn = null;

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
  const options = conns.map((c) => [
    connKey(c),
    `fd ${c.fd} → ${c.attach}${c.read_only ? ' (ro)' : ''} · ${c.container ? `container ${c.container}` : 'root'} · ${c.messages.length} msgs`,
  ]);
  // The same connections as drawn: the options stay (hundreds at 1 000 mounts).
  const optionsKey = JSON.stringify(options);
  if (optionsKey !== drawnOptions) {
    drawnOptions = optionsKey;
    sel.replaceChildren(...options.map(([value, text]) => h('option', { value }, text)));
  }
  if (state.conn) sel.value = state.conn;
  const conn = conns.find((c) => connKey(c) === state.conn);
  const rows = $('ninep-rows');
  const focusedSeq = rows.contains(document.activeElement) ? Number(document.activeElement.dataset.seq) : null;
  // What stands in for the engine's gofer, or that it has none (runc).
  const note = state.view.connections_note;
  if (!conn) {
    rows.replaceChildren();
    drawnRows = new Map();
    $('ninep-meta').textContent = note || 'no gofer connections';
    drawnConn = null;
    return;
  }
  const seen = seenSeq(connKey(conn));
  $('ninep-meta').textContent =
    `gofer ${conn.gofer} · conn ${conn.conn}${conn.dropped ? ` · ${conn.dropped} older dropped` : ''}${note ? ` · ${note}` : ''}`;
  const groups = state.view.ninep_groups || ['setup'];
  let group = -1;
  let firstFresh = null;
  let lastHeader = null;
  const counts = new Map();
  for (const m of conn.messages) counts.set(m.group, (counts.get(m.group) ?? 0) + 1);
  // A row drawn last time with the same content is kept (a re-simulation
  // mostly logs the same messages): the DOM left as it was costs no style
  // or layout, which for hundreds of rows was most of a redraw (issue #12).
  const kept = drawnRows;
  drawnRows = new Map();
  const reuse = (key, make) => {
    const row = kept.get(key) ?? make();
    kept.delete(key);
    drawnRows.set(key, row);
    return row;
  };
  const nodes = [];
  for (const m of conn.messages) {
    if (m.group !== group) {
      group = m.group;
      const count = counts.get(group);
      const label = groups[group] ?? `step ${group}`;
      lastHeader = reuse(`${connKey(conn)}\0g\0${group}\0${label}\0${count}`, () =>
        h(
          'tr',
          { class: 'ninep-group', 'data-testid': 'ninep-group', 'data-group': group },
          h(
            'th',
            { colspan: 5, scope: 'rowgroup' },
            h('span', { class: 'mono' }, label),
            h('span', { class: 'hint' }, ` · ${count} message${count === 1 ? '' : 's'}`),
          ),
        ),
      );
      nodes.push(lastHeader);
    }
    const fresh = m.seq > seen && seen >= 0;
    const row = reuse(rowKey(conn, m, fresh), () => messageRow(m, fresh));
    markSelected(row, m.seq === state.msgSeq);
    if (fresh && !firstFresh) firstFresh = lastHeader;
    nodes.push(row);
  }
  // Only what changed moves: rows no longer drawn go, new ones go in their
  // place (a command's messages come last; the oldest drop off the front).
  for (const old of kept.values()) old.remove();
  let at = rows.firstChild;
  for (const n of nodes) {
    if (at === n) at = at.nextSibling;
    else rows.insertBefore(n, at);
  }
  while (at) {
    const next = at.nextSibling;
    at.remove();
    at = next;
  }
  rovingStop(rows, focusedSeq);
  markSeen(conns.map((c) => [connKey(c), lastSeq(c)]));
  // A newly shown connection opens at its top (the handshake); a command's
  // messages are shown from their group's head. In the next frame: reading
  // layout here would force one of the whole page on every re-simulation.
  const wrap = rows.closest('.ninep-table-wrap');
  const opened = drawnConn !== connKey(conn);
  drawnConn = connKey(conn);
  requestAnimationFrame(() => {
    // The group's head just under the sticky column heads (scroll-margin).
    if (firstFresh) scrollWithinBox(firstFresh, wrap, 'start');
    else if (opened) wrap.scrollTop = 0;
  });
  drawHex(conn);
}

// What a message's row shows: a row drawn with the same key is the same.
const rowKey = (conn, m, fresh) =>
  [
    connKey(conn),
    m.seq,
    m.tag,
    m.group,
    m.request,
    m.reply,
    m.errno,
    m.errno_name,
    m.expected,
    m.request_size,
    m.reply_size,
    fresh,
  ].join('\0');

// The rows drawn last, by key (rowKey and the group heads'), and the connection options.
let drawnRows = new Map();
let drawnOptions = null;

function markSelected(row, on) {
  if (row.classList.contains('selected') === on) return;
  row.classList.toggle('selected', on);
  row.setAttribute('aria-selected', String(on));
}

function messageRow(m, fresh) {
  const expected = m.errno != null && m.expected;
  return h(
    'tr',
    {
      class:
        `msg ${fresh ? 'fresh ' : ''}` +
        (m.errno != null ? (expected ? 'expected ' : 'err ') : '') +
        (m.seq === state.msgSeq ? 'selected' : ''),
      'data-testid': 'ninep-message',
      'data-seq': m.seq,
      'data-group': m.group,
      tabindex: -1,
      'aria-selected': String(m.seq === state.msgSeq),
      title: expected || null,
      onclick: () => selectMessage(m.seq),
    },
    h('td', {}, m.seq),
    h('td', {}, m.tag),
    h('td', { class: 'mono' }, m.request),
    h(
      'td',
      { class: 'mono' },
      m.errno != null ? `${m.reply}${m.errno_name ? ` (${m.errno_name})` : ''}` : m.reply,
      expected ? h('span', { class: 'chip expected-chip' }, 'expected') : null,
    ),
    h('td', { class: 'num' }, `${m.request_size}/${m.reply_size}`),
  );
}

// One Tab stop for the messages: the focused one, else the selected, else
// the first.
function rovingStop(rows, focusedSeq) {
  const msgs = [...rows.querySelectorAll('tr.msg')];
  const stop =
    msgs.find((r) => Number(r.dataset.seq) === focusedSeq) ||
    msgs.find((r) => Number(r.dataset.seq) === state.msgSeq) ||
    msgs[0];
  if (!stop) return;
  // Rows kept from the last draw may hold the old stop.
  for (const r of msgs) if (r !== stop && r.tabIndex !== -1) r.tabIndex = -1;
  stop.tabIndex = 0;
  if (focusedSeq != null && Number(stop.dataset.seq) === focusedSeq) stop.focus({ preventScroll: true });
}

function moveTo(row) {
  if (!row) return;
  for (const r of $('ninep-rows').querySelectorAll('tr.msg')) r.tabIndex = r === row ? 0 : -1;
  row.focus();
}

$('ninep-rows').addEventListener('keydown', (e) => {
  const row = e.target.closest?.('tr.msg');
  if (!row) return;
  const msgs = [...$('ninep-rows').querySelectorAll('tr.msg')];
  const i = msgs.indexOf(row);
  const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: msgs.length - 1 }[e.key];
  if (to != null) {
    e.preventDefault();
    moveTo(msgs[Math.max(0, Math.min(msgs.length - 1, to))]);
  } else if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    selectMessage(Number(row.dataset.seq));
  }
});

// The selected message's frames; the table keeps its scroll position.
export function drawMessage() {
  for (const r of $('ninep-rows').querySelectorAll('tr.msg')) markSelected(r, Number(r.dataset.seq) === state.msgSeq);
  drawHex(state.view.connections.find((c) => connKey(c) === state.conn));
}

// Decodes arrive asynchronously: only the newest request draws.
let drawing = 0;

async function drawHex(conn) {
  const m = conn?.messages.find((x) => x.seq === state.msgSeq);
  const ticket = ++drawing;
  if (!m) {
    $('hex').replaceChildren(
      h(
        'p',
        { class: 'muted' },
        'Select a message (click, or Enter on a focused row) to see every field decoded onto its bytes.',
      ),
    );
    return;
  }
  let decoded;
  try {
    decoded = await Promise.all([decode9p(m.request_hex), decode9p(m.reply_hex)]);
  } catch {
    decoded = [null, null];
  }
  if (ticket !== drawing) return;
  $('hex').replaceChildren(
    ...(m.expected ? [h('p', { class: 'expected-note', 'data-testid': 'ninep-expected' }, m.expected)] : []),
    frame(m.name, m.request_size, m.request_hex, decoded[0]),
    frame(m.reply_name, m.reply_size, m.reply_hex, decoded[1]),
    h(
      'p',
      { class: 'hint legend-hex' },
      h('span', { class: 'b-size' }, 'size'),
      ' ',
      h('span', { class: 'b-type' }, 'type'),
      ' ',
      h('span', { class: 'b-tag' }, 'tag'),
      ' then the message body, little-endian · hover or focus a field to light its bytes, hover a byte to find its field',
    ),
  );
}

// One frame: its name and size, its decoded fields beside its bytes (the
// log may keep only the first ones: the DTO's hex is cut, its size is the
// whole frame's).
function frame(name, size, hex, decoded) {
  const shown = hex.length / 2;
  const dump = hexDump(hex);
  return h(
    'section',
    { class: 'frame', 'data-testid': 'ninep-frame', 'aria-label': `${name} frame` },
    h(
      'div',
      { class: 'hex-title' },
      h('strong', {}, name),
      ` ${size} bytes`,
      shown < size ? ` (first ${shown} shown)` : '',
    ),
    decoded?.note ? h('p', { class: 'hint' }, decoded.note) : null,
    h('div', { class: 'frame-split' }, decoded ? decodedFrame(decoded, dump) : null, dump),
  );
}

$('ninep-conn').addEventListener('change', (e) => chooseConnection(e.target.value));
