/** Wraps a store so that the Nth write throws, simulating a crash at every step of the pipeline. */
import type { RadarStore } from '../../shared/ports/index.js';

const WRITES = new Set([
  'putItem',
  'putMatches',
  'createAlert',
  'markAlertPublished',
  'extendPendingAlert',
  'putFeedState',
  'claimStoryBand',
  'createStory',
  'appendStorySource',
  'markStoryMerged',
  'putItemLink',
]);

export class CrashError extends Error {
  readonly code = 'CRASH';
}

/** Returns a view of `inner` whose write number `crashAt` (1-based) throws CrashError; later writes too. */
export function crashingStore(
  inner: RadarStore,
  crashAt: number,
): { store: RadarStore; writes: () => number } {
  let writes = 0;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !WRITES.has(prop) || typeof value !== 'function') {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: unknown[]) => {
        writes++;
        if (writes >= crashAt) throw new CrashError(`injected crash at write ${writes} (${prop})`);
        return value.apply(target, args);
      };
    },
  });
  return { store, writes: () => writes };
}
