/**
 * How a connection runs a handler relative to the connection's other frames:
 * - `ordered` (the default): starts once every earlier frame has settled, and
 *   later frames wait for it;
 * - `concurrent` (`@Concurrent()`): may overlap other concurrent handlers of
 *   the connection, up to `maxInflightPerConnection`;
 * - `immediate`: plugin events (`SecureWsPlugin.events`: the module's `auth`
 *   refresh and `session.resume`, and users' own): never queued behind a
 *   gateway's handler.
 */
export type DispatchMode = 'ordered' | 'concurrent' | 'immediate';

const DISPATCH_MODE = Symbol('secure-ws.dispatch-mode');

type Marked = { [DISPATCH_MODE]?: DispatchMode };

/**
 * Marks a gateway's handler with how it is dispatched, and returns it. The
 * adapter marks `@Concurrent()` handlers with it; plugin events are
 * `immediate` without a mark.
 */
export function withDispatchMode<T extends object>(handler: T, mode: DispatchMode): T {
  (handler as Marked)[DISPATCH_MODE] = mode;
  return handler;
}

/** The mode a handler was marked with, `ordered` when unmarked. */
export function dispatchModeOf(handler: object): DispatchMode {
  return (handler as Marked)[DISPATCH_MODE] ?? 'ordered';
}
