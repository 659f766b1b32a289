/**
 * The request/response load generator: N connections, each keeping a window
 * of W requests in flight; every reply immediately triggers the next request.
 *
 * Replies are matched in order per connection (a sync handler answers in
 * order on one connection), so servers that cannot carry the request id (the
 * stock Nest gateway) are measured the same way. When a reply carries an id it
 * is checked against the expected one, and the reply's event is checked too;
 * mismatches are counted as `bad`, never silently accepted.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';
import { CpuMeter, LatencyHistogram } from './stats.js';

export interface LoadOptions {
  sockets: WebSocket[];
  window: number;
  warmupMs: number;
  durationMs: number;
  /** Frame for request number `seq` of a connection (carries `"id":"<seq>"`). */
  frame: (seq: number) => string;
  /** Event the replies must carry. */
  replyEvent: string;
  /** Called when measuring starts / ends (e.g. to sample the server's CPU). */
  onMeasureStart?: () => void;
  onMeasureEnd?: () => void;
}

export interface LoadResult {
  replies: number;
  seconds: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Replies with the wrong event or id. */
  bad: number;
  /** Requests still unanswered 3 s after the run ended. */
  lost: number;
  /** Load generator CPU during the measurement, as a fraction of one core. */
  generatorCpu: number;
}

const ID_MARK = Buffer.from('"id":"');
const QUOTE = 0x22;

/** Id of a reply as a number, -1 when the reply has none, -2 when it is not numeric. */
function replyId(data: Buffer): number {
  const at = data.indexOf(ID_MARK);
  if (at === -1) return -1;
  let n = 0;
  let i = at + ID_MARK.length;
  if (i >= data.length || data[i] === QUOTE) return -2;
  for (; i < data.length; i++) {
    const c = data[i] as number;
    if (c === QUOTE) return n;
    if (c < 0x30 || c > 0x39) return -2;
    n = n * 10 + (c - 0x30);
  }
  return -2;
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

interface Conn {
  ws: WebSocket;
  sent: number;
  acked: number;
  sentAt: Float64Array;
  scheduled: boolean;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { window, frame } = options;
  const eventMark = Buffer.from(`"event":"${options.replyEvent}"`);
  const histogram = new LatencyHistogram();
  const cpu = new CpuMeter();
  let phase: 'warmup' | 'measure' | 'drain' = 'warmup';
  let replies = 0;
  let bad = 0;
  let measureStart = 0;
  let measureEnd = 0;
  let generatorCpu = 0;
  let onDrained: (() => void) | undefined;
  let inFlight = 0;

  const conns: Conn[] = options.sockets.map((ws) => ({
    ws,
    sent: 0,
    acked: 0,
    sentAt: new Float64Array(window),
    scheduled: false,
  }));

  // Replies are handled one by one, but the window is refilled once per
  // connection per read: all frames of one TCP read are emitted synchronously,
  // so a microtask runs after the last of them.
  const pump = (c: Conn) => {
    // Requests freed by one read of replies go out in one corked write
    // (one syscall instead of one per frame): keeps the generator cheap.
    const socket = (c.ws as unknown as { _socket?: Socket })._socket;
    socket?.cork();
    const now = performance.now();
    while (c.sent - c.acked < window) {
      c.sentAt[c.sent % window] = now;
      c.ws.send(frame(c.sent));
      c.sent++;
      inFlight++;
    }
    socket?.uncork();
    c.scheduled = false;
  };
  const schedule = (c: Conn) => {
    if (c.scheduled) return;
    c.scheduled = true;
    queueMicrotask(() => pump(c));
  };

  for (const c of conns) {
    c.ws.on('message', (raw: RawData) => {
      const now = performance.now();
      if (c.acked >= c.sent) {
        bad++;
        return;
      }
      const seq = c.acked++;
      inFlight--;
      const data = asBuffer(raw);
      const id = replyId(data);
      if (data.indexOf(eventMark) === -1 || (id !== -1 && id !== seq)) bad++;
      if (phase === 'measure') {
        replies++;
        histogram.recordMs(now - (c.sentAt[seq % window] as number));
        schedule(c);
      } else if (phase === 'warmup') {
        schedule(c);
      } else if (inFlight === 0) {
        onDrained?.();
      }
    });
  }

  return new Promise((resolve) => {
    for (const c of conns) pump(c);
    setTimeout(() => {
      phase = 'measure';
      cpu.reset();
      measureStart = performance.now();
      options.onMeasureStart?.();
      setTimeout(() => {
        phase = 'drain';
        measureEnd = performance.now();
        generatorCpu = cpu.fraction();
        options.onMeasureEnd?.();
        const finish = () => {
          clearTimeout(timer);
          for (const c of conns) c.ws.removeAllListeners('message');
          const seconds = (measureEnd - measureStart) / 1000;
          resolve({
            replies,
            seconds,
            rate: replies / seconds,
            p50Ms: histogram.percentileMs(50),
            p99Ms: histogram.percentileMs(99),
            maxMs: histogram.maxMs(),
            bad,
            lost: inFlight,
            generatorCpu,
          });
        };
        const timer = setTimeout(finish, 3000);
        onDrained = finish;
        if (inFlight === 0) finish();
      }, options.durationMs);
    }, options.warmupMs);
  });
}
