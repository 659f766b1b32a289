import { type Duplex } from 'node:stream';
import { type WebSocket } from 'ws';

/**
 * The option of read backpressure (part of `SecureWsModuleOptions`): how long
 * a client may keep its send buffer over the high-water mark.
 */
export interface ReadBackpressureOptions {
  /**
   * A client whose send buffer passes a quarter of its limit
   * (`maxBufferedBytes`, or `preAuth.maxBufferedBytes`) is no longer read
   * (TCP pushes back on what it sends) until the buffer has drained below a
   * sixteenth of the limit; still over the mark after this long, it is told
   * SLOW_CONSUMER and closed 1013. Past the limit itself it is closed at once,
   * as before.
   * @default 5000
   */
  slowConsumerTimeoutMs?: number;
}

export const DEFAULT_SLOW_CONSUMER_TIMEOUT_MS = 5000;

/** Reading stops above `limit / HIGH_WATER_DIVISOR` buffered bytes ... */
const HIGH_WATER_DIVISOR = 4;
/** ... and starts again once the buffer drained below `limit / LOW_WATER_DIVISOR`. */
const LOW_WATER_DIVISOR = 16;

/** True when `buffered` bytes are over the high-water mark of `limit`. */
export function overHighWater(buffered: number, limit: number): boolean {
  return buffered > limit / HIGH_WATER_DIVISOR;
}

/**
 * Read backpressure of one connection: a client that does not read what the
 * server sends it is not read either, so the replies it asks for cannot pile
 * up in the server's memory (a stalled reader that keeps sending requests
 * fills TCP buffers, its own and the kernel's, not the server's heap).
 */
export class ReadBackpressure {
  private timer: NodeJS.Timeout | undefined;
  private lowWater = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly transport: Duplex,
    private readonly timeoutMs: number,
    /** Whether reading may start again (not while the dispatch bound holds it, or closing). */
    private readonly mayRead: () => boolean,
    /** The buffer stayed over the mark for `timeoutMs`. */
    private readonly onTimeout: () => void,
  ) {}

  /** True while reading is stopped by this (not by the dispatch bound). */
  get holding(): boolean {
    return this.timer !== undefined;
  }

  /**
   * After a send: past the high-water mark of `limit`, stop reading until the
   * socket drains. Only while the socket's own stream waits for a drain (so
   * that a `drain` event is sure to come).
   */
  check(limit: number): void {
    if (this.timer !== undefined) return;
    if (!overHighWater(this.socket.bufferedAmount, limit)) return;
    if (!this.transport.writableNeedDrain) return;
    this.lowWater = limit / LOW_WATER_DIVISOR;
    this.socket.pause();
    this.timer = setTimeout(this.expire, this.timeoutMs);
    this.timer.unref();
    this.transport.once('drain', this.drained);
  }

  /** Forgets the hold (the connection closed). */
  release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.transport.off('drain', this.drained);
  }

  private readonly drained = (): void => {
    if (this.timer === undefined) return;
    if (this.socket.bufferedAmount > this.lowWater && this.transport.writableNeedDrain) {
      this.transport.once('drain', this.drained);
      return;
    }
    this.release();
    if (this.mayRead()) this.socket.resume();
  };

  private readonly expire = (): void => {
    this.release();
    this.onTimeout();
  };
}
