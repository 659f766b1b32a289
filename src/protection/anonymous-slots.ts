/** The server (or local port) a socket came in on. */
export type Listener = object | number;

type Counted = Record<symbol, Listener | undefined>;

/**
 * Sockets without a session, counted per listener (the server they came
 * in on). A socket leaves its count when it authenticates or closes.
 *
 * The listener a socket counts against is kept on the socket, under a key
 * of this instance: a `WeakMap.set` per upgrade cost more than the rest of
 * the count (a CPU profile of handshakes).
 */
export class AnonymousSlots {
  private readonly byListener = new Map<Listener, number>();
  private readonly countedOn = Symbol('secure-ws.anonymousOn');
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
    (socket as Counted)[this.countedOn] = listener;
    this.byListener.set(listener, this.on(listener) + 1);
    this.total += 1;
  }

  /** The socket authenticated or closed; a socket not counted is ignored. */
  release(socket: object): void {
    const counted = socket as Counted;
    const listener = counted[this.countedOn];
    if (listener === undefined) return;
    // Not `delete`, which would turn the socket into a slow dictionary object.
    counted[this.countedOn] = undefined;
    const left = this.on(listener) - 1;
    if (left > 0) this.byListener.set(listener, left);
    else this.byListener.delete(listener);
    this.total -= 1;
  }
}
