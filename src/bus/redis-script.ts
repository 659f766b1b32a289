import type { Command, Redis } from 'ioredis';
import { ioredis } from './ioredis.js';

/**
 * A Lua script sent by its SHA1 (`EVALSHA`) on a connection that already
 * ran it, else in full (`EVAL`, which loads it). Known per socket: a
 * reconnection (a Redis restart, a failover) starts with `EVAL` again, and
 * since one connection runs its commands in order, the `EVALSHA`s written
 * after that `EVAL` find the script. Only a `SCRIPT FLUSH` on a live
 * connection gives NOSCRIPT: the caller sends the command again in full
 * (`retry`). The SHA1 is Redis's answer to one `SCRIPT LOAD` (no hashing
 * here: the emitter imports no `node:crypto`).
 */
export class RedisScript {
  private sha: string | undefined;
  private asking = false;
  /** The sockets this script was sent on in full. */
  private readonly loadedOn = new WeakSet<object>();

  constructor(private readonly source: string) {}

  /** The command that runs the script on `redis`'s current socket, bulk replies as strings. */
  command(redis: Redis, args: ReadonlyArray<string | number>): Command {
    const { Command } = ioredis();
    const stream = redis.stream;
    if (this.sha && stream && this.loadedOn.has(stream)) {
      return new Command('evalsha', [this.sha, ...args], { replyEncoding: 'utf8' });
    }
    if (stream) this.loadedOn.add(stream);
    if (!this.sha) this.learnSha(redis);
    return new Command('eval', [this.source, ...args], { replyEncoding: 'utf8' });
  }

  /** After NOSCRIPT: the script in full, and `EVAL` again on this socket until it ran. */
  retry(redis: Redis, args: ReadonlyArray<string | number>): Command {
    if (redis.stream) this.loadedOn.delete(redis.stream);
    return this.command(redis, args);
  }

  private learnSha(redis: Redis): void {
    if (this.asking) return;
    this.asking = true;
    redis.script('LOAD', this.source).then(
      (sha) => {
        this.sha = String(sha);
      },
      () => {
        this.asking = false;
      },
    );
  }
}

/** Whether a Redis error says the script is not loaded. */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
