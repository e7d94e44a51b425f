// The view tabs (9P inspector, /proc/mounts, …) as the WAI-ARIA tabs pattern
// (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/): one Tab stop for the
// strip (roving tabindex: only the selected tab has tabindex=0), ← → move
// and activate (wrapping), Home End go to the ends; each tab names its
// panel with aria-controls and each panel is a role=tabpanel labelled by
// its tab. Activation follows focus: the panels are cheap to show.
//
// On a phone the strip scrolls sideways; `scroll-start` / `scroll-end` on it
// say which way more tabs lie, so the CSS can draw a fade as the cue.

const strips = document.querySelectorAll('[role=tablist]');

const tabsOf = (list) => [...list.querySelectorAll('[role=tab]')];
const panelOf = (tab) => document.getElementById(tab.getAttribute('aria-controls'));

// Shows `tab`'s panel and makes it the strip's one Tab stop.
export function selectTab(tab, { focus = false } = {}) {
  const list = tab.closest('[role=tablist]');
  for (const t of tabsOf(list)) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    const p = panelOf(t);
    if (p) p.hidden = !on;
  }
  // A view that draws only while shown (Compare) hears that its panel is
  // shown, however the tab was chosen (click, arrow keys, a share link).
  panelOf(tab)?.dispatchEvent(new CustomEvent('tabshow'));
  if (focus) tab.focus({ preventScroll: true });
  reveal(list, tab);
  markScroll(list);
}

// Scrolls the strip (only the strip: never the page) so `tab` is in view.
function reveal(list, tab) {
  const tabs = tabsOf(list);
  // The ends scroll all the way, past the strip's padding.
  if (tab === tabs[0]) list.scrollLeft = 0;
  else if (tab === tabs.at(-1)) list.scrollLeft = list.scrollWidth;
  const l = tab.offsetLeft; // the strip is position: relative (style.css)
  if (l < list.scrollLeft) list.scrollLeft = l;
  else if (l + tab.offsetWidth > list.scrollLeft + list.clientWidth)
    list.scrollLeft = l + tab.offsetWidth - list.clientWidth;
}

// Selects the tab whose data-tab is `name` (for other modules and tests).
export function showTab(name) {
  const tab = document.querySelector(`[role=tab][data-tab="${CSS.escape(name)}"]`);
  if (tab) selectTab(tab);
}

function onKey(e) {
  const tabs = tabsOf(e.currentTarget);
  const i = tabs.indexOf(document.activeElement);
  if (i < 0) return;
  const to = {
    ArrowRight: (i + 1) % tabs.length,
    ArrowLeft: (i - 1 + tabs.length) % tabs.length,
    Home: 0,
    End: tabs.length - 1,
  }[e.key];
  if (to == null) return;
  e.preventDefault();
  selectTab(tabs[to], { focus: true });
}

// The scroll cue: which ends of the strip hide tabs.
function markScroll(list) {
  const max = list.scrollWidth - list.clientWidth;
  list.classList.toggle('scroll-start', list.scrollLeft > 1);
  list.classList.toggle('scroll-end', list.scrollLeft < max - 1);
}

for (const list of strips) {
  for (const tab of tabsOf(list)) tab.addEventListener('click', () => selectTab(tab));
  list.addEventListener('keydown', onKey);
  list.addEventListener('scroll', () => markScroll(list), { passive: true });
  new ResizeObserver(() => markScroll(list)).observe(list);
  const current = tabsOf(list).find((t) => t.getAttribute('aria-selected') === 'true') || tabsOf(list)[0];
  if (current) selectTab(current);
}
