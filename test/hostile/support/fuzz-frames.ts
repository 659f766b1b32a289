import { encodeFrame, Op } from './raw-socket.js';

/** A small, fast, seedable PRNG (mulberry32), so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One generated frame; `closes` when it may end the connection (protocol-level abuse). */
export interface FuzzFrame {
  bytes: Buffer;
  closes: boolean;
}

const EVENTS = [
  'ping',
  'raw',
  'echo',
  'profile.update',
  'throw.sync',
  'throw.reject',
  'throw.observable',
  'throw.nonerror',
  'throw.undefined',
  'reject.null',
  'no.such',
  '__proto__',
  'constructor',
  'toString',
  '',
];

const SEEDS: unknown[] = [
  { event: 'ping', id: 1 },
  { event: 'echo', data: { text: 'hello' }, id: 'e' },
  { event: 'profile.update', data: { email: 'a@b.co', displayName: 'Ann' }, id: 2 },
  { event: 'raw', data: [1, 'two', { three: 3 }, null, true] },
  { event: 'throw.sync', id: 't' },
];

const NASTY_STRINGS = [
  '__proto__',
  'constructor',
  'prototype',
  '\u0000',
  '\ud800',
  '\n{"level":60}',
  '\u001b[2J',
  '<script>',
  "' OR 1=1 --",
  'x'.repeat(5000),
  '🙂',
];

export class FrameFuzzer {
  constructor(private readonly random: () => number) {}

  private int(max: number): number {
    return Math.floor(this.random() * max);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  private string(): string {
    if (this.random() < 0.3) return this.pick(NASTY_STRINGS);
    const length = this.int(40);
    let text = '';
    for (let i = 0; i < length; i += 1) text += String.fromCharCode(this.int(0x3000));
    return text;
  }

  /** A random JSON value, at most `depth` levels deep. */
  value(depth: number): unknown {
    const kind = this.int(depth > 0 ? 9 : 6);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.random() < 0.5;
      case 2:
        return this.pick([0, -1, 1.5, 2 ** 53, -(2 ** 60), 1e308, Number.MIN_VALUE]);
      case 3:
        return this.int(1000);
      case 4:
      case 5:
        return this.string();
      case 6:
      case 7:
        return Array.from({ length: this.int(6) }, () => this.value(depth - 1));
      default:
        return Object.fromEntries(
          Array.from({ length: this.int(6) }, () => [this.string(), this.value(depth - 1)]),
        );
    }
  }

  /** A valid envelope with one field replaced, removed or added. */
  private mutatedEnvelope(): string {
    const envelope = { ...(this.pick(SEEDS) as Record<string, unknown>) };
    const field = this.pick(['event', 'data', 'id', 'extra']);
    const action = this.int(3);
    if (action === 0) delete envelope[field];
    else if (field === 'event' && action === 1) envelope.event = this.pick(EVENTS);
    else envelope[field === 'extra' ? this.string() : field] = this.value(4);
    let text = JSON.stringify(envelope);
    if (this.random() < 0.05) text = text.replace('{', '{"__proto__":{"isAdmin":true},');
    return text;
  }

  /** Valid JSON text with a few characters flipped, inserted or removed. */
  private mutatedText(): string {
    const chars = [...JSON.stringify(this.pick(SEEDS))];
    for (let n = 1 + this.int(4); n > 0; n -= 1) {
      const at = this.int(chars.length + 1);
      const char = this.pick(['{', '}', '[', ']', '"', ':', ',', '\\', ' ', 'a', '0', '\u0000']);
      const action = this.int(3);
      if (action === 0) chars.splice(at, 1);
      else if (action === 1) chars.splice(at, 0, char);
      else chars[at] = char;
    }
    return chars.join('');
  }

  private randomBytes(max: number): Buffer {
    return Buffer.from(Array.from({ length: this.int(max) }, () => this.int(256)));
  }

  next(): FuzzFrame {
    const roll = this.random();
    const text = (payload: string | Buffer): FuzzFrame => ({
      bytes: encodeFrame({ opcode: Op.TEXT, payload }),
      closes: false,
    });
    if (roll < 0.35) return text(this.mutatedEnvelope());
    if (roll < 0.55) return text(JSON.stringify(this.value(5)) ?? 'null');
    if (roll < 0.75) return text(this.mutatedText());
    if (roll < 0.87) return text(this.string());
    if (roll < 0.98) {
      return {
        bytes: encodeFrame({ opcode: Op.BINARY, payload: this.randomBytes(200) }),
        closes: false,
      };
    }
    if (roll < 0.99) {
      // Random bytes as text: almost always invalid UTF-8, closed 1007.
      return {
        bytes: encodeFrame({ opcode: Op.TEXT, payload: this.randomBytes(100) }),
        closes: true,
      };
    }
    // A frame with random header bits and a truthful length.
    const opcode = this.int(16);
    const control = opcode >= 8;
    return {
      bytes: encodeFrame({
        opcode,
        rsv: this.int(8),
        fin: this.random() < 0.7,
        masked: this.random() < 0.9,
        payload: this.randomBytes(control ? 130 : 300),
      }),
      closes: true,
    };
  }
}
