// Counts the page's pending work (requests, a date about to be drawn) so that the page can say
// it is loading and tests, print and export can wait until everything is drawn.

export function createTracker(onChange = () => {}) {
  let pending = 0;
  const waiters = [];
  const busy = (delta) => {
    pending += delta;
    onChange(pending > 0);
    if (pending === 0) while (waiters.length) waiters.shift()();
  };
  return {
    busy,
    /** Counts `promise` as pending work until it settles; returns its result. */
    async tracked(promise) {
      busy(1);
      try {
        return await promise;
      } finally {
        busy(-1);
      }
    },
    pending: () => pending,
    /** Resolves when nothing is pending. */
    settled: () => (pending === 0 ? Promise.resolve() : new Promise((r) => waiters.push(r))),
  };
}
