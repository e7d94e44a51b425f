// The terminal: xterm.js with a small line editor (history, cursor keys).
// It only draws and forwards: each line goes to the engine's shell.
//
// Leaving it by keyboard (WCAG 2.1.2, #19): Tab is the shell's, so Esc
// then Tab (or Shift+Tab) moves focus out, as the hint under it says.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { ESC, C } from './ansi.js';
import { h } from './render.js';

// Greys text already printed: each line in xterm's bright black (90).
// biome-ignore lint/suspicious/noControlCharactersInRegex: an ANSI escape starts with ESC (0x1b) by definition.
const unstyled = (s) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
const grey = (text) =>
  text
    .split('\n')
    .map((l) => (l ? `${ESC}90m${l}${ESC}0m` : l))
    .join('\r\n');

export function createTerminal(host, transcript, { onLine, prompt, onEscape }) {
  const term = new Terminal({
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    fontSize: 13,
    lineHeight: 1.15,
    cursorBlink: true,
    convertEol: true,
    scrollback: 5000,
    // brightBlack is the grey of stale output: 6:1 on the background, so
    // greyed text still reads at AA (#19); every other colour is held to
    // 4.5:1 by xterm itself.
    theme: {
      background: '#0f1720',
      foreground: '#d7e0ea',
      cursor: '#9ecbff',
      selectionBackground: '#2b4a6b',
      brightBlack: '#8b95a1',
    },
    minimumContrastRatio: 4.5,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  const refit = () => {
    try {
      fit.fit();
    } catch {
      /* hidden */
    }
  };
  new ResizeObserver(refit).observe(host);
  refit();
  host.addEventListener('focus', () => term.focus());

  // Esc arms the way out: the next Tab or Shift+Tab is the browser's (it
  // moves focus); any other key disarms it.
  let escaped = false;
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown') return !(escaped && e.key === 'Tab');
    if (e.key === 'Escape') {
      escaped = true;
      onEscape?.(true);
      return false;
    }
    if (escaped && e.key === 'Tab') {
      escaped = false;
      onEscape?.(false);
      return false;
    }
    if (escaped && !['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) {
      escaped = false;
      onEscape?.(false);
    }
    return true;
  });
  term.textarea?.addEventListener('blur', () => {
    if (escaped) onEscape?.(false);
    escaped = false;
  });

  const history = [];
  let hIndex = 0;
  let line = '';
  let cursor = 0;
  let busy = false;

  // The transcript mirrors the terminal as text (for screen readers and
  // tests); what a replay made stale sits in its `.stale` span.
  const record = (s) => transcript.append(s);
  const out = (s) => {
    term.write(s);
    record(unstyled(s).replace(/\r/g, ''));
  };
  const showPrompt = () => {
    out(prompt());
    line = '';
    cursor = 0;
  };
  const redraw = () => {
    term.write(`\r${ESC}K${prompt()}${line}`);
    const back = line.length - cursor;
    if (back > 0) term.write(`${ESC}${back}D`);
  };

  term.onData(async (data) => {
    if (busy) return;
    if (data === '\r') {
      const cmd = line;
      record(`${cmd}\n`);
      term.write('\r\n');
      if (cmd.trim()) {
        history.push(cmd);
      }
      hIndex = history.length;
      busy = true;
      try {
        await onLine(cmd);
      } finally {
        busy = false;
      }
      showPrompt();
      return;
    }
    if (data === '\x7f' || data === '\b') {
      if (cursor > 0) {
        line = line.slice(0, cursor - 1) + line.slice(cursor);
        cursor--;
        redraw();
      }
      return;
    }
    if (data === '\x03') {
      term.write('^C\r\n');
      record('^C\n');
      showPrompt();
      return;
    }
    if (data === '\x0c') {
      term.clear();
      redraw();
      return;
    }
    if (data === `${ESC}A` || data === `${ESC}B`) {
      if (!history.length) return;
      hIndex = Math.max(0, Math.min(history.length, hIndex + (data === `${ESC}A` ? -1 : 1)));
      line = history[hIndex] ?? '';
      cursor = line.length;
      redraw();
      return;
    }
    if (data === `${ESC}D`) {
      if (cursor > 0) {
        cursor--;
        term.write(data);
      }
      return;
    }
    if (data === `${ESC}C`) {
      if (cursor < line.length) {
        cursor++;
        term.write(data);
      }
      return;
    }
    if (data === `${ESC}H` || data === '\x01') {
      cursor = 0;
      redraw();
      return;
    }
    if (data === `${ESC}F` || data === '\x05') {
      cursor = line.length;
      redraw();
      return;
    }
    if (data.startsWith('\x1b')) return;
    // Printable text (typed or pasted; a pasted newline runs the line).
    // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping C0 control characters from typed text is the point.
    const text = data.replace(/[\x00-\x1f]/g, (ch) => (ch === '\t' ? '  ' : ''));
    if (!text) return;
    line = line.slice(0, cursor) + text + line.slice(cursor);
    cursor += text.length;
    redraw();
  });

  return {
    term,
    colors: C,
    write: out,
    writeln: (s) => out(`${s}\r\n`),
    prompt: showPrompt,
    history,
    // Prints a command as if typed (share-link replay).
    echo(cmd) {
      out(`${prompt()}${cmd}\r\n`);
      if (cmd.trim()) history.push(cmd);
      hIndex = history.length;
    },
    clear() {
      term.reset();
      transcript.textContent = '';
    },
    // Everything printed so far is no longer true (a toggle or an edit
    // replayed the steps on a new sandbox): it is redrawn grey, above what
    // comes next; the line being typed stays.
    stale() {
      const text = transcript.textContent;
      const done = text.slice(0, text.lastIndexOf('\n') + 1);
      term.reset();
      term.write(grey(done));
      transcript.replaceChildren(h('span', { class: 'stale', 'data-testid': 'terminal-stale' }, done));
    },
    // A message from outside the line editor: printed above the prompt.
    notice(s) {
      term.write(`\r${ESC}K`);
      out(`${s}\r\n`);
      redraw();
    },
    redraw,
    // The prompt again after output printed from outside (a replay), with
    // the line being typed kept.
    reprompt() {
      out(`${prompt()}${line}`);
      const back = line.length - cursor;
      if (back > 0) term.write(`${ESC}${back}D`);
    },
    focus: () => term.focus(),
  };
}
