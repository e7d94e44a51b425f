// The lessons: a list, and a runner that walks one lesson's steps. Every
// lesson is data (www/lessons/*.json, fetched when opened; checked by
// tests/lessons.rs): a scenario, then steps with a text, a "Try:" action
// (a shell line, a toggle, a click on a mount or a view, a container to
// start) and what to look at (a mount, a decision, a view). The runner only
// performs the action through the page's own controls and points at the
// target; the engine decides what happens.
import { C } from './ansi.js';
import { setOpen as openContainers, startContainer } from './containers.js';
import { $ } from './dom.js';
import { annotate, toggleGlossary } from './glossary.js';
import { presetText } from './presets.js';
import { h } from './render.js';
import { load, runShell } from './session.js';
import { printReplay, term } from './shell.js';
import { editor } from './spec.js';
import { pickDecision, select, state } from './state.js';
import { maybeStartTour, startTour } from './tour.js';
import './lessons.css';

const urls = import.meta.glob('../lessons/*.json', { query: '?url', import: 'default', eager: true });
const url = (rel) => urls[`../${rel}`];

async function fetchText(rel) {
  if (rel.startsWith('presets/')) {
    const t = presetText(rel.slice('presets/'.length));
    if (t != null) return t;
  }
  const u = url(rel);
  if (!u) throw new Error(`no lesson file ${rel}`);
  const res = await fetch(u);
  if (!res.ok) throw new Error(`${rel}: ${res.status}`);
  return res.text();
}

const fetchJson = async (rel) => JSON.parse(await fetchText(rel));

// The panes a lesson can point at, and the tabs of the views pane.
const PANES = {
  spec: '#editor-pane',
  tree: '.tree-pane',
  why: '#details',
  shell: '.term-pane',
  containers: '.containers-box',
};
const TABS = ['ninep', 'proc', 'mountinfo', 'restore', 'warnings', 'decisions'];
const VIEW_NAMES = {
  spec: 'the spec',
  tree: 'the mount tree',
  why: 'Why this mount?',
  shell: 'the terminal',
  containers: 'the containers',
  ninep: 'the 9P inspector',
  proc: '/proc/mounts',
  mountinfo: 'mountinfo',
  restore: 'the restore env',
  warnings: 'the warnings',
  decisions: 'the decision log',
};

let panel = null;
let index = null;
// The lesson open: {lesson, at (step index), tried (the step was tried)}.
let run = null;

async function lessonIndex() {
  index ??= (await fetchJson('lessons/index.json')).lessons;
  return index;
}

function ensurePanel() {
  if (panel) return panel;
  panel = h('aside', { class: 'lesson-panel', 'data-testid': 'lessons', 'aria-label': 'Lessons', hidden: true });
  panel.addEventListener('keydown', (e) => e.key === 'Escape' && closeLessons());
  document.body.append(panel);
  return panel;
}

const closeButton = () =>
  h(
    'button',
    { type: 'button', class: 'button small ghost', 'aria-label': 'Close lessons', onclick: closeLessons },
    '✕',
  );

// The panel covers the spec editor (the one pane a lesson does not point
// into while it runs), so the tree, the why pane and the terminal stay in
// sight.
function place() {
  const r = document.querySelector('#editor-pane')?.getBoundingClientRect();
  if (!panel || !r || r.width < 280) return;
  Object.assign(panel.style, {
    top: `${Math.max(8, r.top)}px`,
    left: `${r.left}px`,
    width: `${r.width}px`,
    maxHeight: `${Math.max(240, r.height)}px`,
    bottom: 'auto',
  });
}
addEventListener('resize', place);

// The list of lessons.
export async function openLessons() {
  const p = ensurePanel();
  place();
  const all = await lessonIndex();
  run = null;
  clearLook();
  p.hidden = false;
  p.replaceChildren(
    h('div', { class: 'lesson-head' }, h('h2', {}, 'Lessons'), closeButton()),
    h(
      'p',
      { class: 'lesson-goal' },
      'Each lesson loads a scenario and walks it: read, press Try, look where it points.',
    ),
    h(
      'ol',
      { class: 'lesson-list' },
      all.map((l) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'lesson-item',
              'data-testid': 'lesson-item',
              'data-lesson': l.file.replace(/\.json$/, ''),
              onclick: () => startLesson(l.file),
            },
            l.title,
          ),
        ),
      ),
    ),
  );
  p.querySelector('button.lesson-item')?.focus();
}

export function closeLessons() {
  if (panel) panel.hidden = true;
  run = null;
  clearLook();
}

export const toggleLessons = () => (panel && !panel.hidden ? closeLessons() : openLessons());

// Loads a lesson's scenario with its config and shows its first step.
export async function startLesson(file) {
  const lesson = await fetchJson(`lessons/${file}`);
  const text = await fetchText(lesson.scenario);
  $('preset').value = '';
  editor.setText(text);
  term.clear();
  const config = lesson.config ? { overlay: false, file_access: 'exclusive', ...lesson.config } : null;
  await load(text, { config });
  term.notice(`${C.dim}lesson: ${lesson.title}${C.reset}`);
  run = { lesson, at: 0, tried: false };
  drawStep();
}

function describeTry(t) {
  if (t.sh) return ['run ', h('code', {}, t.sh.line), t.sh.container ? ` in container ${t.sh.container}` : ''];
  if (t.toggle) {
    const v = t.toggle.value;
    return t.toggle.control === 'overlay'
      ? `turn --overlay ${v ? 'on' : 'off'}`
      : ['set --file-access to ', h('code', {}, String(v))];
  }
  if (t.select) return ['click ', h('code', {}, t.select.mount), ' in the tree'];
  if (t.view) return `open ${VIEW_NAMES[t.view.view] ?? t.view.view}`;
  if (t.add_container) return `start child container ${t.add_container.cid}`;
  return 'nothing';
}

function describeLook(l) {
  const parts = [];
  if (l.mount) parts.push(h('code', {}, l.mount));
  if (l.decision) parts.push(h('code', {}, l.decision), ' (in the decision log)');
  if (l.view) parts.push(parts.length ? ' in ' : '', VIEW_NAMES[l.view] ?? l.view);
  return parts;
}

function drawStep(result = null) {
  if (!run) return;
  const { lesson, at } = run;
  const s = lesson.steps[at];
  const last = at === lesson.steps.length - 1;
  const p = ensurePanel();
  place();
  p.hidden = false;
  p.replaceChildren(
    ...[
      h(
        'div',
        { class: 'lesson-head' },
        h('h2', { 'data-testid': 'lesson-title' }, lesson.title),
        h('span', { class: 'lesson-count', 'data-testid': 'lesson-count' }, `${at + 1} / ${lesson.steps.length}`),
        closeButton(),
      ),
      at === 0 ? h('p', { class: 'lesson-goal' }, annotate(lesson.goal)) : null,
      h('p', { class: 'lesson-text', 'data-testid': 'lesson-text' }, annotate(s.text)),
      s.try
        ? h(
            'div',
            { class: 'lesson-try' },
            h('span', {}, h('b', {}, 'Try: '), describeTry(s.try)),
            h(
              'button',
              { type: 'button', class: 'button small', 'data-testid': 'lesson-try', onclick: () => tryStep() },
              run.tried ? 'Again' : 'Try it',
            ),
          )
        : null,
      result
        ? h('p', { class: `lesson-result ${result.ok ? 'ok' : 'bad'}`, 'data-testid': 'lesson-result' }, result.text)
        : null,
      h('p', { class: 'lesson-look-at', 'data-testid': 'lesson-look' }, h('b', {}, 'Look at: '), describeLook(s.look)),
      h(
        'div',
        { class: 'lesson-nav' },
        h('button', { type: 'button', class: 'button small ghost', onclick: openLessons }, 'All lessons'),
        h(
          'button',
          {
            type: 'button',
            class: 'button small ghost',
            'data-testid': 'lesson-prev',
            disabled: at === 0,
            onclick: () => go(-1),
          },
          'Back',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'button small',
            'data-testid': 'lesson-next',
            onclick: () => (last ? openLessons() : go(1)),
          },
          last ? 'Done' : 'Next',
        ),
      ),
    ].filter(Boolean),
  );
  // A step without an action points at its target at once.
  if (!s.try) showLook(s.look);
}

function go(d) {
  if (!run) return;
  run.at = Math.max(0, Math.min(run.lesson.steps.length - 1, run.at + d));
  run.tried = false;
  clearLook();
  drawStep();
}

const ninepTotal = () => (state.view?.connections ?? []).reduce((n, c) => n + c.messages.length + (c.dropped || 0), 0);

// Waits for the next view (a toggle or a new container redraws through the
// session, which may answer later once the engine runs in a worker).
function nextView(before, ms = 3000) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const poll = () => (state.view !== before || performance.now() - t0 > ms ? resolve() : setTimeout(poll, 20));
    poll();
  });
}

async function shell(line, cid) {
  const before = ninepTotal();
  // The prompt already drawn is replaced by the echoed command line.
  term.write('\r\x1b[K');
  let r;
  try {
    r = await runShell(line, cid);
    printReplay([r]);
  } catch (e) {
    term.echo(line);
    term.writeln(C.red + (e.message || String(e)) + C.reset);
    r = { ok: false, errno: null, error: e.message };
  }
  term.prompt();
  return { r, sent: ninepTotal() - before };
}

// What the step's result is, against what the lesson said it would be.
function verdict(expect, { r, sent }) {
  if (!expect) return null;
  const bits = [r.ok ? 'succeeded' : `failed${r.errno ? ` with ${r.errno}` : ''}`];
  if (expect.ninep_messages != null) bits.push(`${sent} 9P message${sent === 1 ? '' : 's'}`);
  const as = r.ok === expect.ok && (expect.errno ?? null) === (r.errno ?? null);
  return { ok: as, text: `${bits.join(' · ')}${as ? ', as the lesson says' : ', not what the lesson says'}` };
}

// Performs the step's action, then points at what to look at.
export async function tryStep() {
  if (!run) return;
  const s = run.lesson.steps[run.at];
  const t = s.try;
  let result = null;
  if (t?.sh) result = verdict(s.expect, await shell(t.sh.line, t.sh.container));
  else if (t?.toggle) {
    const before = state.view;
    const el = t.toggle.control === 'overlay' ? $('overlay') : $('file-access');
    if (el.type === 'checkbox') el.checked = !!t.toggle.value;
    else el.value = t.toggle.value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
    await nextView(before);
  } else if (t?.select) select(t.select.mount);
  else if (t?.view) openView(t.view.view);
  else if (t?.add_container) {
    const before = state.view;
    const ok = await startContainer(t.add_container.cid);
    await nextView(before);
    result = s.expect
      ? {
          ok: ok === s.expect.ok,
          text: `${ok ? 'started' : 'refused'}${ok === s.expect.ok ? ', as the lesson says' : ''}`,
        }
      : null;
  }
  if (!run) return;
  run.tried = true;
  drawStep(result);
  showLook(s.look);
}

function openView(v) {
  if (TABS.includes(v)) document.querySelector(`[role=tab][data-tab="${v}"]`)?.click();
}

let looked = [];

function clearLook() {
  for (const el of looked) el.classList.remove('lesson-look');
  looked = [];
}

function mark(el) {
  if (!el) return;
  el.classList.add('lesson-look');
  looked.push(el);
}

// Points at a step's target: selects the mount or the decision, opens the
// view's tab, and rings the pane.
function showLook(l) {
  clearLook();
  if (l.mount) {
    select(l.mount);
    const node = document.querySelector(`[data-testid=mount-node][data-path="${CSS.escape(l.mount)}"]`);
    node?.scrollIntoView({ block: 'nearest' });
    mark(node);
  }
  if (l.decision) {
    const i = state.view?.report.decisions.findIndex((d) => d.destination === l.decision) ?? -1;
    if (i >= 0) pickDecision(i);
    mark(document.querySelector(`[data-testid=skipped-mount][data-path="${CSS.escape(l.decision)}"]`));
  }
  if (l.view) {
    if (l.view === 'containers') openContainers(true);
    openView(l.view);
    mark(document.querySelector(PANES[l.view] ?? '.views-pane'));
  }
}

// For tests and the tour: which lesson and step is open.
export const lessonState = () => (run ? { id: run.lesson.id, at: run.at, tried: run.tried } : null);

// ---- The top bar's Lessons, Glossary and ? (tour) buttons, and the tour
// on a first visit once the page is ready.
function addButtons() {
  const title = document.querySelector('.topbar .brand h1');
  if (!title || $('lessons-open')) return;
  const button = (id, label, onclick, extra = {}) =>
    h('button', { type: 'button', id, class: 'button small ghost', 'data-testid': id, onclick, ...extra }, label);
  title.after(
    h(
      'span',
      { class: 'learn-links', role: 'group', 'aria-label': 'Learn' },
      button('lessons-open', 'Lessons', toggleLessons),
      button('glossary-open', 'Glossary', toggleGlossary),
      button('tour-open', '?', () => startTour(), {
        class: 'button small ghost round',
        title: 'Take the tour of the page',
        'aria-label': 'Take the tour of the page',
      }),
    ),
  );
}

addButtons();
if (document.body.dataset.ready === 'true') maybeStartTour();
else
  new MutationObserver((_, obs) => {
    if (document.body.dataset.ready !== 'true') return;
    obs.disconnect();
    maybeStartTour();
  }).observe(document.body, { attributes: true, attributeFilter: ['data-ready'] });
