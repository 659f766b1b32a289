import type { Command } from 'ioredis';
import { ioredis } from './ioredis.js';
import { isNoScript, RedisScript } from './redis-script.js';
import type { RedisTurnWriter, TurnBatch } from './redis-turn-writer.js';

/**
 * `PUBLISH ARGV[i] ARGV[i + 1]` for each pair, in order: each message still
 * reaches subscribers as a message of its own, exactly as a `PUBLISH` sends
 * it, so nodes of any version read them.
 */
const PUBLISH_SCRIPT = new RedisScript(
  "for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end\nreturn #ARGV / 2",
);

/** What a publisher tells its bus. */
export interface PublishReport {
  /** `count` messages did not reach Redis (it is away, the connection dropped). */
  notPublished(count: number, error: unknown): void;
  /** Redis refused the publish script (no scripting for this user or server): told once. */
  scriptRefused(error: unknown): void;
}

/** One loop turn's consecutive publishes on one connection. */
class TurnPublishes implements TurnBatch {
  static readonly KEY = 'secure-ws:publishes';
  readonly key = TurnPublishes.KEY;
  private readonly pairs: string[] = [];

  constructor(private readonly publisher: RedisPublisher) {}

  add(channel: string, message: string): void {
    this.pairs.push(channel, message);
  }

  toCommand(): Command {
    return this.publisher.commandOf(this.pairs);
  }
}

/**
 * The room messages a bus publishes on one Redis connection. The messages
 * of one loop turn (nothing else queued between them, see
 * `RedisTurnWriter.batch`) go out as one command: a lone one as `PUBLISH`,
 * several as one call of `PUBLISH_SCRIPT`. The node then encodes, sends and
 * reads the reply of one command a turn, where a paced sender's turn holds
 * several messages (4 on average in the bench's cross-node row, 6-8 for most
 * messages): at 4 a turn the publishing process spent 4.0-4.5 µs per
 * message against 6.6-7.1 µs with one `PUBLISH` each, on Node 22 and 24
 * alike (BENCHMARKS.md, session 25).
 *
 * A Redis that refuses the script (an ACL without `@scripting`, a server
 * without Lua) gets the batch again as one `PUBLISH` a message, and every
 * message after that too. After a `SCRIPT FLUSH` on a live connection the
 * batch is sent again in full (`EVAL`), a turn later: a lone `PUBLISH`
 * written in between goes first.
 */
export class RedisPublisher {
  private refused = false;
  private readonly newBatch = () => new TurnPublishes(this);

  constructor(
    private readonly writer: RedisTurnWriter,
    private readonly report: PublishReport,
  ) {}

  /** `PUBLISH channel message` with the loop turn's other publishes on this connection. */
  publish(channel: string, message: string): void {
    if (this.refused) {
      this.publishAlone(channel, message);
      return;
    }
    this.writer.batch(TurnPublishes.KEY, this.newBatch).add(channel, message);
  }

  /** The command of a turn's publishes, `[channel, message, channel, message, ...]`. */
  commandOf(pairs: string[]): Command {
    if (pairs.length === 2) {
      const { Command } = ioredis();
      const command = new Command('publish', pairs);
      void command.promise.catch((error: unknown) => this.report.notPublished(1, error));
      return command;
    }
    const redis = this.writer.redis;
    const args = [0, ...pairs];
    const command = PUBLISH_SCRIPT.command(redis, args);
    void command.promise.catch((error: unknown) => {
      if (isNoScript(error)) {
        void this.writer
          .send(PUBLISH_SCRIPT.retry(redis, args))
          .catch((again: unknown) => this.scriptFailed(pairs, again));
        return;
      }
      this.scriptFailed(pairs, error);
    });
    return command;
  }

  private scriptFailed(pairs: string[], error: unknown): void {
    if (!isRefusal(error)) {
      this.report.notPublished(pairs.length / 2, error);
      return;
    }
    if (!this.refused) {
      this.refused = true;
      this.report.scriptRefused(error);
    }
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const [channel, message] = [pairs[i], pairs[i + 1]] as [string, string];
      this.publishAlone(channel, message);
    }
  }

  private publishAlone(channel: string, message: string): void {
    void this.writer
      .publish(channel, message)
      .catch((error: unknown) => this.report.notPublished(1, error));
  }
}

/**
 * Whether Redis refused to run the script at all: a user without the
 * scripting commands (`NOPERM`), a server or proxy without them (`unknown
 * command`). Nothing of the batch was published then.
 */
function isRefusal(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.message.startsWith('NOPERM') || error.message.includes('unknown command');
}
