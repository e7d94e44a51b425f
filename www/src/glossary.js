// The glossary: every term the page uses (www/lessons/glossary.json, data
// only), as a side panel opened from the top bar, and as hover notes on the
// terms inside the why pane's sentences and the lessons' texts.
import data from '../lessons/glossary.json';
import { h } from './render.js';
import './glossary.css';

export const terms = data.terms;

// Every spelling of every term, longest first so "overlay upper" wins
// over "overlay".
const byName = new Map();
for (const t of terms) for (const n of [t.term, ...t.aliases]) byName.set(n.toLowerCase(), t);
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const names = [...byName.keys()].sort((a, b) => b.length - a.length).map(escapeRe);
const pattern = new RegExp(`(?<![\\w/-])(${names.join('|')})(?![\\w-])`, 'gi');

// `text` with the first mention of each term wrapped in a hover note; an
// array of strings and elements for h().
export function annotate(text) {
  const out = [];
  const seen = new Set();
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const t = byName.get(m[0].toLowerCase());
    if (!t || seen.has(t.term)) continue;
    seen.add(t.term);
    out.push(text.slice(last, m.index));
    out.push(
      h(
        'span',
        {
          class: 'term',
          tabindex: '0',
          title: `${t.term}: ${t.text}`,
          'data-term': t.term,
          onclick: () => openGlossary(t.term),
        },
        m[0],
      ),
    );
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

let panel = null;

function build() {
  const filter = h('input', {
    type: 'search',
    placeholder: 'Filter terms',
    'aria-label': 'Filter terms',
    class: 'glossary-filter',
  });
  const list = h(
    'dl',
    { class: 'glossary-list' },
    terms.map((t) => [
      h('dt', { id: `term-${t.term.replace(/\W+/g, '-')}`, 'data-term': t.term }, t.term),
      h('dd', { 'data-term': t.term }, t.text),
    ]),
  );
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const el of list.children) {
      const t = byName.get(el.dataset.term.toLowerCase());
      el.hidden = !!q && !`${t.term} ${t.aliases.join(' ')} ${t.text}`.toLowerCase().includes(q);
    }
  });
  panel = h(
    'aside',
    { class: 'glossary-panel', 'data-testid': 'glossary', 'aria-label': 'Glossary', hidden: true },
    h(
      'div',
      { class: 'glossary-head' },
      h('h2', {}, 'Glossary'),
      h(
        'button',
        { type: 'button', class: 'button small ghost', 'aria-label': 'Close the glossary', onclick: closeGlossary },
        '✕',
      ),
    ),
    filter,
    list,
  );
  panel.addEventListener('keydown', (e) => e.key === 'Escape' && closeGlossary());
  document.body.append(panel);
}

// Opens the panel, at `term` when given.
export function openGlossary(term) {
  if (!panel) build();
  panel.hidden = false;
  const dt = term ? panel.querySelector(`dt[data-term="${CSS.escape(term)}"]`) : null;
  for (const el of panel.querySelectorAll('.hit')) el.classList.remove('hit');
  if (dt) {
    dt.classList.add('hit');
    dt.scrollIntoView({ block: 'center' });
  }
  panel.querySelector('input').focus();
}

export function closeGlossary() {
  if (panel) panel.hidden = true;
}

export const toggleGlossary = () => (panel && !panel.hidden ? closeGlossary() : openGlossary());
