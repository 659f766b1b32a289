/**
 * Redis's CPU per message stored in a room's history, as Redis counts it
 * (`INFO commandstats`: the script's microseconds per call / messages per
 * call, wall time inside the command; and `INFO cpu`: the main thread's
 * user + system time, reading and writing included, steadier on a shared
 * machine), and this process's CPU per message, with `RedisHistoryStore`:
 * one message per loop turn (a paced sender) and 8 per turn (a burst: one
 * script call for the 8). `tsc -p tsconfig.bench.json && node
 * build/bench/micro/history-append.js`. Rounds alternate the cases; compare
 * within a round.
 */
import { Redis } from 'ioredis';
import { RedisHistoryStore } from '../../src/history/redis-history.store.js';
import { RedisServer } from '../lib/redis-server.js';

const MESSAGES = Number(process.env.MICRO_MESSAGES ?? 8_000);
const ROUNDS = 3;
const retention = { size: 100, ttlMs: 120_000 };
const body = `{"event":"room.message","data":{"room":"lobby","from":"alice","text":"${'x'.repeat(40)}","at":1764526000000}`;

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Redis's microseconds in scripts since the last reset. */
async function scriptMicros(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_(?:eval|evalsha):calls=\d+,usec=(\d+)/gm)) {
    total += Number(match[1]);
  }
  return total;
}

/** Redis's main thread CPU time so far, µs. */
async function redisCpuMicros(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(info.match(new RegExp(`^${name}:([\\d.]+)`, 'm'))?.[1]);
  return (field('used_cpu_user_main_thread') + field('used_cpu_sys_main_thread')) * 1e6;
}

async function main(): Promise<void> {
  const server = await RedisServer.start();
  const redis = new Redis(server.url, { commandTimeout: 2000 });
  const stats = new Redis(server.url);
  const store = new RedisHistoryStore(redis, 'micro:');
  const cases: Array<[string, number]> = [
    ['1 per turn', 1],
    ['8 per turn', 8],
  ];
  const run = async (perTurn: number, count: number) => {
    for (let i = 0; i < count; i += perTurn) {
      await Promise.all(
        Array.from({ length: perTurn }, () =>
          store.publish('lobby', 'room:lobby', body, retention),
        ),
      );
    }
  };
  try {
    for (const [, perTurn] of cases) await run(perTurn, MESSAGES / 10); // warm-up
    for (let round = 1; round <= ROUNDS; round++) {
      const figures: string[] = [];
      for (const [name, perTurn] of cases) {
        await stats.config('RESETSTAT');
        const redisStarted = await redisCpuMicros(stats);
        const started = cpuMicros();
        await run(perTurn, MESSAGES);
        const node = (cpuMicros() - started) / MESSAGES;
        const redisCpu = ((await redisCpuMicros(stats)) - redisStarted) / MESSAGES;
        const inRedis = (await scriptMicros(stats)) / MESSAGES;
        figures.push(
          `${name}: Redis ${inRedis.toFixed(1)} µs in scripts, ${redisCpu.toFixed(1)} µs CPU, node ${node.toFixed(1)} µs`,
        );
      }
      process.stdout.write(`round ${round}: ${figures.join(' | ')} per message\n`);
    }
  } finally {
    redis.disconnect();
    stats.disconnect();
    await server.stop();
  }
}

await main();
