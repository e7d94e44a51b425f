// Drawing the mount tree (with each mount's layer stack) and the spec mounts
// that were not mounted. Pure DOM from engine DTOs: every word about a mount
// (fs, flags, layers, outcomes, change labels) is the engine's; this module
// only decides what is shown, folded and focused.
//
// The tree follows the WAI-ARIA tree pattern: one Tab stop (roving
// tabindex), ↑ ↓ move, → opens or enters, ← closes or leaves, Home End,
// Enter/Space select. Large trees stay cheap to draw and to walk: subtrees
// start collapsed past COLLAPSE_ABOVE mounts, a group shows PAGE children at
// a time ("show 200 more"), long stub lists are folded, and a path filter
// shows the matching mounts with their ancestors.
//
// A tree is an instance (createTree): its open subtrees, pages, filter and
// focus live in the instance, so one page can draw several trees side by
// side (the Compare view).
import { scrollWithinBox } from './dom.js';
import { h, fsClass } from './render.js';

// Past this many mounts, subtrees below the root start collapsed. The
// default and real-world specs have under 60 mounts and read best open; at
// 300 a fully open tree is ~45 screens of scrolling (#19) and ~300 rows with
// their layer stacks, so above it the reader needs the structure first.
export const COLLAPSE_ABOVE = 300;
// Children drawn per group before a "show more" item: bounds the rows a
// redraw builds (a 100 000-mount spec has ~80 000 mounts under /).
export const PAGE = 200;
// Stub lists longer than this are folded to a count ("316 stubs, show"):
// the presets' roots have 16-19 stubs and read well inline; a 300-mount
// spec's root lists 316 (#19).
export const STUBS_SHOWN = 24;

// An unfolded stub list shows at most this much of its label (a 100 000-
// mount root lists ~1.5 MB of names; the Why pane has them all).
const STUBS_TEXT = 20000;

const fmt = (n) => n.toLocaleString('en-US').replace(/,/g, ' ');

// A mount's layers, top first. In the tree (`fold` given), a stub list
// longer than STUBS_SHOWN is folded to its count unless `fold.open`;
// `fold.stubs` is the decision's exact list (names may hold spaces).
export function layerStack(layers, fold = null) {
  if (!layers || layers.length < 1) return null;
  return h(
    'div',
    { class: 'layers', 'aria-label': 'layers, top first' },
    layers.map((l) => {
      const names = fold && l.role === 'lower' ? (fold.stubs ?? l.detail.split(' ').filter(Boolean)) : null;
      const long = names != null && names.length > STUBS_SHOWN;
      const folded = long && !fold.open;
      return h(
        'div',
        {
          class: `layer ${fsClass(l.fs)} role-${l.role}${long ? ' stubs' : ''}`,
          title: folded ? `${l.role}: ${l.fs}` : `${l.role}: ${l.fs}${l.detail ? ` — ${l.detail}` : ''}`,
        },
        h('span', { class: 'role' }, l.role),
        folded
          ? h(
              'span',
              { class: 'lname', 'data-testid': 'stubs-folded' },
              `${l.fs} · ${fmt(names.length)} stubs, `,
              h('span', { class: 'stub-toggle' }, 'show'),
            )
          : h(
              'span',
              { class: 'lname' },
              long && l.label.length > STUBS_TEXT ? `${l.label.slice(0, STUBS_TEXT)}…` : l.label,
            ),
        long && !folded ? h('span', { class: 'stub-toggle' }, 'hide') : null,
      );
    }),
  );
}

// The change label of `path` in `changes` (an object or a Map), or null.
function changeOf(changes, path) {
  if (!changes) return null;
  return (changes instanceof Map ? changes.get(path) : changes[path]) ?? null;
}

// ---- Indexing: one walk per new tree gives every node a stable key (its
// path; a mount stacked on the same path adds which occurrence it is), its
// parent, depth and the number of mounts under it. One map serves both key
// and path lookups, since a path's first mount is keyed by the path.
function indexTree(root) {
  const infos = new Map();
  const walk = (n, parent, depth) => {
    const first = infos.get(n.path);
    if (first) first.dups = (first.dups ?? 0) + 1;
    const key = first ? `${n.path}\u0000${first.dups}` : n.path;
    const info = { node: n, key, parent, depth, size: 0, kids: [] };
    infos.set(key, info);
    for (const c of n.children) {
      const ci = walk(c, info, depth + 1);
      info.kids.push(ci);
      info.size += ci.size + 1;
    }
    return info;
  };
  const rootInfo = walk(root, null, 0);
  return { infos, byPath: infos, root: rootInfo, total: infos.size };
}

// The keys of the mounts whose path contains `q` (case-insensitive), and of
// their ancestors.
function filterKeys(index, q) {
  const keep = new Set();
  const needle = q.toLowerCase();
  for (const info of index.infos.values()) {
    if (!info.node.path.toLowerCase().includes(needle)) continue;
    for (let a = info; a && !keep.has(a.key); a = a.parent) keep.add(a.key);
  }
  return keep;
}

let instances = 0;

// A tree drawn into `root` (which becomes the role=tree element, with the
// filter bar placed before it). Returns { draw(node, opts), focus(path),
// element, redraw(), setFilter(q) }.
// opts: selected (path), onSelect(node), stale, changes (path → label),
// decisions (the report's, for exact stub lists), label (the tree's name).
export function createTree(root, { label = 'Mounts' } = {}) {
  const uid = `mt${++instances}`;
  const ui = {
    index: null,
    node: undefined,
    opts: {},
    filter: '',
    keep: null,
    open: new Map(), // key → open, set by the user (or to reveal a selection)
    openF: new Map(), // the same while filtering (forgotten when it changes)
    allOpen: null, // "expand all" / "collapse all": the default for every subtree
    pages: new Map(), // key → children shown
    stubs: new Set(), // keys whose stub list is unfolded
    focusKey: null,
    revealed: undefined,
    rows: 0,
  };

  const filterInput = h('input', {
    type: 'search',
    class: 'tree-filter',
    placeholder: 'Filter by path…',
    'aria-label': 'Filter mounts by path',
    'data-testid': 'tree-filter',
    spellcheck: 'false',
    autocomplete: 'off',
    oninput: () => setFilter(filterInput.value),
    onkeydown: (e) => {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        focusItem(treeEl.querySelector('[role=treeitem]'));
      } else if (e.key === 'Escape' && filterInput.value) {
        e.preventDefault();
        e.stopPropagation();
        filterInput.value = '';
        setFilter('');
      }
    },
  });
  const count = h('span', { class: 'tree-count', 'data-testid': 'tree-count', 'aria-live': 'polite' });
  const keys = h(
    'span',
    { class: 'tree-keys', id: `${uid}-keys` },
    '↑ ↓ move · → open · ← close · Home End · Enter selects · s shows stubs',
  );
  const all = (open) => () => {
    ui.allOpen = open;
    ui.open.clear();
    ui.openF.clear();
    build();
  };
  const toolbar = h(
    'div',
    { class: 'tree-tools' },
    filterInput,
    h('button', { type: 'button', class: 'button ghost small', onclick: all(true) }, 'Expand all'),
    h('button', { type: 'button', class: 'button ghost small', onclick: all(false) }, 'Collapse all'),
    h('div', { class: 'tree-status' }, count, keys),
  );
  const empty = h('p', { class: 'muted pad', hidden: true }, 'No namespace: the root container was not set up.');
  const nomatch = h('p', { class: 'muted pad', hidden: true, 'data-testid': 'tree-nomatch' });
  // Changed mounts the tree no longer has (a "gone" label has no row).
  const gone = h('p', { class: 'tree-gone', hidden: true, 'data-testid': 'tree-gone' });
  // `root` becomes the role=tree element itself (the page's #tree already
  // is one); the filter bar and the notes go just before it, outside the
  // tree, since a tree may hold only its items.
  const treeEl = root;
  treeEl.setAttribute('role', 'tree');
  if (!treeEl.hasAttribute('aria-label')) treeEl.setAttribute('aria-label', label);
  treeEl.setAttribute('aria-describedby', `${uid}-keys`);
  treeEl.classList.add('mtree');
  treeEl.addEventListener('keydown', onKey);
  treeEl.addEventListener('click', onClick);
  treeEl.replaceChildren();
  treeEl.before(h('div', { class: 'tree-head' }, toolbar, gone, empty, nomatch));

  // ---- Drawing.

  const isOpen = (info) => {
    if (!info.kids.length) return false;
    if (ui.keep) return ui.openF.get(info.key) ?? true;
    const o = ui.open.get(info.key);
    if (o != null) return o;
    if (ui.allOpen != null) return ui.allOpen || info.depth === 0;
    return info.depth === 0 || ui.index.total <= COLLAPSE_ABOVE;
  };
  // The path, with the filter's match marked.
  const pathText = (p) => {
    const at = ui.keep ? p.toLowerCase().indexOf(ui.filter.toLowerCase()) : -1;
    if (at < 0) return p;
    const end = at + ui.filter.length;
    return [p.slice(0, at), h('mark', {}, p.slice(at, end)), p.slice(end)];
  };
  const kidsOf = (info) => (ui.keep ? info.kids.filter((c) => ui.keep.has(c.key)) : info.kids);

  function item(info, pos, size) {
    const n = info.node;
    const kids = kidsOf(info);
    const open = kids.length > 0 && isOpen(info);
    const selected = n.path === ui.opts.selected;
    const rowId = `${uid}-r${ui.rows++}`;
    const change = changeOf(ui.opts.changes, n.path);
    const changeId = change ? `${rowId}-c` : null;
    const stubs = n.decision != null ? ui.opts.decisions?.[n.decision]?.stubs : null;
    // The row is the treeitem (focusable, selected, what tests and other
    // panes find by data-path); its group of children follows it in a
    // presentational wrapper and is tied to it by aria-owns.
    const row = h(
      'div',
      {
        role: 'treeitem',
        class: `node${selected ? ' selected' : ''}${n.container ? ' child' : ''}${change ? ' changed' : ''}`,
        id: rowId,
        tabindex: '-1',
        'data-testid': 'mount-node',
        'data-key': info.key,
        'data-path': n.path,
        'data-fs': n.fs_name,
        'data-mount-id': n.id,
        'aria-level': info.depth + 1,
        'aria-setsize': size,
        'aria-posinset': pos,
        'aria-expanded': kids.length ? String(open) : null,
        'aria-selected': String(selected),
        'aria-owns': open ? `${rowId}-g` : null,
        'aria-describedby': changeId,
      },
      h(
        'div',
        { class: 'node-main' },
        h('span', { class: `twisty${kids.length ? '' : ' leaf'}`, 'aria-hidden': 'true' }),
        h('span', { class: 'path' }, pathText(info.depth === 0 ? '/' : n.path)),
        h('span', { class: `chip ${fsClass(n.fs_name)}` }, n.fs_name),
        h('span', { class: `chip flag${n.flags.read_only ? ' ro' : ''}` }, n.flags_label),
        n.gofer_fd != null
          ? h('span', { class: 'chip fd', title: 'gofer connection FD (rfdno/wfdno)' }, `fd ${n.gofer_fd}`)
          : null,
        n.container ? h('span', { class: 'chip cid', title: 'child container' }, n.container) : null,
        change
          ? [
              h('span', { class: 'badge change', 'data-testid': 'change-badge', title: 'changed' }, change),
              // The description a screen reader gives after the name.
              h('span', { id: changeId, hidden: true }, `changed: ${change}`),
            ]
          : null,
        kids.length && !open
          ? h('span', { class: 'chip inside', title: 'collapsed: mounts under it' }, `${fmt(info.size)} inside`)
          : null,
      ),
      layerStack(n.layers, { open: ui.stubs.has(info.key), stubs }),
    );
    const el = h('div', { role: 'none', class: 'ti' }, row);
    if (open) el.append(group(info, kids, `${rowId}-g`));
    return el;
  }

  function group(info, kids, id) {
    const shown = Math.min(kids.length, Math.max(PAGE, ui.pages.get(info.key) ?? 0));
    const g = h('div', { role: 'group', id });
    for (let i = 0; i < shown; i++) g.append(item(kids[i], i + 1, kids.length));
    if (shown < kids.length) {
      const more = Math.min(PAGE, kids.length - shown);
      g.append(
        h(
          'div',
          {
            role: 'treeitem',
            class: 'more',
            tabindex: '-1',
            'data-more': info.key,
            'data-testid': 'tree-more',
            'aria-level': info.depth + 2,
          },
          h('span', { class: 'more-label' }, `Show ${fmt(more)} more`),
          h('span', { class: 'hint' }, ` (${fmt(shown)} of ${fmt(kids.length)} shown)`),
        ),
      );
    }
    return g;
  }

  const itemOf = (key) => treeEl.querySelector(`[role=treeitem][data-key="${CSS.escape(key)}"]`);

  // Rebuilds the tree, keeping focus (when it was in the tree) on the same
  // mount and the roving tab stop on the focused, else the selected, mount.
  function build() {
    const hadFocus = treeEl.contains(document.activeElement);
    ui.rows = 0;
    const index = ui.index;
    empty.hidden = !!index;
    if (!index) {
      treeEl.hidden = true;
      treeEl.replaceChildren();
      count.textContent = '';
      return;
    }
    const none = ui.keep && ui.keep.size === 0;
    nomatch.hidden = !none;
    nomatch.textContent = none ? `No mount path contains "${ui.filter}".` : '';
    treeEl.hidden = none;
    treeEl.replaceChildren(...(none ? [] : [item(index.root, 1, 1)]));
    const total = `${fmt(index.total)} mount${index.total === 1 ? '' : 's'}`;
    const said = ui.keep
      ? `${fmt(countMatches())} of ${total} match`
      : index.total > COLLAPSE_ABOVE && ui.allOpen == null
        ? `${total} · subtrees collapsed past ${COLLAPSE_ABOVE}`
        : total;
    // Unchanged, it is not set again (a live region may repeat it).
    if (count.textContent !== said) count.textContent = said;
    drawGone();
    rove(hadFocus);
  }

  function drawGone() {
    const c = ui.opts.changes;
    const entries = !c ? [] : c instanceof Map ? [...c] : Object.entries(c);
    const missing = entries.filter(([p, l]) => l != null && !ui.index?.byPath.has(p));
    gone.hidden = !missing.length;
    gone.replaceChildren(
      ...missing.flatMap(([p, l], i) => [
        ...(i ? [' · '] : []),
        h('span', { class: 'path' }, p),
        ' ',
        h('span', { class: 'badge change' }, l),
      ]),
    );
  }

  function countMatches() {
    const needle = ui.filter.toLowerCase();
    let c = 0;
    for (const k of ui.keep) if (ui.index.infos.get(k).node.path.toLowerCase().includes(needle)) c++;
    return c;
  }

  // Puts the single tabindex=0 on the focus key's item (else the selected
  // one, else the first), and moves focus there when `focus` is set.
  function rove(focus) {
    const sel = ui.opts.selected != null ? ui.index?.byPath.get(ui.opts.selected) : null;
    const target =
      (ui.focusKey && itemOf(ui.focusKey)) || (sel && itemOf(sel.key)) || treeEl.querySelector('[role=treeitem]');
    for (const el of treeEl.querySelectorAll('[role=treeitem][tabindex="0"]')) el.tabIndex = -1;
    if (!target) return;
    target.tabIndex = 0;
    if (focus) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: 'nearest' });
    }
  }

  // Opens every ancestor of the selected mount and pages its groups far
  // enough to draw it; once per selection, so a user's later collapse holds.
  function reveal(path = ui.opts.selected) {
    if (path === ui.revealed || !ui.index) return;
    ui.revealed = path;
    const info = path != null ? ui.index.byPath.get(path) : null;
    if (!info || (ui.keep && !ui.keep.has(info.key))) return;
    for (let c = info, p = info.parent; p; c = p, p = p.parent) {
      (ui.keep ? ui.openF : ui.open).set(p.key, true);
      const at = kidsOf(p).indexOf(c);
      if (at >= PAGE) ui.pages.set(p.key, Math.max(ui.pages.get(p.key) ?? 0, at + 1));
    }
  }

  function setFilter(q) {
    ui.filter = q.trim();
    ui.openF.clear();
    ui.pages.clear();
    ui.keep = ui.filter && ui.index ? filterKeys(ui.index, ui.filter) : null;
    build();
    treeEl.querySelector('.node')?.scrollIntoView({ block: 'nearest' });
  }

  // Marks the selection without rebuilding (focus stays where it is).
  function markSelected(path) {
    for (const el of treeEl.querySelectorAll('[role=treeitem][aria-selected=true]')) {
      el.setAttribute('aria-selected', 'false');
      el.classList.remove('selected');
    }
    if (path == null) return;
    for (const el of treeEl.querySelectorAll(`[role=treeitem][data-path="${CSS.escape(path)}"]`)) {
      el.setAttribute('aria-selected', 'true');
      el.classList.add('selected');
    }
  }

  function draw(node, opts = {}) {
    const prev = ui.opts;
    ui.opts = opts;
    treeEl.classList.toggle('stale', !!opts.stale);
    if (node !== ui.node) {
      ui.node = node;
      ui.index = node ? indexTree(node) : null;
      ui.keep = ui.filter && ui.index ? filterKeys(ui.index, ui.filter) : null;
      ui.revealed = undefined;
      reveal();
      build();
      return;
    }
    if (opts.changes !== prev.changes || opts.decisions !== prev.decisions) {
      reveal();
      build();
      return;
    }
    if (opts.selected !== prev.selected) {
      const info = opts.selected != null ? ui.index?.byPath.get(opts.selected) : null;
      if (info && !itemOf(info.key)) {
        reveal();
        build();
      } else {
        ui.revealed = opts.selected;
        markSelected(opts.selected);
        if (!treeEl.contains(document.activeElement)) rove(false);
      }
      // Picked elsewhere (decision log, editor): show it, moving only the
      // tree's own scroller, never the page.
      if (info && !treeEl.contains(document.activeElement)) scrollWithin(itemOf(info.key));
    }
  }

  // ---- Interaction.

  function focusItem(el) {
    if (!el) return;
    for (const o of treeEl.querySelectorAll('[role=treeitem][tabindex="0"]')) o.tabIndex = -1;
    el.tabIndex = 0;
    ui.focusKey = el.dataset.key ?? null;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'nearest' });
  }

  // Redraws one item (its subtree) in place and focuses it.
  function redrawItem(key) {
    const old = itemOf(key);
    const info = ui.index?.infos.get(key);
    if (!old || !info) return;
    const fresh = item(info, Number(old.getAttribute('aria-posinset')), Number(old.getAttribute('aria-setsize')));
    old.parentElement.replaceWith(fresh);
    focusItem(fresh.firstElementChild);
  }

  function setOpen(key, open) {
    (ui.keep ? ui.openF : ui.open).set(key, open);
    redrawItem(key);
  }

  function showMore(el) {
    const key = el.dataset.more;
    const info = ui.index?.infos.get(key);
    if (!info) return;
    const old = el.parentElement;
    const before = old.querySelectorAll(':scope > .ti').length;
    ui.pages.set(key, before + PAGE);
    const g = group(info, kidsOf(info), old.id);
    old.replaceWith(g);
    focusItem(g.children[before]?.firstElementChild);
  }

  function activate(el) {
    if (el.classList.contains('more')) return showMore(el);
    const info = ui.index?.infos.get(el.dataset.key);
    if (!info) return;
    ui.focusKey = info.key;
    ui.opts.onSelect?.(info.node);
  }

  function toggleStubs(el) {
    const key = el.dataset.key;
    if (!key || !el.querySelector('.layer.stubs')) return false;
    if (ui.stubs.has(key)) ui.stubs.delete(key);
    else ui.stubs.add(key);
    redrawItem(key);
    return true;
  }

  function onKey(e) {
    const ti = e.target.closest?.('[role=treeitem]');
    if (!ti || !treeEl.contains(ti) || e.altKey || e.ctrlKey || e.metaKey) return;
    const items = () => [...treeEl.querySelectorAll('[role=treeitem]')];
    const expanded = ti.getAttribute('aria-expanded');
    switch (e.key) {
      case 'ArrowDown': {
        const all = items();
        focusItem(all[all.indexOf(ti) + 1]);
        break;
      }
      case 'ArrowUp': {
        const all = items();
        focusItem(all[all.indexOf(ti) - 1]);
        break;
      }
      case 'Home':
        focusItem(treeEl.querySelector('[role=treeitem]'));
        break;
      case 'End':
        focusItem(items().at(-1));
        break;
      case 'ArrowRight':
        if (expanded === 'false') setOpen(ti.dataset.key, true);
        else if (expanded === 'true') focusItem(ti.nextElementSibling?.querySelector('[role=treeitem]'));
        break;
      case 'ArrowLeft':
        if (expanded === 'true') setOpen(ti.dataset.key, false);
        else focusItem(ti.closest('[role=group]')?.previousElementSibling);
        break;
      case 'Enter':
      case ' ':
        activate(ti);
        break;
      case 's':
      case 'S':
        if (!toggleStubs(ti)) return;
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  function onClick(e) {
    const ti = e.target.closest('[role=treeitem]');
    if (!ti || !treeEl.contains(ti)) return;
    e.stopPropagation();
    if (ti.classList.contains('more')) return showMore(ti);
    if (e.target.closest('.stub-toggle')) {
      toggleStubs(ti);
      return;
    }
    if (e.target.closest('.twisty:not(.leaf)')) {
      setOpen(ti.dataset.key, ti.getAttribute('aria-expanded') !== 'true');
      return;
    }
    focusItem(ti);
    activate(ti);
  }

  return {
    element: treeEl,
    draw,
    // Focuses the item of `path` (drawn or not: its ancestors open).
    focus(path) {
      const info = ui.index?.byPath.get(path);
      if (!info) return;
      if (!itemOf(info.key)) {
        ui.revealed = undefined;
        reveal(path);
        build();
      }
      focusItem(itemOf(info.key));
    },
    // Redraws from scratch (the timing hook of the e2e tests).
    redraw() {
      const node = ui.node;
      ui.node = undefined;
      draw(node, ui.opts);
    },
    setFilter(q) {
      filterInput.value = q;
      setFilter(q);
    },
  };
}

// Scrolls `el` into its nearest scrolling ancestor's view (that one only).
// Rows off screen have estimated heights (content-visibility) until drawn,
// so the position is corrected over the next frames as they render.
function scrollWithin(el, again = 6) {
  if (!el?.isConnected) return;
  if (again) requestAnimationFrame(() => scrollWithin(el, again - 1));
  scrollWithinBox(el);
}

// The tree of `root`, made on first use: one instance per element.
const trees = new WeakMap();
export function treeOf(root, init) {
  let t = trees.get(root);
  if (!t) {
    t = createTree(root, init);
    trees.set(root, t);
  }
  return t;
}

// Draws `node` (a MountNode tree) into `root`; cheap when only the
// selection moved (no rebuild, focus kept). Returns the tree instance.
export function renderTree(root, node, opts) {
  const t = treeOf(root, { label: opts?.label });
  t.draw(node, opts);
  return t;
}

// ---- The spec mounts that were not mounted: buttons (focusable, Enter
// activates), the picked one marked; long lists folded.
export const SKIPPED_SHOWN = 50;
const skippedLists = new WeakMap();

export function renderUnmounted(root, decisions, onPick, { selected = null } = {}) {
  let st = skippedLists.get(root);
  if (st && st.decisions === decisions) {
    markPicked(root, selected);
    return;
  }
  st = { decisions, all: st?.all ?? false };
  skippedLists.set(root, st);
  const hadFocus = root.contains(document.activeElement) ? document.activeElement.dataset.i : null;
  root.replaceChildren();
  const skipped = decisions.map((d, i) => [d, i]).filter(([d]) => d.outcome !== 'mounted');
  if (!skipped.length) return;
  const draw = () => {
    const shown = st.all ? skipped : skipped.slice(0, SKIPPED_SHOWN);
    const list = h(
      'ul',
      {},
      shown.map(([d, i]) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: `skip outcome-${d.outcome}`,
              'data-testid': 'skipped-mount',
              'data-path': d.destination,
              'data-i': i,
              'aria-current': i === selected ? 'true' : null,
              onclick: () => onPick(i),
            },
            h('span', { class: 'path' }, d.destination),
            h('span', { class: 'chip' }, d.type || '—'),
            h('span', { class: 'why' }, d.outcome_label),
            d.container ? h('span', { class: 'chip cid' }, d.container) : null,
          ),
        ),
      ),
    );
    const more =
      shown.length < skipped.length
        ? h(
            'button',
            {
              type: 'button',
              class: 'button ghost small',
              onclick: () => {
                st.all = true;
                root.replaceChildren(...draw());
                root.querySelectorAll('[data-testid=skipped-mount]')[shown.length]?.focus();
              },
            },
            `Show all ${fmt(skipped.length)}`,
          )
        : null;
    return [h('h3', {}, `Not mounted (${fmt(skipped.length)})`), list, more].filter(Boolean);
  };
  root.append(...draw());
  if (hadFocus != null) root.querySelector(`[data-i="${hadFocus}"]`)?.focus();
}

function markPicked(root, selected) {
  for (const b of root.querySelectorAll('[data-testid=skipped-mount]')) {
    if (Number(b.dataset.i) === selected) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  }
}
