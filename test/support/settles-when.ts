// A promise for tests that hold a simulator's answer (a `holdUntil` fault) until something else
// has happened: it settles once `happened` holds, or after `timeoutMs`, so that a test whose
// expectation is not met fails on its assertions instead of hanging.

/** Settles once `happened` holds (checked every 10 ms), or after `timeoutMs`. */
export function settlesWhen(happened: () => boolean, timeoutMs = 10_000): Promise<void> {
  return new Promise<void>((resolve) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (happened() || Date.now() - started > timeoutMs) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
}
