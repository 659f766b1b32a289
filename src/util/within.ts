/**
 * Settles like `promise`, or with `fallback` once `ms` have passed. The
 * timer does not keep the process alive unless `keepAlive`.
 */
export function within<T>(
  promise: Promise<T>,
  ms: number,
  fallback: T,
  keepAlive = false,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), Math.max(ms, 0));
    if (!keepAlive) timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Settles like `promise`, or rejects with `Timed out after <ms> ms: <what>` once `ms` have passed. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const timedOut = Symbol('timed out');
  return within<T | typeof timedOut>(promise, ms, timedOut).then((value) => {
    if (value === timedOut) throw new Error(`Timed out after ${ms} ms: ${what}`);
    return value as T;
  });
}
