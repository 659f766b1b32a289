/** The server (or local port) a socket came in on. */
export type Listener = object | number;

/**
 * Sockets without a session, counted per listener (the server they came
 * in on). A socket leaves its count when it authenticates or closes.
 */
export class AnonymousSlots {
  private readonly byListener = new Map<Listener, number>();
  private readonly listenerOf = new WeakMap<object, Listener>();
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
    this.listenerOf.set(socket, listener);
    this.byListener.set(listener, this.on(listener) + 1);
    this.total += 1;
  }

  /** The socket authenticated or closed; a socket not counted is ignored. */
  release(socket: object): void {
    const listener = this.listenerOf.get(socket);
    if (listener === undefined) return;
    this.listenerOf.delete(socket);
    const left = this.on(listener) - 1;
    if (left > 0) this.byListener.set(listener, left);
    else this.byListener.delete(listener);
    this.total -= 1;
  }
}
