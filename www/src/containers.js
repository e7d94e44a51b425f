// The containers panel: the form that starts a child container, and the
// live ones, each with a terminal and a destroy button. A failed root setup
// is final: the form is disabled (the engine refuses too, Playground::add)
// and the terminal says it explores the partial namespace.
import { C } from './ansi.js';
import { $, readFile } from './dom.js';
import { h } from './render.js';
import './containers.css';
import { childPreset, presetText } from './presets.js';
import { addContainer, destroyContainer } from './session.js';
import { term, useContainer } from './shell.js';
import { state, select, liveContainers } from './state.js';

// ---- Folding: on a short screen the box folds to its heading, so "Why
// this mount?" above it gets the height it needs; the heading's button
// (or starting a container) opens it.
const box = document.querySelector('.containers-box');
const short = matchMedia('(max-height: 800px)');
const foldButton = h('button', {
  type: 'button',
  class: 'button small ghost fold',
  'data-testid': 'containers-fold',
  onclick: () => setOpen(!isOpen()),
});
box?.querySelector('.pane-head')?.append(foldButton);

const isOpen = () =>
  box ? !box.classList.contains('closed') && (box.classList.contains('open') || !short.matches) : true;

function drawFold() {
  const open = isOpen();
  foldButton.textContent = open ? 'Hide' : 'Show';
  foldButton.setAttribute('aria-expanded', String(open));
}

export function setOpen(open) {
  box?.classList.toggle('open', open);
  box?.classList.toggle('closed', !open);
  drawFold();
}
short.addEventListener('change', drawFold);
drawFold();

// The simulation whose failed setup the terminal has announced (each
// simulation analyses its text afresh: a new analysis is a new sandbox).
let announced = null;

// Disables starting a child while the root container's setup has failed,
// and says so once per sandbox in the terminal.
function drawSetupFailed() {
  const failed = state.view?.report.error ?? null;
  const form = $('add-container');
  for (const el of form.querySelectorAll('input, select, button')) el.disabled = !!failed;
  form.classList.toggle('setup-failed', !!failed);
  form.title = failed ? "The root container's setup failed: no child container can start in this sandbox." : '';
  const note = $('container-error');
  if (failed) {
    note.hidden = false;
    note.dataset.testid = 'setup-failed-note';
    note.textContent = `Setup failed, so no child container can start: ${failed}`;
  } else if (note.dataset.testid === 'setup-failed-note') {
    note.hidden = true;
    delete note.dataset.testid;
  }
  if (!failed || announced === state.analysis) return;
  announced = state.analysis;
  const fatal = state.view.report.fatal;
  const label = state.view.panic_label;
  // After whatever the loader prints first (the greeting, the prompt): a
  // notice replaces the prompt line, then draws it again below.
  setTimeout(() =>
    term.notice(
      fatal
        ? `${C.yellow}${label} ${failed}: the tree shows what was mounted before it; no command runs and no child container starts.${C.reset}`
        : `${C.yellow}setup failed: ${failed}. You are exploring the partial namespace (the mounts made before the failure); no child container can start.${C.reset}`,
    ),
  );
}

export function drawContainers() {
  drawSetupFailed();
  const list = $('containers');
  const live = liveContainers();
  list.replaceChildren(
    ...live.map((c) =>
      h(
        'li',
        { 'data-cid': c.cid, class: 'container-item' },
        h('div', { class: 'c-main' }, h('strong', {}, c.cid), h('span', { class: 'hint' }, ` ${c.summary}`)),
        h(
          'div',
          { class: 'c-actions' },
          h('button', { class: 'button small ghost', onclick: () => useContainer(c.cid) }, 'Terminal'),
          h(
            'button',
            { class: 'button small danger', 'data-testid': 'destroy-container', onclick: () => destroy(c.cid) },
            'Destroy',
          ),
        ),
      ),
    ),
  );
  if (!live.length) list.append(h('li', { class: 'empty muted' }, state.view?.containers_note ?? ''));
}

// The first id c1, c2, … no container has used.
export function suggestId() {
  const used = new Set((state.view?.containers || []).map((c) => c.cid));
  let i = 1;
  while (used.has(`c${i}`)) i++;
  $('container-id').value = `c${i}`;
}

async function destroy(cid) {
  try {
    await destroyContainer(cid);
    term.notice(`${C.yellow}destroyed container ${cid}${C.reset}`);
  } catch (err) {
    term.notice(`${C.red}destroy ${cid}: ${err.message}${C.reset}`);
  }
}

// Starts child container `cid` from the form's choice of spec and host
// files; true when it started.
export async function startContainer(cid) {
  setOpen(true);
  const errEl = $('container-error');
  errEl.hidden = true;
  if (!state.sb) return false;
  const file = await readFile($('container-spec-file'));
  const host = await readFile($('container-host-file'));
  const spec = file ? file.text : $('container-preset').value === 'root' ? state.text : presetText(childPreset);
  try {
    await addContainer(cid, spec, host ? host.text : undefined);
    select(state.view?.containers.find((c) => c.cid === cid)?.root_path ?? '/');
  } catch (err) {
    errEl.hidden = false;
    errEl.textContent = err.message;
    term.notice(`${C.red}container ${cid}: ${err.message}${C.reset}`);
    return false;
  }
  term.notice(`${C.yellow}started container ${cid}${C.reset}`);
  document
    .querySelector(`[data-testid=mount-node][data-path="${CSS.escape(state.selected)}"]`)
    ?.scrollIntoView({ block: 'nearest' });
  suggestId();
  return true;
}

$('add-container').addEventListener('submit', (e) => {
  e.preventDefault();
  startContainer($('container-id').value.trim());
});

for (const [id, label, empty] of [
  ['container-spec-file', 'container-file-label', 'Spec file…'],
  ['container-host-file', 'container-host-label', 'Host files…'],
]) {
  $(id).addEventListener('change', (e) => {
    const f = e.target.files[0];
    $(label).textContent = f ? f.name : empty;
  });
}
