/** The server (or local port) a socket came in on. */
export type Listener = object | number;

type SlotHolder = Record<symbol, Listener | undefined>;

/**
 * Sockets without a session, counted per listener (the server they came
 * in on). A socket leaves its count when it authenticates or closes.
 *
 * The listener a socket counts against is a property of the socket (under
 * this instance's symbol), not a WeakMap entry: a slot lives only from the
 * upgrade to the session, and the WeakMap's table was reallocated as it
 * filled and emptied, on every upgrade.
 */
export class AnonymousSlots {
  private readonly byListener = new Map<Listener, number>();
  private readonly slot = Symbol('secure-ws.anonymous-slot');
  private total = 0;

  /** Anonymous sockets on this listener. */
  on(listener: Listener): number {
    return this.byListener.get(listener) ?? 0;
  }

  /** Anonymous sockets on every other listener. */
  elsewhere(listener: Listener): number {
    return this.total - this.on(listener);
  }

  take(socket: object, listener: Listener): void {
    (socket as SlotHolder)[this.slot] = listener;
    this.byListener.set(listener, this.on(listener) + 1);
    this.total += 1;
  }

  /** The socket authenticated or closed; a socket not counted is ignored. */
  release(socket: object): void {
    const listener = (socket as SlotHolder)[this.slot];
    if (listener === undefined) return;
    (socket as SlotHolder)[this.slot] = undefined;
    const left = this.on(listener) - 1;
    if (left > 0) this.byListener.set(listener, left);
    else this.byListener.delete(listener);
    this.total -= 1;
  }
}
