/**
 * How a connection runs a handler relative to the connection's other frames:
 * - `ordered` (the default): starts once every earlier frame has settled, and
 *   later frames wait for it;
 * - `concurrent` (`@Concurrent()`): may overlap other concurrent handlers of
 *   the connection, up to `maxInflightPerConnection`;
 * - `immediate`: the module's own events (`auth` refresh, `session.resume`):
 *   never queued behind a user handler.
 */
export type DispatchMode = 'ordered' | 'concurrent' | 'immediate';

const DISPATCH_MODE = Symbol('secure-ws.dispatch-mode');

type Marked = { [DISPATCH_MODE]?: DispatchMode };

/**
 * Marks a handler registered in `connection.handlers` with how it is
 * dispatched, and returns it. Used by the adapter for `@Concurrent()`
 * handlers and by the module for its own events:
 * `connection.handlers.set('auth', withDispatchMode(refresh, 'immediate'))`.
 */
export function withDispatchMode<T extends object>(handler: T, mode: DispatchMode): T {
  (handler as Marked)[DISPATCH_MODE] = mode;
  return handler;
}

/** The mode a handler was marked with, `ordered` when unmarked. */
export function dispatchModeOf(handler: object): DispatchMode {
  return (handler as Marked)[DISPATCH_MODE] ?? 'ordered';
}
