// The terminal's glue: a stand-in that queues output until xterm.js has
// loaded (as its own chunk, after the first tree is drawn), the "run in"
// target, and the shell lines typed, run through the session.
import { C } from './ansi.js';
import { $, fillTargets } from './dom.js';
import { runShell } from './session.js';
import { state, liveContainers } from './state.js';

const METHODS = ['write', 'writeln', 'prompt', 'echo', 'clear', 'notice', 'redraw', 'focus'];
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
  });
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
  try {
    printResult(await runShell(cmd, target()));
  } catch (e) {
    term.writeln(C.red + (e.message || String(e)) + C.reset);
  }
}

// Prints what replaying a shared session's steps did.
export function printReplay(results) {
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
