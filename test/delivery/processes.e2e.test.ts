import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { signToken } from '../../src/app/token.js';
import { type RoomResumeResult, type ServerFrame, WsClient } from '../../src/client/index.js';
import { freePort, RedisServer } from '../../src/testing/redis-server.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { buildPackage, type PackageBuild } from '../support/package-build.js';
import { AppProcess, JWT_SECRET } from './support/app-process.js';
import {
  framesUntilReply,
  joinAt,
  type ResumeReplyFrame,
  type RoomMessageFrame,
} from './support/history-app.js';

const token = (sub: string) => signToken(JWT_SECRET, { sub, ttlSeconds: 3600 });
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

let build: PackageBuild;
beforeAll(async () => {
  build = await buildPackage('delivery');
}, 120_000);
afterAll(() => build?.remove());

/** Two reference-app processes on one Redis. */
async function startNodes(redisUrl: string): Promise<[AppProcess, AppProcess]> {
  const env = { REDIS_URL: redisUrl };
  const nodes = [
    new AppProcess(build, await freePort(), env),
    new AppProcess(build, await freePort(), env),
  ] as [AppProcess, AppProcess];
  await Promise.all(nodes.map((node) => node.start()));
  return nodes;
}

describe('two reference-app processes on one Redis', () => {
  let redis: RedisServer;
  let a: AppProcess;
  let b: AppProcess;
  beforeAll(async () => {
    redis = await RedisServer.start();
    [a, b] = await startNodes(redis.url);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  const connect = (node: AppProcess, user: string) =>
    WsTestClient.connect(node.url, { token: token(user) });

  it('resumes a member of node B on node A: exactly the 50 it missed, in order, then live ones, while a sender keeps sending', async () => {
    const sender = await connect(a, 'sam');
    await joinAt(sender, 'resume');
    const away = await connect(b, 'mia');
    await joinAt(away, 'resume');
    sender.send({ event: 'room.send', data: { room: 'resume', text: 'seen' } });
    const held = (await away.next<RoomMessageFrame>()).pos;
    await sender.next();
    away.close();
    await away.closed;

    const missed = Array.from({ length: 50 }, (_, i) => `missed ${i}`);
    for (const text of missed) sender.send({ event: 'room.send', data: { room: 'resume', text } });
    for (const _ of missed) await sender.next();

    let live = 0;
    const sending = (async () => {
      for (; live < 40; live++) {
        sender.send({ event: 'room.send', data: { room: 'resume', text: `live ${live}` } });
        await sleep(5);
      }
    })();
    await sleep(20);
    const back = await connect(a, 'mia');
    const id = back.emit('session.resume', { rooms: [held] });
    const frames = await framesUntilReply(back, id);
    const reply = frames.pop() as unknown as ResumeReplyFrame;
    await sending;
    const texts = (frames as unknown as RoomMessageFrame[]).map((frame) => frame.data.text);
    expect(texts.slice(0, 50)).toEqual(missed);
    expect(reply.data.rooms).toEqual([
      {
        room: 'resume',
        recovered: true,
        missed: expect.any(Number),
        pos: { room: 'resume', offset: expect.any(Number), epoch: held.epoch },
      },
    ]);
    const all = frames as unknown as RoomMessageFrame[];
    while (all.length < 90) all.push(await back.next<RoomMessageFrame>());
    expect(await back.quietFor(200)).toBe(true);
    expect(all.map((frame) => frame.data.text)).toEqual([
      ...missed,
      ...Array.from({ length: 40 }, (_, i) => `live ${i}`),
    ]);
    expect(all.map((frame) => frame.pos)).toEqual(
      all.map((_, i) => ({ room: 'resume', offset: held.offset + 1 + i, epoch: held.epoch })),
    );
  });

  it('delivers what a plain Node worker publishes with the emitter to members on both nodes, with positions', async () => {
    const onA = await connect(a, 'ann');
    const onB = await connect(b, 'ben');
    const start = await joinAt(onA, 'jobs');
    await joinAt(onB, 'jobs');
    const emitter = join(build.outDir, 'emitter/index.js');
    // A child process that loads nothing but the built emitter.
    await promisify(execFile)(
      process.execPath,
      [resolve(import.meta.dirname, 'support/emit-100.mjs'), emitter, redis.url, 'jobs'],
      { env: { PATH: process.env.PATH ?? '' } },
    );
    for (const client of [onA, onB]) {
      const got: RoomMessageFrame[] = [];
      for (let i = 0; i < 100; i++) got.push(await client.next<RoomMessageFrame>());
      expect(got.map((frame) => frame.data.text)).toEqual(
        Array.from({ length: 100 }, (_, i) => `job ${i}`),
      );
      expect(got.map((frame) => frame.pos)).toEqual(
        got.map((_, i) => ({ room: 'jobs', offset: start.offset + 1 + i, epoch: start.epoch })),
      );
    }
    expect(await onA.next()).toEqual({ event: 'notice', data: { text: 'done' } });
    expect(await onB.quietFor(100)).toBe(true);
  });

  it('builds an emitter that imports no Nest and no WebSocket code', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, specifier] of source.matchAll(
        /(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/g,
      )) {
        if (!specifier) continue;
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
        else packages.add(specifier);
      }
    };
    visit(join(build.outDir, 'emitter/index.js'));
    expect([...packages].sort()).toEqual(['ioredis']);
  });
});
