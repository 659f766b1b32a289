import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../../src/bus/redis.bus.js';
import { resolveRedisBusOptions } from '../../src/bus/redis-bus-options.js';
import { RedisServer } from '../../src/testing/redis-server.js';

let server: RedisServer;
let admin: Redis;
const buses: RedisBus[] = [];

beforeAll(async () => {
  server = await RedisServer.start();
  admin = new Redis(server.url);
  await admin.acl('SETUSER', 'noscripts', 'on', '>secret', '~*', '&*', '+@all', '-@scripting');
});
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
});
afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

/** The warnings a bus logs, by message. */
function warnings(): { logger: pino.Logger; seen: string[] } {
  const seen: string[] = [];
  const stream = new Writable({
    write(line: Buffer, _encoding, done) {
      const entry = JSON.parse(line.toString()) as { level: number; msg: string };
      if (entry.level === 40) seen.push(entry.msg);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), seen };
}

async function busOn(url: string, logger = pino({ level: 'silent' })): Promise<RedisBus> {
  const options = resolveRedisBusOptions({ url });
  if (!options) throw new Error('no options');
  const bus = new RedisBus(options, logger);
  buses.push(bus);
  await expect.poll(() => bus.isHealthy()).toBe(true);
  return bus;
}

/** A node listening to `topics`: what it received from other nodes, in order, as `topic:message`. */
async function listener(topics: string[]): Promise<string[]> {
  const bus = await busOn(server.url);
  const received: string[] = [];
  const subscriptions = topics.map((topic) =>
    bus.subscribe(topic, (message) => received.push(`${topic}:${message}`)),
  );
  await Promise.all(subscriptions.map((subscription) => subscription.ready));
  return received;
}

/** `INFO commandstats` as `{ publish: calls, evalsha: calls, ... }`. */
async function commandCalls(): Promise<Record<string, number>> {
  const calls: Record<string, number> = {};
  for (const [, name, count] of (await admin.info('commandstats')).matchAll(
    /^cmdstat_(\w+):calls=(\d+)/gm,
  )) {
    calls[name as string] = Number(count);
  }
  return calls;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("the Redis bus's publishes", () => {
  it('sends the messages of a loop turn as one script call, each a message of its own, in order', async () => {
    const received = await listener(['one', 'two']);
    const sender = await busOn(server.url);
    await admin.config('RESETSTAT');
    for (const [topic, message] of [
      ['one', '1'],
      ['two', '1'],
      ['one', '2'],
      ['one', '3'],
      ['two', '2'],
    ] as const) {
      sender.publish(topic, message);
    }
    await expect.poll(() => received.length).toBe(5);
    expect(received).toEqual(['one:1', 'two:1', 'one:2', 'one:3', 'two:2']);
    expect(await commandCalls()).toMatchObject({ eval: 1, publish: 5 });

    await turn();
    sender.publish('two', 'alone');
    await expect.poll(() => received.at(-1)).toBe('two:alone');
    const calls = await commandCalls();
    expect([calls.eval, calls.evalsha ?? 0, calls.publish]).toEqual([1, 0, 6]);
    expect(sender.health().undelivered).toBe(0);
  });

  it('sends the script again in full when Redis lost it (SCRIPT FLUSH), losing nothing', async () => {
    const received = await listener(['one']);
    const sender = await busOn(server.url);
    sender.publish('one', '1');
    sender.publish('one', '2');
    await expect.poll(() => received.length).toBe(2);
    sender.publish('one', '3');
    sender.publish('one', '4');
    await expect.poll(() => received.length).toBe(4);
    await admin.script('FLUSH');
    await admin.config('RESETSTAT');
    sender.publish('one', '5');
    sender.publish('one', '6');
    await expect.poll(() => received.length).toBe(6);
    expect(received).toEqual(['one:1', 'one:2', 'one:3', 'one:4', 'one:5', 'one:6']);
    expect(await commandCalls()).toMatchObject({ evalsha: 1, eval: 1, publish: 2 });
    expect(sender.health().undelivered).toBe(0);
  });

  it('falls back to one PUBLISH a message where Redis refuses scripts, losing none, saying so once', async () => {
    const received = await listener(['one', 'two']);
    const { logger, seen } = warnings();
    const sender = await busOn(server.url.replace('redis://', 'redis://noscripts:secret@'), logger);
    sender.publish('one', '1');
    sender.publish('two', '1');
    sender.publish('one', '2');
    await expect.poll(() => received.length).toBe(3);
    await turn();
    sender.publish('one', '3');
    sender.publish('two', '2');
    await expect.poll(() => received.length).toBe(5);
    expect(received).toEqual(['one:1', 'two:1', 'one:2', 'one:3', 'two:2']);
    expect(seen).toEqual([
      'Redis refused the publish script: room messages go out one PUBLISH each',
    ]);
    expect(sender.health().undelivered).toBe(0);
  });
});
