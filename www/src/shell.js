// The terminal's glue: a stand-in that queues output until xterm.js has
// loaded (as its own chunk, after the first tree is drawn), the "run in"
// target, and the shell lines typed, run through the session. After a
// toggle or an edit re-ran the steps, the old outputs are greyed under a
// separator and the new ones printed (#18); what the overlay did under a
// command (copy-up, whiteout) is named under its output.
import { C } from './ansi.js';
import { markNewScenario, onReplayed } from './changes.js';
import { $, fillTargets } from './dom.js';
import { h } from './render.js';
import { runShell } from './session.js';
import { state, liveContainers } from './state.js';
import './shell.css';

const METHODS = ['write', 'writeln', 'prompt', 'echo', 'clear', 'notice', 'redraw', 'focus', 'stale', 'reprompt'];
const queued = [];
let real = null;

// The terminal: calls made before xterm.js is there are replayed into it.
export const term = { colors: C };
for (const name of METHODS) {
  term[name] = (...args) => {
    if (real) real[name](...args);
    else queued.push([name, args]);
  };
}
// Commands whose output is on screen since the last clear.
let printed = 0;
const clearTerm = term.clear;
// A cleared terminal starts a new scenario (a preset, a file, a share
// link, Reset steps): nothing on it goes stale.
term.clear = () => {
  printed = 0;
  markNewScenario();
  clearTerm();
};

// The way out of the terminal by keyboard, said under it.
const HINT = 'Esc then Tab leaves the terminal (Shift+Tab goes back)';
function hint() {
  let el = $('terminal-hint');
  if (!el) {
    el = h('p', { id: 'terminal-hint', class: 'terminal-hint', 'data-testid': 'terminal-hint' }, HINT);
    $('terminal-output').before(el);
  }
  return el;
}
hint();

const target = () => $('term-target').value || undefined;

export async function loadTerminal() {
  const { createTerminal } = await import('./terminal.js');
  const created = createTerminal($('terminal'), $('terminal-output'), {
    prompt: () => {
      const cid = target();
      return cid
        ? `${C.blue}${cid}${C.reset}${C.dim}@sandbox${C.reset} # `
        : `${C.green}root${C.reset}${C.dim}@sandbox${C.reset} # `;
    },
    onLine: async (line) => runLine(line),
    onEscape: (armed) => {
      const el = hint();
      el.classList.toggle('armed', armed);
      el.textContent = armed ? 'Tab or Shift+Tab now leaves the terminal; any other key stays' : HINT;
    },
  });
  created.term.textarea?.setAttribute('aria-describedby', 'terminal-hint');
  for (const [name, args] of queued.splice(0)) created[name](...args);
  real = created;
}

// Points the terminal at a container ('' for the root) and focuses it.
export function useContainer(cid) {
  $('term-target').value = cid;
  term.redraw();
  term.focus();
}

// Keeps the "run in" choices to the live containers.
export function drawTarget() {
  fillTargets(
    $('term-target'),
    liveContainers().map((c) => c.cid),
  );
}

export function greet() {
  term.writeln(`${C.dim}Sandbox shell (root) · help · ↑/↓ history${C.reset}`);
}

function printResult(r) {
  if (r.output) term.write(r.output.replace(/\n/g, '\r\n') + (r.output.endsWith('\n') ? '' : '\r\n'));
  else if (r.error && r.kind !== 'sh') term.writeln(C.red + r.error + C.reset);
  for (const n of r.notes || []) term.writeln(`${C.yellow}↳ ${n}${C.reset}`);
}

async function runLine(line) {
  const cmd = line.trim();
  if (!cmd) return;
  if (cmd === 'clear') {
    term.clear();
    return;
  }
  if (cmd === 'history') {
    for (const [i, l] of real.history.entries()) term.writeln(`${String(i + 1).padStart(4)}  ${l}`);
    return;
  }
  if (!state.sb) {
    term.writeln(`${C.red}no sandbox: fix the spec first${C.reset}`);
    return;
  }
  printed++;
  try {
    printResult(await runShell(cmd, target()));
  } catch (e) {
    term.writeln(C.red + (e.message || String(e)) + C.reset);
  }
}

// Prints what replaying a shared session's steps did.
export function printReplay(results) {
  printed += results.length;
  for (const r of results) {
    if (r.kind === 'sh') {
      term.echo(r.line);
      printResult(r);
    } else if (r.kind === 'add')
      term.writeln(
        `${C.yellow}${r.ok ? 'started' : 'failed to start'} container ${r.container}${r.ok ? '' : `: ${r.error}`}${C.reset}`,
      );
    else if (r.kind === 'destroy') term.writeln(`${C.yellow}destroyed container ${r.container}${C.reset}`);
    else if (r.error) term.writeln(C.red + r.error + C.reset);
  }
}

// A step as printReplay takes it: the session's step (`{sh}`,
// `{container: {add}}`, ...) with the report of its new run.
function resultOf(step, report) {
  const c = step.container;
  if (step.sh != null) return { kind: 'sh', line: step.sh, ...report };
  if (c?.add) return { kind: 'add', container: c.add.cid, ...report };
  if (c?.destroy != null) return { kind: 'destroy', container: c.destroy, ...report };
  return { kind: 'step', ...report };
}

// A toggle or an edit re-ran the steps on a new sandbox: what is on screen
// is stale (greyed), a separator says what changed, then the new outputs.
onReplayed(({ withText, steps }) => {
  if (!printed) return;
  const reports = state.view?.report.steps ?? [];
  const notes = state.view?.step_notes ?? [];
  const replayed = state.steps.map((s, i) => ({
    ...resultOf(s, reports[reports.length - steps + i] ?? {}),
    notes: notes[i] ?? [],
  }));
  term.stale();
  const n = `${steps} step${steps === 1 ? '' : 's'}`;
  term.writeln(`${C.blue}── replayed ${n} with ${withText} ──${C.reset}`);
  printed = 0;
  printReplay(replayed);
  term.reprompt();
});
