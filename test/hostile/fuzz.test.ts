import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/alive.js';
import { FrameFuzzer, prng } from './support/fuzz-frames.js';
import { createHostileApp, type HostileApp } from './support/hostile-app.js';
import { MiB, settledHeap } from './support/memory.js';
import { Op, RawWsClient } from './support/raw-socket.js';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const CONNECTIONS = 6;
const BATCH = 200;

/** A pino destination that checks every line is one JSON object, keeping nothing. */
function checkingLog() {
  const counts = { lines: 0, bad: 0 };
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        counts.lines += 1;
        try {
          JSON.parse(line);
        } catch {
          counts.bad += 1;
        }
      }
      done();
    },
  });
  return { counts, logger: pino({ level: 'debug' }, stream) };
}

describe(`fuzz: ${FRAMES} random and mutated frames (seed ${SEED})`, () => {
  let t: HostileApp;
  const log = checkingLog();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const onUncaught = (error: unknown) => unhandled.push(error);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUncaught);
    t = await createHostileApp({ logger: log.logger, maxPayload: 16 * 1024 });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUncaught);
    await t.close();
  });

  it('crashes nothing, rejects nothing unhandled, and leaks neither sockets nor memory', async () => {
    const fuzzer = new FrameFuzzer(prng(SEED));
    const stats = { sent: 0, replies: 0, reconnects: 0, badReplies: 0, leaks: 0 };
    let heapBefore = 0;

    const lane = async (share: number) => {
      let client = await RawWsClient.connect(t.port, '/hostile');
      let sentinel = 0;
      let sent = 0;
      while (sent < share) {
        const chunks: Buffer[] = [];
        let closes = false;
        while (chunks.length < BATCH && sent < share && !closes) {
          const frame = fuzzer.next();
          chunks.push(frame.bytes);
          closes = frame.closes;
          sent += 1;
        }
        sentinel += 1;
        const id = `sentinel-${sentinel}`;
        const answered = new Promise<'answered' | 'closed'>((resolve) => {
          client.onFrame = (frame) => {
            if (frame.opcode !== Op.TEXT) return;
            stats.replies += 1;
            const text = frame.payload.toString();
            let reply: { id?: unknown } = {};
            try {
              reply = JSON.parse(text) as { id?: unknown };
            } catch {
              stats.badReplies += 1;
            }
            if (/secret|"stack"/.test(text)) stats.leaks += 1;
            if (reply.id === id) resolve('answered');
          };
          void client.ended.then(() => resolve('closed'));
        });
        client.write(Buffer.concat(chunks));
        client.text(JSON.stringify({ event: 'ping', id }));
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          answered,
          new Promise<'hung'>((resolve) => {
            timer = setTimeout(() => resolve('hung'), 5000);
          }),
        ]).finally(() => clearTimeout(timer));
        expect(outcome).not.toBe('hung');
        if (outcome === 'closed') {
          stats.reconnects += 1;
          client = await RawWsClient.connect(t.port, '/hostile');
        }
      }
      stats.sent += sent;
      client.destroy();
    };

    // Warm-up, then measure from a settled heap.
    await Promise.all(Array.from({ length: CONNECTIONS }, () => lane(500)));
    await eventually(() => t.registry.size === 0, 3000, 'Warm-up connections closed');
    heapBefore = await settledHeap();
    stats.sent = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, () => lane(Math.ceil(FRAMES / CONNECTIONS))),
    );
    const seconds = (performance.now() - started) / 1000;

    await eventually(
      () => t.registry.size === 0,
      5000,
      () => `${t.registry.size} sockets left open`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const heapAfter = await settledHeap();
    console.info(
      `fuzz seed ${SEED}: ${stats.sent} frames in ${seconds.toFixed(1)} s over ${CONNECTIONS} connections, ` +
        `${stats.replies} replies, ${stats.reconnects} reconnects, ${log.counts.lines} log lines, ` +
        `heap ${(heapBefore / MiB).toFixed(1)} → ${(heapAfter / MiB).toFixed(1)} MiB`,
    );
    expect(stats.sent).toBeGreaterThanOrEqual(FRAMES);
    expect(unhandled).toEqual([]);
    expect(stats.badReplies).toBe(0);
    expect(stats.leaks).toBe(0);
    expect(log.counts.bad).toBe(0);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(heapAfter - heapBefore).toBeLessThan(8 * MiB);
    await t.alive();
  }, 120_000);
});
