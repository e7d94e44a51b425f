// The first-run tour (driver.js): spec → tree → why → shell → 9P, its words
// in www/lessons/tour.json. It opens once, on the first visit (remembered in
// localStorage), and again from the top bar's ? button. Under automation it
// stays closed unless the address asks for it (?tour), so other tests see
// the page, not the tour.
import data from '../lessons/tour.json';

export const TOUR_KEY = 'mountlab.tour.done';

let active = null;

function remember() {
  try {
    localStorage.setItem(TOUR_KEY, '1');
  } catch {
    // Storage off (private mode): the tour opens again next time.
  }
}

function seen() {
  try {
    return localStorage.getItem(TOUR_KEY) === '1';
  } catch {
    return false;
  }
}

// Starts the tour at its first step. driver.js loads as its own chunk.
export async function startTour() {
  const [{ driver }] = await Promise.all([
    import('driver.js'),
    import('driver.js/dist/driver.css'),
    import('./tour.css'),
  ]);
  active?.destroy();
  active = driver({
    showProgress: true,
    progressText: '{{current}} of {{total}}',
    nextBtnText: 'Next',
    prevBtnText: 'Back',
    doneBtnText: 'Done',
    popoverClass: 'mountlab-tour',
    steps: data.steps.map((s) => ({
      element: s.target,
      popover: { title: s.title, description: s.text },
    })),
    onDestroyed: () => {
      remember();
      active = null;
    },
  });
  active.drive();
  return active;
}

export const tourActive = () => !!active?.isActive();

// Opens the tour on a first visit.
export function maybeStartTour() {
  const asked = new URLSearchParams(location.search).has('tour');
  if (seen() || (navigator.webdriver && !asked)) return;
  startTour();
}
