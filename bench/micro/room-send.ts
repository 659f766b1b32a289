/**
 * Node A's own work per `room.send`, old way against new, side by side in
 * one process (process CPU per message: user + system, so the write system
 * calls count): `tsc -p tsconfig.bench.json && node build/bench/micro/room-send.js`.
 *
 * - validation of the reference app's `RoomMessageDto`: class-transformer
 *   then class-validator's `validate` awaited (what the pipe did) against
 *   `SecureValidationPipe.validatePayload` (`validateSync` for a class whose
 *   constraints are all synchronous);
 * - the publish to a real `redis-server`: ioredis' `publish` with
 *   auto-pipelining (what `RedisBus.publish` did) against `RedisTurnWriter`
 *   (the publishes of a loop turn written together in its check phase), one
 *   message per loop turn (a paced sender) and 16 per turn (a burst); at 4
 *   per turn, one `PUBLISH` each against `RedisPublisher` (what
 *   `RedisBus.publish` does now: the turn's publishes as one script call).
 *
 * Rounds alternate the cases; compare within a round. The full figures are
 * in `npm run bench`.
 */
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Redis } from 'ioredis';
import { RoomMessageDto } from '../../src/app/dto/room.dto.js';
import { RedisPublisher } from '../../src/bus/redis-publishes.js';
import { RedisTurnWriter } from '../../src/bus/redis-turn-writer.js';
import { SecureValidationPipe } from '../../src/validation/secure-validation.pipe.js';
import { RedisServer } from '../lib/redis-server.js';

const MESSAGES = Number(process.env.MICRO_MESSAGES ?? 20_000);
const ROUNDS = 3;
const OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};
const pipe = new SecureValidationPipe();
const payload = () => ({ room: 'cross-node', text: `${Math.random()}:1234.567` });

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function perMessage(count: number, run: () => Promise<void>): Promise<number> {
  const started = cpuMicros();
  await run();
  return (cpuMicros() - started) / count;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const pipelined = new Redis(redis.url, { enableAutoPipelining: true, commandTimeout: 2000 });
  const direct = new Redis(redis.url, { enableAutoPipelining: true, commandTimeout: 2000 });
  const batch = RedisTurnWriter.of(direct);
  const publisher = new RedisPublisher(batch, {
    notPublished: (_count, error) => {
      throw error;
    },
    scriptRefused: (error) => {
      throw error;
    },
  });
  const channel = 'secure-ws:t:room:cross-node';
  const frame = `node|{"event":"room.message","data":{"room":"cross-node","from":"u","text":"0:1.5","at":1}}`;
  await Promise.all([pipelined.ping(), direct.ping()]);
  const cases: Array<[string, (count: number) => Promise<void>]> = [
    [
      'validate (await validate)',
      async (count) => {
        for (let i = 0; i < count; i++) {
          const instance = plainToInstance(RoomMessageDto, payload());
          if ((await validate(instance, OPTIONS)).length > 0) throw new Error('invalid');
        }
      },
    ],
    [
      'validate (validatePayload)',
      async (count) => {
        for (let i = 0; i < count; i++) {
          const instance = pipe.validatePayload(payload(), RoomMessageDto);
          if (instance instanceof Promise)
            throw new Error('RoomMessageDto validates synchronously');
        }
      },
    ],
    [
      'publish x1/turn (auto-pipelined)',
      async (count) => {
        for (let i = 0; i < count; i++) {
          void pipelined.publish(channel, frame);
          await turn();
        }
        await pipelined.ping();
      },
    ],
    [
      'publish x1/turn (batch)',
      async (count) => {
        for (let i = 0; i < count; i++) {
          void batch.publish(channel, frame);
          await turn();
        }
        await turn();
        await direct.ping();
      },
    ],
    [
      'publish x4/turn (batch)',
      async (count) => {
        for (let i = 0; i < count; i += 4) {
          for (let j = 0; j < 4; j++) void batch.publish(channel, frame);
          await turn();
        }
        await turn();
        await direct.ping();
      },
    ],
    [
      'publish x4/turn (RedisPublisher)',
      async (count) => {
        for (let i = 0; i < count; i += 4) {
          for (let j = 0; j < 4; j++) publisher.publish(channel, frame);
          await turn();
        }
        await turn();
        await direct.ping();
      },
    ],
    [
      'publish x16/turn (auto-pipelined)',
      async (count) => {
        for (let i = 0; i < count; i += 16) {
          for (let j = 0; j < 16; j++) void pipelined.publish(channel, frame);
          await turn();
        }
        await pipelined.ping();
      },
    ],
    [
      'publish x16/turn (batch)',
      async (count) => {
        for (let i = 0; i < count; i += 16) {
          for (let j = 0; j < 16; j++) void batch.publish(channel, frame);
          await turn();
        }
        await turn();
        await direct.ping();
      },
    ],
  ];
  try {
    for (const [, run] of cases) await run(MESSAGES / 10); // warm-up
    for (let round = 1; round <= ROUNDS; round++) {
      const figures: string[] = [];
      for (const [name, run] of cases) {
        figures.push(`${name} ${(await perMessage(MESSAGES, () => run(MESSAGES))).toFixed(1)} µs`);
      }
      process.stdout.write(`round ${round}: ${figures.join(' | ')}\n`);
    }
  } finally {
    pipelined.disconnect();
    direct.disconnect();
    await redis.stop();
  }
}

await main();
