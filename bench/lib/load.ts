/**
 * The request/response load generator: N connections, each keeping a window
 * of W requests in flight; every reply lets the next request go.
 *
 * Replies are matched in order per connection (a sync handler answers in
 * order on one connection), so servers that cannot carry the request id (the
 * stock Nest gateway) are measured the same way. Each reply is checked (its
 * id when it carries one, its event or content: see lib/dialect.ts);
 * mismatches are counted as `bad`, never silently accepted.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';
import type { Driver, DriverResult } from './scenario.js';
import { LatencyHistogram } from './stats.js';

export interface LoadOptions {
  window: number;
  /** Frame for request number `seq` of a connection (carries `seq` as its id). */
  frame: (seq: number) => string;
  /** Whether `data` is the right reply to request `seq`. */
  replyOk: (data: Buffer, seq: number) => boolean;
  /** Frames that are no replies (the server's pings), skipped. */
  isControl: (data: Buffer) => boolean;
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

interface Conn {
  ws: WebSocket;
  socket: Socket | undefined;
  sent: number;
  acked: number;
  sentAt: Float64Array;
  scheduled: boolean;
}

/** Windowed request/response load over already open connections. */
export class WindowedLoad implements Driver {
  private readonly conns: Conn[];
  private readonly histogram = new LatencyHistogram();
  private phase: 'idle' | 'run' | 'measure' | 'drain' = 'idle';
  private inFlight = 0;
  private replies = 0;
  private bad = 0;
  private lost = 0;
  private onDrained: (() => void) | undefined;

  constructor(
    sockets: WebSocket[],
    private readonly options: LoadOptions,
  ) {
    this.conns = sockets.map((ws) => ({
      ws,
      // Requests freed by one read of replies go out in one corked write (one
      // syscall instead of one per frame), which keeps the generator cheap.
      socket: (ws as unknown as { _socket?: Socket })._socket,
      sent: 0,
      acked: 0,
      sentAt: new Float64Array(options.window),
      scheduled: false,
    }));
    for (const c of this.conns) c.ws.on('message', (raw: RawData) => this.onReply(c, raw));
  }

  private pump(c: Conn): void {
    c.scheduled = false;
    if (this.phase !== 'run' && this.phase !== 'measure') return;
    const { window, frame } = this.options;
    c.socket?.cork();
    const now = performance.now();
    while (c.sent - c.acked < window) {
      c.sentAt[c.sent % window] = now;
      c.ws.send(frame(c.sent));
      c.sent++;
      this.inFlight++;
    }
    c.socket?.uncork();
  }

  private onReply(c: Conn, raw: RawData): void {
    const now = performance.now();
    const data = asBuffer(raw);
    if (this.options.isControl(data)) return;
    if (c.acked >= c.sent) {
      this.bad++;
      return;
    }
    const seq = c.acked++;
    this.inFlight--;
    if (!this.options.replyOk(data, seq)) this.bad++;
    if (this.phase === 'measure') {
      this.replies++;
      this.histogram.recordMs(now - (c.sentAt[seq % this.options.window] as number));
    }
    if (this.phase === 'drain') {
      if (this.inFlight === 0) this.onDrained?.();
    } else if (!c.scheduled) {
      // All frames of one TCP read are emitted synchronously, so a microtask
      // refills the window once per read instead of once per reply.
      c.scheduled = true;
      queueMicrotask(() => this.pump(c));
    }
  }

  start(): void {
    this.phase = 'run';
    for (const c of this.conns) this.pump(c);
  }

  beginMeasure(): void {
    this.phase = 'measure';
  }

  endMeasure(): void {
    this.phase = 'run';
  }

  /** Stops sending and waits (at most 3 s) for the replies still in flight. */
  stop(): Promise<void> {
    this.phase = 'drain';
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onDrained = undefined;
        resolve();
      }, 3000);
      this.onDrained = () => {
        clearTimeout(timer);
        this.onDrained = undefined;
        resolve();
      };
    });
  }

  result(): DriverResult {
    // Whatever did not come back by the end is lost (the count is final).
    this.lost = this.inFlight;
    const warnings: string[] = [];
    if (this.bad > 0) warnings.push(`${this.bad} wrong replies`);
    if (this.lost > 0) warnings.push(`${this.lost} replies missing`);
    if (this.replies === 0) warnings.push('no replies');
    return {
      count: this.replies,
      p50Ms: this.histogram.percentileMs(50),
      p99Ms: this.histogram.percentileMs(99),
      notes: [],
      warnings,
    };
  }
}
