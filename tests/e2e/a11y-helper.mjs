// The accessibility check every e2e file can run on a page state:
// `await checkA11y(page, 'default page')` runs axe-core (WCAG 2.0/2.1/2.2 A
// and AA rules, plus axe's best practices) and fails on any serious or
// critical violation, listing each rule with the elements it caught. The
// full result is saved as test-results/axe-<label>.json.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { artifacts } from './harness.mjs';

export const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const FAILING = new Set(['serious', 'critical']);

// Findings axe gets wrong, each with its reason. CodeMirror's scroller
// (.cm-scroller, tabindex=-1) holds a contenteditable textbox that takes
// Tab focus and scrolls with its caret, but axe does not count
// contenteditable as focusable content.
const KNOWN_FALSE = [{ rule: 'scrollable-region-focusable', target: '.cm-scroller' }];
const knownFalse = (rule, node) => KNOWN_FALSE.some((k) => k.rule === rule && node.target.join(' ').endsWith(k.target));

// One line per violation: impact, rule, and the first few elements caught.
export function describeViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 4)
        .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`);
      const more = v.nodes.length > 4 ? [`    … and ${v.nodes.length - 4} more`] : [];
      return [`  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length})`, ...nodes, ...more].join('\n');
    })
    .join('\n');
}

// Runs axe on the page as it is now; returns every violation (minor and
// moderate ones too, for a report) after asserting none is serious or critical.
export async function checkA11y(page, label, { exclude = [] } = {}) {
  let builder = new AxeBuilder({ page }).withTags(A11Y_TAGS);
  for (const sel of exclude) builder = builder.exclude(sel);
  const results = await builder.analyze();
  results.violations = results.violations
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !knownFalse(v.id, n)) }))
    .filter((v) => v.nodes.length);
  const file = `axe-${label.replace(/[^A-Za-z0-9]+/g, '-')}.json`;
  writeFileSync(join(artifacts, file), JSON.stringify(results.violations, null, 2));
  const bad = results.violations.filter((v) => FAILING.has(v.impact));
  assert.equal(bad.length, 0, `axe found serious or critical violations on ${label}:\n${describeViolations(bad)}`);
  return results.violations;
}
