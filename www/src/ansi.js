// The terminal's ANSI colours, apart from xterm.js so the page can queue
// terminal output before xterm.js has loaded.
export const ESC = '\x1b[';
export const C = {
  reset: `${ESC}0m`,
  dim: `${ESC}2m`,
  red: `${ESC}31m`,
  green: `${ESC}1;32m`,
  blue: `${ESC}1;34m`,
  yellow: `${ESC}33m`,
};
