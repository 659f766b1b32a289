import { availableParallelism, loadavg } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { type Connection } from '../../src/connection/connection.js';
import { type SecureWsModuleOptions } from '../../src/options/secure-ws-options.interface.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { hs } from '../auth/support/tokens.js';
import { eventually } from './support/alive.js';
import { createHostileApp, type HostileApp } from './support/hostile-app.js';
import { LoopStall, percentile } from './support/loop-stall.js';
import { NonReaders } from './support/non-readers.js';
import { encodeFrame, Op } from './support/raw-socket.js';

const SECRET = 'hostile-stall-secret-0123456789abcdef';
const ANONYMOUS = Number(process.env.STALL_ANONYMOUS ?? 32);
const MEMBERS = Number(process.env.STALL_MEMBERS ?? 200);
/** Writes queued in the process per non-reader at the cut (the finding: 8 × 48,800). */
const QUEUED = Number(process.env.STALL_QUEUED ?? 48_800);
const TINY_FRAME = '{"event":"t","data":1}';
const LIMIT_MS = 100;
/**
 * Wall-clock figures (bystander p99, loop lag) also count the time this
 * process waits for a core. On a machine loaded past its cores they are
 * held to a looser bound (1 s), still below the 1.9-2.7 s of the stall; the CPU
 * the server spends in one stretch (`maxBlockCpuMs`) is held to 100 ms always.
 */
const wallLimitMs = () => ((loadavg()[0] ?? 0) > availableParallelism() ? 10 * LIMIT_MS : LIMIT_MS);

/** The default message budgets; every attacker shares 127.0.0.1, so no per-address caps. */
const PROTECTION: SecureWsModuleOptions['protection'] = {
  allowedOrigins: '*',
  maxConnections: false,
  maxConnectionsPerAddress: false,
  handshakeRate: false,
};

const isMember = (connection: Connection) =>
  connection.session?.userId.startsWith('member-') === true;
const tokenHeaders = (sub: string) => ({ Authorization: `Bearer ${hs(SECRET, sub)}` });

/** A bystander asking `ping` 33 times a second (within the default rate), timing each answer. */
function probe(bystander: WsTestClient) {
  const roundTrips: number[] = [];
  const failures: unknown[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      const reply = await bystander.request('ping').catch((error: Error) => error.message);
      if (typeof reply === 'string' || reply.data !== 'pong') failures.push(reply);
      roundTrips.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return {
        roundTrips: roundTrips.length,
        p99Ms: Math.round(percentile(roundTrips, 99)),
        failures,
      };
    },
  };
}

describe('cutting peers that stopped reading does not stall the server', () => {
  let t: HostileApp;
  const stop: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of stop.splice(0)) await step();
    await t.close();
  });

  async function admitMembers(count: number): Promise<Connection[]> {
    const members = await NonReaders.start({
      port: t.port,
      path: '/hostile',
      count,
      headers: (index) => tokenHeaders(`member-${index}`),
    });
    stop.push(() => members.stop());
    expect(members.upgraded).toBe(count);
    const admitted = () => [...t.registry.all()].filter(isMember);
    await eventually(() => admitted().length === count, 5000, 'every member admitted');
    const rooms = t.app.get(WsRooms);
    for (const connection of admitted()) await rooms.join(connection, 'stall');
    return admitted();
  }

  it(`cuts ${ANONYMOUS} anonymous non-readers and ${MEMBERS} half-open room members while a bystander's p99 and the loop lag stay under ${LIMIT_MS} ms`, async () => {
    t = await createHostileApp({
      auth: { secret: SECRET },
      heartbeat: { intervalMs: 3000 },
      protection: PROTECTION,
    });
    const bystander = await WsTestClient.connect(t.url('/hostile'), {
      headers: tokenHeaders('bystander'),
    });
    const members = await admitMembers(MEMBERS);
    const closes: Record<number, number> = {};
    for (const member of members) {
      member.socket.once('close', (code) => {
        closes[code] = (closes[code] ?? 0) + 1;
      });
    }
    const stall = new LoopStall();
    stall.start();
    const probing = probe(bystander);

    // Room traffic the members never read, until the heartbeat cuts them (they never pong).
    const rooms = t.app.get(WsRooms);
    let roomFrames = 0;
    const traffic = (async () => {
      while ([...t.registry.all()].some(isMember)) {
        rooms.sendFrame('stall', TINY_FRAME);
        roomFrames += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    // Anonymous peers send frames, are answered UNAUTHENTICATED until closed 4401, and never read.
    const anonymous = await NonReaders.start({
      port: t.port,
      path: '/hostile',
      count: ANONYMOUS,
      after: encodeFrame({ opcode: Op.TEXT, payload: '{"event":"ping"}' }),
      repeat: 4000,
    });
    stop.push(() => anonymous.stop());
    expect(anonymous.upgraded).toBe(ANONYMOUS);
    const anonymousSentAt = stall.now();
    await traffic;
    const membersCutAt = stall.now();
    await eventually(
      () => t.registry.size === 1,
      10_000,
      () => `every attacker cut (${t.registry.size - 1} left)`,
    );
    const bystanderSaw = await probing.stop();
    const report = {
      anonymousSentAt,
      membersCutAt,
      roomFrames,
      memberCloses: closes,
      ...bystanderSaw,
      ...stall.stop(),
    };
    console.info('stall: half-open members and anonymous non-readers', JSON.stringify(report));
    expect(closes).toEqual({ 1006: MEMBERS });
    expect(report.failures).toEqual([]);
    expect(report.maxBlockCpuMs).toBeLessThan(LIMIT_MS);
    expect(report.lagP99Ms).toBeLessThan(wallLimitMs());
    expect(report.p99Ms).toBeLessThan(wallLimitMs());
  }, 60_000);

  it(`cuts 8 non-readers with ${QUEUED} writes queued each without stalling the loop`, async () => {
    t = await createHostileApp({
      auth: { secret: SECRET },
      maxBufferedBytes: 64 * 1024 * 1024,
      heartbeat: { intervalMs: 3000 },
      protection: PROTECTION,
    });
    const members = await admitMembers(8);
    // Big frames fill the kernel's buffers, then every tiny frame is a write queued in the process.
    const rooms = t.app.get(WsRooms);
    const big = JSON.stringify({ event: 't', data: 'x'.repeat(1024 * 1024) });
    for (let i = 0; i < 6; i += 1) rooms.sendFrame('stall', big);
    for (let i = 0; i < QUEUED; i += 1) rooms.sendFrame('stall', TINY_FRAME);
    const queued = Math.min(
      ...members.map(
        (member) => (member.transport as unknown as { writableLength: number }).writableLength,
      ),
    );
    const stall = new LoopStall();
    stall.start();
    // The heartbeat cuts them: they never answer its ping.
    await eventually(() => t.registry.size === 0, 10_000, 'every non-reader cut');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const report = { queuedBytesPerSocket: queued, ...stall.stop() };
    console.info('stall: cut with queued writes', JSON.stringify(report));
    expect(queued).toBeGreaterThan(QUEUED * TINY_FRAME.length);
    // Node still calls back every queued write, with the one shared error: 390,000 calls, measured
    // at 47-51 ms of CPU on Node 20 and 39-112 ms on Node 22 on a loaded 2-core machine. With
    // `terminate()` (on Node 20 a new error and its stack per write) this run measured 6,479 ms of
    // CPU in one stretch and a 29 s loop lag.
    expect(report.maxBlockCpuMs).toBeLessThan(2 * LIMIT_MS);
  }, 60_000);
});
