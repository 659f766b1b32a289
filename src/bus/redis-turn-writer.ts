import { AsyncResource } from 'node:async_hooks';
import type { Command, Redis } from 'ioredis';
import { ioredis } from './ioredis.js';

const writers = new WeakMap<Redis, RedisTurnWriter>();

/**
 * The async context a turn's write runs in when it makes commands, that is
 * when the turn holds a batch (see `TurnBatch.toCommand`): none of the
 * messages it carries (made when this file loads, with the app, outside
 * any message). Left to `setImmediate`, the write would run in the context
 * of the message that queued the turn's first command, and so would the
 * batch's command and the promises that settle it. On Node 22, whose
 * `AsyncLocalStorage` runs on async hooks, that made node A of the bench's
 * history row promote about 170 KB per scavenge (4 KB in this scope) and
 * collect its whole heap every 5 s, 8-10 ms each time (BENCHMARKS.md,
 * session 24). A turn of plain commands (made by their senders, in their
 * own contexts) is written as it comes.
 */
const WRITE_SCOPE = new AsyncResource('secure-ws.redis-turn-write');

/**
 * Several items sent as one command: items queued one after another in a
 * loop turn with the same `key` join it until the turn's write (e.g. the
 * messages of one room, stored by one script call).
 */
export interface TurnBatch {
  readonly key: string;
  /** The command that carries every item joined; called once, at the turn's write. */
  toCommand(): Command;
}

type Queued = Command | TurnBatch;

/**
 * The commands of one event loop turn on one Redis connection (the bus's
 * room messages, the history store's scripts), written together in the
 * turn's check phase: one write for every message the turn's handlers sent
 * (the frames of a TCP read, the messages of several sockets read in one
 * poll), in the order sent, each its own command with its own reply, but
 * for batches (consecutive items of one kind, see `batch`).
 *
 * Written straight with `sendCommand`, around ioredis' auto-pipelining,
 * which builds a `Pipeline` per tick and settles each command through it.
 */
export class RedisTurnWriter {
  private queued: Queued[] = [];
  /** This turn's queue holds a batch. */
  private batched = false;

  private constructor(private readonly connection: Redis) {}

  /** The one writer of a connection, so that everything sent through it keeps its order. */
  static of(connection: Redis): RedisTurnWriter {
    let writer = writers.get(connection);
    if (!writer) {
      writer = new RedisTurnWriter(connection);
      writers.set(connection, writer);
    }
    return writer;
  }

  /** The connection this writer writes to. */
  get redis(): Redis {
    return this.connection;
  }

  /** Queues a command for the end of this loop turn; its reply, as `sendCommand` gives it. */
  send(command: Command): Promise<unknown> {
    this.enqueue(command);
    return command.promise;
  }

  /**
   * The batch an item of `key` joins: the last one queued when it has the
   * same key (so nothing queued in between is overtaken), else a new one
   * from `create`, queued now.
   */
  batch<B extends TurnBatch>(key: string, create: () => B): B {
    const last = this.queued.at(-1);
    if (last !== undefined && 'toCommand' in last && last.key === key) return last as B;
    const batch = create();
    this.batched = true;
    this.enqueue(batch);
    return batch;
  }

  /** `PUBLISH channel payload` at the end of this loop turn. */
  publish(channel: string, payload: string): Promise<unknown> {
    const { Command } = ioredis();
    return this.send(new Command('publish', [channel, payload]));
  }

  private enqueue(entry: Queued): void {
    if (this.queued.length === 0) setImmediate(this.flush);
    this.queued.push(entry);
  }

  private readonly flush = (): void => {
    const queued = this.queued;
    this.queued = [];
    if (!this.batched) {
      this.write(queued);
      return;
    }
    this.batched = false;
    WRITE_SCOPE.runInAsyncScope(this.write, this, queued);
  };

  private write(queued: Queued[]): void {
    const stream = queued.length > 1 ? this.connection.stream : undefined;
    stream?.cork();
    try {
      for (const entry of queued) {
        this.connection.sendCommand('toCommand' in entry ? entry.toCommand() : entry);
      }
    } finally {
      stream?.uncork();
    }
  }
}
