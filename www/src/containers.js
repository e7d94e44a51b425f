// The containers panel: the form that starts a child container, and the
// live ones, each with a terminal and a destroy button.
import { C } from './ansi.js';
import { $, readFile } from './dom.js';
import { h } from './render.js';
import { childPreset, presetText } from './presets.js';
import { addContainer, destroyContainer } from './session.js';
import { term, useContainer } from './shell.js';
import { state, select, liveContainers } from './state.js';

export function drawContainers() {
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

$('add-container').addEventListener('submit', async (e) => {
  e.preventDefault();
  const cid = $('container-id').value.trim();
  const errEl = $('container-error');
  errEl.hidden = true;
  if (!state.sb) return;
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
    return;
  }
  term.notice(`${C.yellow}started container ${cid}${C.reset}`);
  document
    .querySelector(`[data-testid=mount-node][data-path="${CSS.escape(state.selected)}"]`)
    ?.scrollIntoView({ block: 'nearest' });
  suggestId();
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
