// Links from the functions a decision names to gVisor's source: asked of
// the engine once per function (its port table is the single source).
import { sourceRef } from './engine.js';

const cache = new Map();

export function sourceLink(fn) {
  if (!cache.has(fn)) cache.set(fn, sourceRef(fn));
  return cache.get(fn);
}
