import { AsyncLocalStorage } from 'node:async_hooks';
import { Command, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTurnWriter, type TurnBatch } from '../../src/bus/redis-turn-writer.js';
import { RedisServer } from '../../src/testing/redis-server.js';

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

/** A message's context, as the module's (or nestjs-pino's, or the app's) `AsyncLocalStorage` holds it. */
const messages = new AsyncLocalStorage<string>();

/** A batch of ECHOs that notes the context its command was made and settled in. */
class EchoBatch implements TurnBatch {
  readonly key = 'echo';
  madeIn: string | undefined = 'not made';
  settledIn: string | undefined = 'not settled';
  private readonly words: string[] = [];

  add(word: string): void {
    this.words.push(word);
  }

  toCommand(): Command {
    this.madeIn = messages.getStore();
    const command = new Command('echo', [this.words.join(' ')], { replyEncoding: 'utf8' });
    void command.promise.then(() => {
      this.settledIn = messages.getStore();
    });
    return command;
  }
}

describe("the Redis turn writer's write", () => {
  it("runs in none of the messages' contexts: a batch made and settled there holds no message", async () => {
    const writer = RedisTurnWriter.of(redis);
    let batch: EchoBatch | undefined;
    for (const message of ['message 1', 'message 2']) {
      messages.run(message, () => {
        batch = writer.batch('echo', () => new EchoBatch());
        batch.add(message);
      });
    }
    const echoed = messages.run('after', () => writer.send(new Command('echo', ['after'])));
    expect(String(await echoed)).toBe('after');
    expect(batch?.madeIn).toBeUndefined();
    expect(batch?.settledIn).toBeUndefined();
  });

  it('gives each sender its reply in its own context', async () => {
    const writer = RedisTurnWriter.of(redis);
    const contexts = await Promise.all(
      ['message 1', 'message 2'].map((message) =>
        messages.run(message, async () => {
          const reply = await writer.send(
            new Command('echo', [message], { replyEncoding: 'utf8' }),
          );
          return `${String(reply)} in ${messages.getStore()}`;
        }),
      ),
    );
    expect(contexts).toEqual(['message 1 in message 1', 'message 2 in message 2']);
  });
});
